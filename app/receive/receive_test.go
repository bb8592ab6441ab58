package receive_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/custody-app/custody/app/receive"
	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/bundlewriter"
	"github.com/custody-app/custody/verify/bundle"
	"github.com/custody-app/custody/verify/report"
)

var ctx = context.Background()

// sentBundle makes an archive holding two documents and writes a bundle
// of both; it returns the bundle's folder.
func sentBundle(t *testing.T) string {
	t.Helper()
	a := archivetest.Open(t, filepath.Join(t.TempDir(), "sender"))
	src := filepath.Join(t.TempDir(), "leak")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"a.txt": "the first document\n", "b.txt": "the second\n"} {
		if err := os.WriteFile(filepath.Join(src, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Import(ctx, []string{src}, archive.ImportOptions{Source: "tip line"}); err != nil {
		t.Fatal(err)
	}
	recs, err := a.Records()
	if err != nil {
		t.Fatal(err)
	}
	var docs [][32]byte
	for _, r := range recs {
		docs = append(docs, r.Sum())
	}
	out := filepath.Join(t.TempDir(), "b1")
	if _, err := bundlewriter.Create(ctx, a, bundlewriter.Options{Out: out, Docs: docs}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestBundle(t *testing.T) {
	path := sentBundle(t)
	recv := archivetest.Open(t, filepath.Join(t.TempDir(), "receiver"))
	got, err := receive.Bundle(ctx, recv, path, receive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Verify.Report.Verdict != report.SignerUnknown || got.Import.Added != 2 || !got.Provenance || got.Forced || !got.Remembered {
		t.Fatalf("received %+v, verdict %s", got, got.Verify.Report.Verdict)
	}
	// The same bundle again: nothing new, and the remembered checkpoint
	// is the same one.
	again, err := receive.Bundle(ctx, recv, path, receive.Options{})
	if err != nil || again.Import.Added != 0 || again.Import.Duplicates != 2 || again.Remembered {
		t.Fatalf("received again: %+v, %v", again, err)
	}
}

func TestBundleRefused(t *testing.T) {
	path := sentBundle(t)
	if err := os.WriteFile(filepath.Join(path, "data", "a.txt"), []byte("changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	recv := archivetest.Open(t, filepath.Join(t.TempDir(), "receiver"))
	got, err := receive.Bundle(ctx, recv, path, receive.Options{})
	if !errors.Is(err, bundle.ErrRefused) || got.Import != nil || got.Verify.Report.Verdict != report.Tampered {
		t.Fatalf("tampered bundle: %+v, %v", got, err)
	}
	got, err = receive.Bundle(ctx, recv, path, receive.Options{Force: true, Note: "court order"})
	if err != nil || !got.Forced || got.Remembered || got.Import == nil {
		t.Fatalf("forced: %+v, %v", got, err)
	}
}

func TestBundleNotABag(t *testing.T) {
	recv := archivetest.Open(t, filepath.Join(t.TempDir(), "receiver"))
	got, err := receive.Bundle(ctx, recv, filepath.Join(t.TempDir(), "missing"), receive.Options{})
	if !errors.Is(err, bundle.ErrRefused) || got.Import != nil {
		t.Fatalf("no bag: %+v, %v", got, err)
	}
}
