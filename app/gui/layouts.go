package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive/quote"
)

// columnLayout centres one object horizontally, at most max wide, at the
// top: forms on wide windows stay readable and narrow windows use their
// whole width.
type columnLayout struct{ max float32 }

func (l columnLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := size.Width
	if w > l.max {
		w = l.max
	}
	for _, o := range objs {
		h := o.MinSize().Height
		if h < size.Height {
			h = size.Height
		}
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos((size.Width-w)/2, 0))
	}
}

func (l columnLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

// column puts content in a centred column of at most max width, scrolling
// when the window is too short.
func column(max float32, content fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVScroll(container.New(columnLayout{max}, container.NewPadded(content)))
}

// heading is a section title.
func heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// title is a page title, on one line (cut short with "…" if need be).
func title(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameHeadingText
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// para is wrapping body text.
func para(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// mono is selectable monospace text (IDs, keys, fingerprints), wrapped
// anywhere so a long key never widens the window.
func mono(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	l.Wrapping = fyne.TextWrapBreak
	l.Selectable = true
	return l
}

// copyButton copies text to the clipboard and says so.
func (u *ui) copyButton(label string, text func() string) *widget.Button {
	var b *widget.Button
	b = widget.NewButtonWithIcon(label, theme.ContentCopyIcon(), func() {
		u.app.Clipboard().SetContent(text())
		b.SetText("Copied")
	})
	return b
}

// errorText is a wrapping label in the theme's error colour.
func errorText() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	l.Hide()
	return l
}

func showError(l *widget.Label, text string) {
	text = quote.Safe(text) // errors quote names from outside
	l.SetText(text)
	if text == "" {
		l.Hide()
	} else {
		l.Show()
	}
}
