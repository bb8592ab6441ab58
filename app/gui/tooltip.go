package gui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Fyne (v2.7) has no tooltips, so the window draws its own: a small
// label in a layer over the page, shown after the pointer rests on a
// toolbar button or a shortened name. The layer holds nothing that takes
// taps or focus, so it never gets in the way of the mouse or keyboard.

// tipDelay is how long the pointer rests before a tip shows.
const tipDelay = 600 * time.Millisecond

type tipLayer struct {
	u     *ui
	layer *fyne.Container
	bg    *canvas.Rectangle
	text  *widget.Label
	gen   int // bumps on every hover change, so a late timer shows nothing
}

func newTipLayer(u *ui) *tipLayer {
	t := &tipLayer{u: u, bg: canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground)), text: widget.NewLabel("")}
	t.bg.StrokeColor = theme.Color(theme.ColorNameShadow)
	t.bg.StrokeWidth = 1
	t.bg.CornerRadius = theme.InputRadiusSize()
	t.layer = container.NewWithoutLayout(t.bg, t.text)
	t.layer.Hide()
	return t
}

// hoverIn shows text near o after tipDelay, unless the pointer leaves.
func (t *tipLayer) hoverIn(o fyne.CanvasObject, text string) {
	if t == nil || text == "" {
		return
	}
	t.gen++
	gen := t.gen
	time.AfterFunc(tipDelay, func() {
		t.u.do(func() {
			if gen == t.gen {
				t.show(o, text)
			}
		})
	})
}

func (t *tipLayer) hoverOut() {
	if t == nil {
		return
	}
	t.gen++
	t.layer.Hide()
}

// show places the tip under o, inside the window.
func (t *tipLayer) show(o fyne.CanvasObject, text string) {
	d := fyne.CurrentApp().Driver()
	at := d.AbsolutePositionForObject(o).Subtract(d.AbsolutePositionForObject(t.layer))
	t.text.SetText(text)
	size := t.text.MinSize()
	area := t.layer.Size()
	x := min(at.X, area.Width-size.Width-theme.Padding())
	y := at.Y + o.Size().Height + theme.Padding()
	if y+size.Height > area.Height { // no room below: above
		y = at.Y - size.Height - theme.Padding()
	}
	pos := fyne.NewPos(max(x, 0), max(y, 0))
	t.bg.FillColor = theme.Color(theme.ColorNameOverlayBackground)
	t.bg.Resize(size)
	t.bg.Move(pos)
	t.text.Resize(size)
	t.text.Move(pos)
	t.layer.Show()
	t.layer.Refresh()
}

// shown is the tip on screen, "" when none (tests).
func (t *tipLayer) shown() string {
	if t == nil || !t.layer.Visible() {
		return ""
	}
	return t.text.Text
}

// tipButton is a button with a tooltip.
type tipButton struct {
	widget.Button
	tip  string
	tips *tipLayer
}

func newTipButton(tips *tipLayer, label, tip string, icon fyne.Resource, fn func()) *tipButton {
	b := &tipButton{tip: tip, tips: tips}
	b.Text, b.Icon, b.OnTapped = label, icon, fn
	b.ExtendBaseWidget(b)
	return b
}

func (b *tipButton) MouseIn(e *desktop.MouseEvent) {
	b.Button.MouseIn(e)
	b.tips.hoverIn(b, b.tip)
}

func (b *tipButton) MouseOut() {
	b.Button.MouseOut()
	b.tips.hoverOut()
}

func (b *tipButton) Tapped(e *fyne.PointEvent) {
	b.tips.hoverOut()
	b.Button.Tapped(e)
}

// A table cell shows its whole text as a tip when the cell shortened it.
func (c *cell) MouseIn(*desktop.MouseEvent) {
	if c.label.Visible() && c.full != c.label.Text {
		c.tips.hoverIn(c, c.full)
	}
}

func (c *cell) MouseMoved(*desktop.MouseEvent) {}

func (c *cell) MouseOut() { c.tips.hoverOut() }
