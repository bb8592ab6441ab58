package gui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/custody-app/custody/archive/archivetest"
)

// toolbarButtons lists the toolbar's buttons.
func toolbarButtons(u *ui) []*tipButton {
	var out []*tipButton
	for _, o := range u.main.toolbar.(*fyne.Container).Objects {
		if b, ok := o.(*tipButton); ok {
			out = append(out, b)
		}
	}
	return out
}

func TestToolbarTooltips(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), demoFiles, "USB stick")
	u := openTestUI(t, dir)
	bs := toolbarButtons(u)
	if len(bs) != 7 {
		t.Fatalf("%d toolbar buttons", len(bs))
	}
	for _, b := range bs {
		if b.tip == "" || !strings.Contains(b.tip, "Ctrl+") {
			t.Errorf("toolbar button %q has the tooltip %q", b.Text, b.tip)
		}
	}
	// Resting the pointer on a button shows its tip after a moment; leaving
	// hides it.
	b := bs[4]
	locked(func() { b.MouseIn(&desktop.MouseEvent{}) })
	if got := u.tips.shown(); got != "" {
		t.Errorf("a tip shows at once: %q", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	var got string
	for got == "" && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		locked(func() { got = u.tips.shown() })
	}
	if got != toolbarTips["Verify archive"] || b.Text != "Verify archive" {
		t.Errorf("resting on %q shows the tip %q", b.Text, got)
	}
	locked(func() { b.MouseOut() })
	if got := u.tips.shown(); got != "" {
		t.Errorf("the tip stays after the pointer left: %q", got)
	}
	_ = test.NewTempApp
}
