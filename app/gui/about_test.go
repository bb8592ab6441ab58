package gui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/app/version"
)

func TestShortcutText(t *testing.T) {
	sc := &desktop.CustomShortcut{KeyName: fyne.KeyI, Modifier: fyne.KeyModifierControl | fyne.KeyModifierShift}
	if got := shortcutText(sc, "windows"); got != "Ctrl+Shift+I" {
		t.Errorf("windows: %q", got)
	}
	sc.Modifier = fyne.KeyModifierSuper
	if got := shortcutText(sc, "darwin"); got != "Cmd+I" {
		t.Errorf("darwin: %q", got)
	}
}

func TestHelpMenuAndAbout(t *testing.T) {
	u := newTestUI(t, nil)
	menu := u.mainMenu()
	help := menu.Items[len(menu.Items)-1]
	if help.Label != "Help" {
		t.Fatalf("the last menu is %q, want Help", help.Label)
	}
	var labels []string
	for _, it := range help.Items {
		labels = append(labels, it.Label)
	}
	for _, want := range []string{"Command line", "Keyboard shortcuts", "About Custody"} {
		if !slices.Contains(labels, want) {
			t.Errorf("Help lacks %q: %v", want, labels)
		}
	}
	for _, p := range helpPages {
		if got := docURL(p.page).String(); !strings.HasPrefix(got, version.Website+"/blob/main/docs/") {
			t.Errorf("doc link %q", got)
		}
	}

	lines := u.shortcutLines()
	want := shortcutText(shortcut(fyne.KeyI, true).(*desktop.CustomShortcut), "linux") + "\tImport folder…"
	if !slices.Contains(lines, want) || !slices.Contains(lines, "Space\tMark or unmark the document (for export, derive)") || !strings.HasPrefix(lines[len(lines)-1], "Esc\t") {
		t.Errorf("shortcuts %q lack %q or Esc", lines, want)
	}

	about := aboutText()
	i := version.Get()
	for _, want := range []string{"Version " + i.Version, "Commit " + i.Commit, "Licence: "} {
		if !strings.Contains(about, want) {
			t.Errorf("About says %q, lacks %q", about, want)
		}
	}
	u.showAbout()
	if u.win.Canvas().Overlays().Top() == nil {
		t.Fatal("About shows no dialog")
	}
	if !slices.ContainsFunc(test.LaidOutObjects(u.win.Canvas().Overlays().Top()), func(o fyne.CanvasObject) bool {
		h, ok := o.(*widget.Hyperlink)
		return ok && h.URL != nil && h.URL.String() == version.Website
	}) {
		t.Error("About has no link to the website")
	}
}
