package archivecheck_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/verify/archivecheck"
	"github.com/custody-app/custody/verify/logcheck"
	"github.com/custody-app/custody/verify/report"
	badger "github.com/dgraph-io/badger/v4"
)

func build(t *testing.T) string {
	t.Helper()
	src := t.TempDir()
	for i, s := range []string{"first memo", "second memo", "third memo"} {
		os.WriteFile(filepath.Join(src, string(rune('a'+i))+".txt"), []byte(s), 0o644)
	}
	dir := t.TempDir()
	a, err := archive.Open(dir, archivetest.Options(true))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Import(context.Background(), []string{src}, archive.ImportOptions{Source: "s"}); err != nil {
		t.Fatal(err)
	}
	if rep := archivecheck.Check(context.Background(), a, archivecheck.Options{}); rep.Verdict != report.Intact {
		t.Fatalf("fresh archive: %s %+v", rep.Verdict, rep.Findings)
	}
	return dir
}

func check(t *testing.T, dir string) *report.Report {
	t.Helper()
	a, err := archive.Open(dir, archivetest.ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	return archivecheck.Check(context.Background(), a, archivecheck.Options{})
}

func TestEditedEventIsTampered(t *testing.T) {
	dir := build(t)
	a, err := archive.Open(dir, archivetest.Options(false))
	if err != nil {
		t.Fatal(err)
	}
	err = a.DB().Update(func(txn *badger.Txn) error {
		item, err := txn.Get(logstore.EventKey(1))
		if err != nil {
			return err
		}
		v, _ := item.ValueCopy(nil)
		v = bytes.Replace(v, []byte(`"source":"s"`), []byte(`"source":"S"`), 1)
		return txn.Set(logstore.EventKey(1), v)
	})
	a.Close()
	if err != nil {
		t.Fatal(err)
	}
	rep := check(t, dir)
	if rep.Verdict != report.Tampered || rep.ExitCode(false) != 1 {
		t.Fatalf("verdict %s", rep.Verdict)
	}
	found := false
	for _, f := range rep.Findings {
		if f.Code == logcheck.EventHashMismatch {
			found = true
		}
	}
	if !found {
		t.Fatalf("no %s in %+v", logcheck.EventHashMismatch, rep.Findings)
	}
}
