package gui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/bundlewriter"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/tsa/tsatest"
)

// The bundle verification and document screens show the time stamps of
// a TSA on loopback, trusted through the archive's TSA roots.
func TestTimeStampsShown(t *testing.T) {
	ts := tsatest.Start(t, "Loopback TSA")
	dir := makeArchive(t, archivetest.Options(true), demoFiles, "USB stick")
	a, err := archive.Open(dir, archivetest.Options(false))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddTSA(context.Background(), "loop", ts.URL); err != nil {
		t.Fatal(err)
	}
	if err := a.TrustTSARoot("loop-root", ts.Roots); err != nil {
		t.Fatal(err)
	}
	var ids [][32]byte
	a.Each(func(r *catalog.Record) error { ids = append(ids, r.Sum()); return nil }, nil)
	path := filepath.Join(t.TempDir(), "stamped")
	if _, err := bundlewriter.Create(context.Background(), a, bundlewriter.Options{Out: path, Docs: ids}); err != nil {
		t.Fatal(err)
	}
	a.Close()

	u := openTestUI(t, dir)
	act(u, func() { u.verifyBundle(path) })
	mustContain(t, "the report", texts(u.win.Canvas().Content()), "Checkpoint recorded before ", " UTC per Loopback TSA", "not before ")
	p := openDoc(t, u, "leak/mail/minutes.eml")
	u.wait()
	mustContain(t, "the document", texts(p.tabs), "Time stamp", "which covers this document's arrival, was recorded before ", " UTC per Loopback TSA")
}

// TestTimeStampScreens draws the bundle verification and document
// screens with time stamps into $CUSTODY_SCREENSHOTS, as TestScreens
// draws the others.
func TestTimeStampScreens(t *testing.T) {
	out := os.Getenv("CUSTODY_SCREENSHOTS")
	if out == "" {
		t.Skip("set CUSTODY_SCREENSHOTS=DIR to draw the time-stamp screens into DIR")
	}
	ts := tsatest.Start(t, "Loopback TSA")
	s := newStudio(t, out)
	path := filepath.Join(s.home, "Downloads", "stamped bundle")
	stamp := func(u *ui) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if _, err := u.arc.AddTSA(context.Background(), "loopback", ts.URL); err != nil {
			t.Fatal(err)
		}
		u.arc.TrustTSARoot("loopback-root", ts.Roots)
		var ids [][32]byte
		u.arc.Each(func(r *catalog.Record) error { ids = append(ids, r.Sum()); return nil }, nil)
		if _, err := bundlewriter.Create(context.Background(), u.arc, bundlewriter.Options{Out: path, Docs: ids}); err != nil {
			t.Fatal(err)
		}
	}
	s.shoot(scene{name: "bundle-timestamps", show: func(u *ui) { stamp(u); u.verifyBundle(path) }},
		"light", fyne.NewSize(1280, 800), filepath.Join(out, "bundle-timestamps.png"))
	s.shoot(scene{name: "document-timestamps", show: func(u *ui) {
		for _, r := range allRecords(u) {
			u.showDocument(r)
			return
		}
	}}, "light", fyne.NewSize(1280, 800), filepath.Join(out, "document-timestamps.png"))
}

// The Keys page adds a TSA (which stamps the current checkpoint at once)
// and lists it.
func TestAddTSAOnKeysPage(t *testing.T) {
	ts := tsatest.Start(t, "Loopback TSA")
	dir := makeArchive(t, archivetest.Options(true), map[string]string{"a.txt": "a"}, "")
	u := openTestUI(t, dir)
	act(u, u.showKeys)
	var entry *widget.Entry
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Entry:
			if strings.HasPrefix(w.PlaceHolder, "A time-stamping authority's address") {
				entry = w
			}
		case *fyne.Container:
			for _, ch := range w.Objects {
				walk(ch)
			}
		case fyne.Widget:
			if r := test.WidgetRenderer(w); r != nil {
				for _, ch := range r.Objects() {
					walk(ch)
				}
			}
		}
	}
	locked(func() { walk(u.win.Canvas().Content()) })
	if entry == nil {
		t.Fatal("no TSA address entry on the Keys page")
	}
	typeIn(entry, ts.URL)
	tap(t, u, "Add TSA")
	mustContain(t, "the Keys page", texts(u.win.Canvas().Content()), "Added. Checkpoint 1 recorded before ", "per Loopback TSA", ts.URL)
	if list, _ := u.arc.TSAList(); len(list) != 1 || list[0].URL != ts.URL {
		t.Fatalf("configured: %+v", list)
	}
}
