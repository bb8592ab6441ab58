package gui

import (
	"context"
	"path/filepath"
	"testing"

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
