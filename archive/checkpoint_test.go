package archive

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/provenance"
	badger "github.com/dgraph-io/badger/v4"
)

// CurrentCheckpoint hands out the stored checkpoint when it covers the
// whole log, without the key, so bundle create can copy while the
// passphrase is checked; a log with unsigned events still needs the key,
// and a wrong passphrase then fails it.
func TestCurrentCheckpoint(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "arc")
	open := func(pass string, background bool) *Archive {
		t.Helper()
		a, err := Open(dir, Options{Create: true, Passphrase: []byte(pass), UnlockInBackground: background,
			New: keys.CreateOptions{Name: "Test", ScryptLogN: keys.MinScryptLogN}})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := open("right", false)
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "note.txt"), []byte("a note"), 0o644)
	res, err := a.Import(context.Background(), []string{src}, ImportOptions{})
	if err != nil || res.Added != 1 {
		t.Fatalf("import: %v %+v", err, res)
	}
	docID := res.Files[0].ID
	doc, err := catalog.ParseID(docID)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()

	// Signed up to date: no key needed, even a wrong one.
	a = open("wrong", true)
	if !a.Writable() {
		t.Fatal("opened with a passphrase but not writable")
	}
	cp, err := a.CurrentCheckpoint()
	if err != nil || cp == nil || cp.Size != 1 {
		t.Fatalf("CurrentCheckpoint = %+v, %v; want the stored checkpoint of size 1", cp, err)
	}
	if err := a.Unlocked(); !errors.Is(err, keys.ErrWrongPassphrase) {
		t.Fatalf("Unlocked with a wrong passphrase = %v", err)
	}
	a.Close()

	// An event appended but not signed, as a crash leaves it.
	a = open("right", false)
	a.wmu.Lock()
	err = a.db.Update(func(txn *badger.Txn) error {
		_, err := a.appendEvent(txn, &provenance.Event{Type: provenance.Annotate, Doc: docID, Tags: []string{"x"}}, doc)
		return err
	})
	a.wmu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	a.Close()

	a = open("wrong", true)
	if cp, err := a.CurrentCheckpoint(); !errors.Is(err, keys.ErrWrongPassphrase) {
		t.Fatalf("unsigned event, wrong passphrase: CurrentCheckpoint = %+v, %v", cp, err)
	}
	a.Close()

	a = open("right", true)
	defer a.Close()
	cp, err = a.CurrentCheckpoint()
	if err != nil || cp == nil || cp.Size != 2 {
		t.Fatalf("unsigned event, right passphrase: CurrentCheckpoint = %+v, %v; want a new one of size 2", cp, err)
	}
	if latest, err := logstore.Latest(a.db); err != nil || latest.Size != 2 {
		t.Fatalf("latest stored checkpoint = %+v, %v", latest, err)
	}
}
