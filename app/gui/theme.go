package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/verify/report"
)

// prefTheme stores the chosen variant: "", "light" or "dark" ("" follows
// the system, or $FYNE_THEME).
const prefTheme = "theme"

// custodyTheme is Fyne's default theme, with the light or dark variant
// forced when the person chose one.
type custodyTheme struct {
	prefs fyne.Preferences
}

func newTheme(p fyne.Preferences) fyne.Theme { return &custodyTheme{prefs: p} }

func (t *custodyTheme) variant(v fyne.ThemeVariant) fyne.ThemeVariant {
	switch t.prefs.String(prefTheme) {
	case "light":
		return theme.VariantLight
	case "dark":
		return theme.VariantDark
	}
	return v
}

func (t *custodyTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return theme.DefaultTheme().Color(n, t.variant(v))
}
func (t *custodyTheme) Font(s fyne.TextStyle) fyne.Resource { return theme.DefaultTheme().Font(s) }
func (t *custodyTheme) Icon(n fyne.ThemeIconName) fyne.Resource {
	return theme.DefaultTheme().Icon(n)
}
func (t *custodyTheme) Size(n fyne.ThemeSizeName) float32 { return theme.DefaultTheme().Size(n) }

// setThemeChoice stores the choice and repaints.
func (u *ui) setThemeChoice(v string) {
	u.app.Preferences().SetString(prefTheme, v)
	u.app.Settings().SetTheme(newTheme(u.app.Preferences()))
}

// Verdict colours: strong backgrounds with a fixed text colour, legible in
// both variants.
var (
	colGreen = color.NRGBA{R: 0x1b, G: 0x7a, B: 0x3d, A: 0xff}
	colAmber = color.NRGBA{R: 0xf2, G: 0xb1, B: 0x1f, A: 0xff}
	colRed   = color.NRGBA{R: 0xb3, G: 0x26, B: 0x1e, A: 0xff}
	colGrey  = color.NRGBA{R: 0x5f, G: 0x63, B: 0x68, A: 0xff}
	colWhite = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	colInk   = color.NRGBA{R: 0x1d, G: 0x1d, B: 0x1d, A: 0xff}
)

// verdictColors gives a verdict's banner background and text colour:
// green when intact, amber when intact but unproven, red when something
// is wrong, grey when the check did not finish.
func verdictColors(v report.Verdict) (bg, fg color.Color) {
	switch v.Tone() {
	case report.Good:
		return colGreen, colWhite
	case report.Caution:
		return colAmber, colInk
	case report.Inconclusive:
		return colGrey, colWhite
	}
	return colRed, colWhite
}

// banner is a full-width coloured block with a large title and a line of
// explanation.
func banner(title, detail string, bg, fg color.Color) fyne.CanvasObject {
	rect := canvas.NewRectangle(bg)
	rect.CornerRadius = theme.InputRadiusSize()
	big := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	big.SizeName = theme.SizeNameHeadingText
	big.Wrapping = fyne.TextWrapWord
	inner := container.NewVBox(big)
	if detail != "" {
		body := widget.NewLabel(detail)
		body.Wrapping = fyne.TextWrapWord
		inner.Add(body)
	}
	return container.NewStack(rect, container.NewThemeOverride(container.NewPadded(inner), &inkTheme{fg: fg}))
}

// inkTheme draws text in a fixed colour, for text on a banner whose
// background does not follow the light or dark variant.
type inkTheme struct {
	fyne.Theme
	fg color.Color
}

func (t *inkTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNameForeground {
		return t.fg
	}
	return fyne.CurrentApp().Settings().Theme().Color(n, v)
}
func (t *inkTheme) Font(s fyne.TextStyle) fyne.Resource { return theme.DefaultTheme().Font(s) }
func (t *inkTheme) Icon(n fyne.ThemeIconName) fyne.Resource {
	return theme.DefaultTheme().Icon(n)
}
func (t *inkTheme) Size(n fyne.ThemeSizeName) float32 { return theme.DefaultTheme().Size(n) }
