package archive_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive"
)

// TestReceiveRetry receives a folder bag from which one verified file
// went missing: the receive fails, says what it did, and keeps what
// arrived. Received again once the file is back, only the missing
// document is recorded; a third time, nothing is.
func TestReceiveRetry(t *testing.T) {
	cp := checkpoints(t, 1)[0]
	for _, prov := range []bool{true, false} {
		t.Run(fmt.Sprintf("provenance=%v", prov), func(t *testing.T) {
			a := openTest(t, filepath.Join(t.TempDir(), "arc"))
			defer a.Close()
			dir, files := bagFolder(t, map[string]string{"a.txt": "alpha", "sub/b.txt": "beta"})
			opt := archive.ReceiveOptions{Bundle: "B1", Source: "bundle B1"}
			if prov {
				opt.Origin, opt.Checkpoint = cp.Origin, cp.Note
			}
			gone := filepath.Join(dir, "data", "sub", "b.txt")
			if err := os.Remove(gone); err != nil {
				t.Fatal(err)
			}
			res, err := a.Receive(context.Background(), os.DirFS(dir), dir, files, opt)
			if err == nil || !strings.Contains(err.Error(), "1 of the verified files were not received (data/sub/b.txt); the other 1 were") ||
				!strings.Contains(err.Error(), "receive the bundle again") || res == nil || res.Added != 1 {
				t.Fatalf("receive with a file missing: %v %+v", err, res)
			}
			size := logSize(t, a)
			writeFile(t, gone, []byte("beta"))
			res, err = a.Receive(context.Background(), os.DirFS(dir), dir, files, opt)
			if err != nil || res.Added != 1 || res.Duplicates != 1 || res.AlreadyReceived != 1 {
				t.Fatalf("second receive: %v %+v", err, res)
			}
			if got := logSize(t, a); got != size+1 {
				t.Fatalf("the second receive logged %d events, want 1 (the missing document's)", got-size)
			}
			size++
			for _, staged := range []bool{false, true} {
				from := dir
				if staged {
					from = ""
				}
				res, err = a.Receive(context.Background(), os.DirFS(dir), from, files, opt)
				if err != nil || res.Added != 0 || res.AlreadyReceived != 2 {
					t.Fatalf("receive again (staged %v): %v %+v", staged, err, res)
				}
				if got := logSize(t, a); got != size {
					t.Fatalf("receiving the same bag again (staged %v) logged %d events", staged, got-size)
				}
			}
			for _, f := range files {
				id, _ := a.Resolve(f.SHA256)
				rec, _ := a.Record(id)
				if len(rec.Names) != 1 || rec.FirstName() != f.Name {
					t.Errorf("after the retries %s has the names %+v", f.Path, rec.Names)
				}
			}
			// The same bytes from another bundle are a new receive.
			other := opt
			other.Bundle = "B2"
			if !prov {
				other.Source = "bundle B2"
			}
			res, err = a.Receive(context.Background(), os.DirFS(dir), dir, files, other)
			if err != nil || res.AlreadyReceived != 0 || logSize(t, a) != size+2 {
				t.Fatalf("another bundle of the same files: %v %+v, log grew by %d", err, res, logSize(t, a)-size)
			}
		})
	}
}

func logSize(t *testing.T, a *archive.Archive) int64 {
	t.Helper()
	n, err := a.LogSize()
	if err != nil {
		t.Fatal(err)
	}
	return n
}
