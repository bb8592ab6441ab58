package gui

import (
	"net/url"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/app/version"
)

// helpPages are the documentation pages the Help menu opens.
var helpPages = []struct{ label, page string }{
	{"Command line", "cli.md"},
	{"How Custody keeps documents", "architecture.md"},
	{"Provenance and proofs", "provenance.md"},
	{"Bundles", "bundle-format.md"},
	{"Using the window", "window.md"},
	{"Custody on Windows", "windows.md"},
}

// docURL is the address of a page of the documentation.
func docURL(page string) *url.URL {
	u, _ := url.Parse(version.Website + "/blob/main/docs/" + page)
	return u
}

// helpMenu holds the documentation links, the keyboard shortcuts and the
// About box.
func (u *ui) helpMenu() *fyne.Menu {
	m := fyne.NewMenu("Help")
	for _, p := range helpPages {
		page := p.page
		m.Items = append(m.Items, fyne.NewMenuItem(p.label, func() { u.app.OpenURL(docURL(page)) }))
	}
	m.Items = append(m.Items, fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Keyboard shortcuts", u.showShortcuts),
		fyne.NewMenuItem("About Custody", u.showAbout))
	return m
}

// aboutText is what the About box says, one fact a line.
func aboutText() string {
	i := version.Get()
	mod := ""
	if i.Modified {
		mod = " (with uncommitted changes)"
	}
	return "Version " + i.Version + "\n" +
		"Commit " + i.Commit + mod + "\n" +
		"Built with " + i.Go + " for " + i.Platform + "\n\n" +
		"Licence: " + version.Licence
}

// showAbout shows the version, commit, licence and website.
func (u *ui) showAbout() {
	text := widget.NewLabel(aboutText())
	text.Wrapping = fyne.TextWrapWord
	text.Selectable = true // the commit can be copied into a report
	site, _ := url.Parse(version.Website)
	body := container.NewVBox(heading("Custody"),
		widget.NewLabel("Keeps documents and proves nobody changed them and where they came from."),
		text, widget.NewHyperlink(version.Website, site))
	d := dialog.NewCustom("About Custody", "Close", body, u.win)
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
}

// shortcutLines lists every keyboard shortcut of the main menu, and the
// keys the window handles itself, as "Ctrl+Shift+I  Import folder…".
func (u *ui) shortcutLines() []string {
	var lines []string
	for _, m := range u.mainMenu().Items {
		for _, it := range m.Items {
			if sc, ok := it.Shortcut.(*desktop.CustomShortcut); ok {
				lines = append(lines, shortcutText(sc, runtime.GOOS)+"\t"+it.Label)
			}
		}
	}
	lines = append(lines, tableKeys...)
	return append(lines, "Esc\tClose the dialog on top, or go back to the list")
}

// shortcutText names a shortcut the way the platform's own menus do.
func shortcutText(sc *desktop.CustomShortcut, goos string) string {
	var parts []string
	// The menus' command key, fyne.KeyModifierShortcutDefault, is Ctrl,
	// or Super on macOS, where it is called Cmd.
	mod := sc.Modifier
	if mod&fyne.KeyModifierControl != 0 {
		parts = append(parts, "Ctrl")
	}
	if mod&fyne.KeyModifierAlt != 0 {
		parts = append(parts, "Alt")
	}
	if mod&fyne.KeyModifierShift != 0 {
		parts = append(parts, "Shift")
	}
	if mod&fyne.KeyModifierSuper != 0 {
		if goos == "darwin" {
			parts = append(parts, "Cmd")
		} else {
			parts = append(parts, "Super")
		}
	}
	return strings.Join(append(parts, string(sc.KeyName)), "+")
}

// showShortcuts lists the keyboard shortcuts in a dialog.
func (u *ui) showShortcuts() {
	grid := container.NewGridWithColumns(2)
	for _, line := range u.shortcutLines() {
		keys, what, _ := strings.Cut(line, "\t")
		grid.Add(widget.NewLabelWithStyle(keys, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}))
		grid.Add(widget.NewLabel(what))
	}
	dialog.ShowCustom("Keyboard shortcuts", "Close", grid, u.win)
}
