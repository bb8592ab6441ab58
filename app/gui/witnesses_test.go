package gui

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/bundlewriter"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/witness"
)

// TestWitnessesShown: an archive whose checkpoint a witness on loopback
// cosigned shows it on the document page, and its bundle's verification
// names the witness.
func TestWitnessesShown(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), demoFiles, "USB stick")
	w, err := archive.Open(filepath.Join(t.TempDir(), "witness"), archivetest.Options(true))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	wk, _ := w.WitnessKey()
	srv := httptest.NewServer(witness.Handler(w.AddCheckpoint))
	defer srv.Close()

	a, err := archive.Open(dir, archivetest.Options(false))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Trust("Desk", a.Public().VerifierKey, "test"); err != nil {
		t.Fatal(err)
	}
	a.AddWitness("Paper B", srv.URL, wk.VerifierKey)
	if res, err := a.GatherCosignatures(context.Background()); err != nil || !res.AllCosigned() {
		t.Fatalf("gathering: %+v %v", res, err)
	}
	var ids [][32]byte
	a.Each(func(r *catalog.Record) error { ids = append(ids, r.Sum()); return nil }, nil)
	path := filepath.Join(t.TempDir(), "b.zip")
	if _, err := bundlewriter.Create(context.Background(), a, bundlewriter.Options{Out: path, Docs: ids}); err != nil {
		t.Fatal(err)
	}
	a.Close()

	u := openTestUI(t, dir)
	act(u, func() { u.verifyBundle(path) })
	mustContain(t, "the bundle's report", texts(u.win.Canvas().Content()), "Checkpoint witnessed by 1 of 1: Paper B")
	openDoc(t, u, "leak/mail/minutes.eml")
	// The bundle's export event made a new checkpoint, not cosigned yet.
	mustContain(t, "the document page", texts(u.win.Canvas().Content()), "Witnessed", "witnessed by 0 of 1")
}
