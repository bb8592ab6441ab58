package archive_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/provenance"
)

// checkpoints returns the signed checkpoints of a sender archive that
// imported n files one at a time (sizes 1..n).
func checkpoints(t *testing.T, n int) []*provenance.Checkpoint {
	t.Helper()
	s := archivetest.Open(t, filepath.Join(t.TempDir(), "sender"))
	for i := range n {
		p := filepath.Join(t.TempDir(), fmt.Sprintf("f%d.txt", i))
		writeFile(t, p, []byte(fmt.Sprint("file ", i)))
		if _, err := s.Import(context.Background(), []string{p}, archive.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	cps, err := logstore.Checkpoints(s.DB())
	if err != nil || len(cps) != n {
		t.Fatalf("%d checkpoints: %v", len(cps), err)
	}
	return cps
}

// bagFolder writes a folder bag's payload (no tag files are needed here:
// the caller has verified the bag) and returns the files to receive.
func bagFolder(t *testing.T, files map[string]string) (string, []archive.ReceiveFile) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "bag")
	var out []archive.ReceiveFile
	for name, text := range files {
		writeFile(t, filepath.Join(dir, "data", filepath.FromSlash(name)), []byte(text))
		out = append(out, archive.ReceiveFile{Path: "data/" + name, Name: "orig/" + strings.ToUpper(name), SHA256: sum([]byte(text)), Size: int64(len(text))})
	}
	return dir, out
}

func TestReceive(t *testing.T) {
	cp := checkpoints(t, 1)[0]
	for _, staged := range []bool{false, true} {
		t.Run(fmt.Sprintf("staged=%v", staged), func(t *testing.T) {
			a := openTest(t, filepath.Join(t.TempDir(), "arc"))
			defer a.Close()
			dir, files := bagFolder(t, map[string]string{"a.txt": "alpha", "sub/b.txt": "beta"})
			from := dir
			if staged {
				from = ""
			}
			res, err := a.Receive(context.Background(), os.DirFS(dir), from, files, archive.ReceiveOptions{Bundle: "B1", Origin: cp.Origin, Checkpoint: cp.Note, Source: "bundle B1"})
			if err != nil || res.Added != 2 {
				t.Fatalf("%v %+v", err, res)
			}
			for _, f := range res.Files {
				if !strings.HasPrefix(f.Path, "data/") {
					t.Errorf("result names %q, not the path in the bag", f.Path)
				}
			}
			for _, f := range files {
				id, _ := a.Resolve(f.SHA256)
				rec, _ := a.Record(id)
				if len(rec.Names) != 1 || rec.FirstName() != f.Name || rec.Source != "bundle B1" {
					t.Errorf("record %+v", rec)
				}
				idx, _ := logstore.DocEvents(a.DB(), id)
				b, _ := logstore.ReadEvent(a.DB(), idx[0])
				ev, _ := provenance.ParseEvent(b)
				if len(idx) != 1 || ev.Type != provenance.Receive || ev.Bundle != "B1" || ev.Origin != cp.Origin || ev.Checkpoint != string(cp.Note) || ev.Forced {
					t.Errorf("event %+v", ev)
				}
			}
			if left, _ := os.ReadDir(filepath.Join(a.Dir(), archive.TempDir)); len(left) != 0 {
				t.Errorf("tmp/ keeps %v", left)
			}
		})
	}
}

func TestReceiveRefusesChangedBytes(t *testing.T) {
	for _, staged := range []bool{false, true} {
		a := openTest(t, filepath.Join(t.TempDir(), "arc"))
		dir, files := bagFolder(t, map[string]string{"a.txt": "alpha"})
		files[0].SHA256 = sum([]byte("what the manifest said"))
		from := dir
		if staged {
			from = ""
		}
		_, err := a.Receive(context.Background(), os.DirFS(dir), from, files, archive.ReceiveOptions{Bundle: "B"})
		if err == nil || !strings.Contains(err.Error(), "changed after it was verified") {
			t.Errorf("staged=%v: %v", staged, err)
		}
		if recs, _ := a.Records(); len(recs) != 0 {
			t.Errorf("staged=%v: changed bytes were imported", staged)
		}
		a.Close()
	}
}

func TestReceiveExtraFileAndForce(t *testing.T) {
	a := openTest(t, filepath.Join(t.TempDir(), "arc"))
	defer a.Close()
	dir, files := bagFolder(t, map[string]string{"a.txt": "alpha"})
	writeFile(t, filepath.Join(dir, "data", "planted.txt"), []byte("not verified"))
	if _, err := a.Receive(context.Background(), os.DirFS(dir), dir, files, archive.ReceiveOptions{Bundle: "B"}); err == nil || !strings.Contains(err.Error(), "not one of the verified files") {
		t.Fatalf("an unverified file was accepted: %v", err)
	}
	// Forced, only the listed file is received, and checked as it is
	// copied; the planted one is never imported.
	res, err := a.Receive(context.Background(), os.DirFS(dir), dir, files, archive.ReceiveOptions{Bundle: "B", Forced: true, Note: "forced", Source: "bag B"})
	if err != nil || res.Added != 1 || len(res.Files) != 1 || res.Files[0].Path != "data/a.txt" {
		t.Fatalf("forced: %v %+v", err, res)
	}
	if recs, _ := a.Records(); len(recs) != 1 {
		t.Errorf("a forced receive imported %d documents, want 1: a file no manifest lists got in", len(recs))
	}
	id, _ := a.Resolve(res.Files[0].ID)
	rec, _ := a.Record(id)
	idx, _ := logstore.DocEvents(a.DB(), id)
	b, _ := logstore.ReadEvent(a.DB(), idx[len(idx)-1])
	ev, _ := provenance.ParseEvent(b)
	// Without an origin (no provenance), documents get ingest events.
	if rec.FirstName() != "orig/A.TXT" || ev.Type != provenance.Ingest || ev.Path != "orig/A.TXT" || ev.Source != "bag B" || ev.Note != "forced" {
		t.Errorf("record %+v event %+v", rec, ev)
	}
	// Forced or not, a file without a checksum is refused.
	files[0].SHA256 = ""
	if _, err := a.Receive(context.Background(), os.DirFS(dir), dir, files, archive.ReceiveOptions{Bundle: "B", Forced: true}); err == nil || !strings.Contains(err.Error(), "no verified checksum") {
		t.Errorf("a forced receive accepted a file without checksum: %v", err)
	}
}

func TestReceiveOtherDigests(t *testing.T) {
	a := openTest(t, filepath.Join(t.TempDir(), "arc"))
	defer a.Close()
	dir, files := bagFolder(t, map[string]string{"a.txt": "alpha"})
	m := md5.Sum([]byte("alpha"))
	files[0].SHA256 = ""
	files[0].Digests = map[string]string{"md5": strings.Repeat("0", 32)}
	if _, err := a.Receive(context.Background(), os.DirFS(dir), "", files, archive.ReceiveOptions{Bundle: "B"}); err == nil || !strings.Contains(err.Error(), "its md5 is now") {
		t.Fatalf("wrong md5 accepted: %v", err)
	}
	files[0].Digests["md5"] = hex.EncodeToString(m[:])
	if res, err := a.Receive(context.Background(), os.DirFS(dir), "", files, archive.ReceiveOptions{Bundle: "B"}); err != nil || res.Added != 1 {
		t.Fatalf("right md5: %v", err)
	}
	files[0].Digests = nil
	if _, err := a.Receive(context.Background(), os.DirFS(dir), "", files, archive.ReceiveOptions{Bundle: "B"}); err == nil || !strings.Contains(err.Error(), "no verified checksum") {
		t.Fatalf("a file without checksum was accepted: %v", err)
	}
}

// TestRememberCheckpoint: the remembered checkpoint only moves forward,
// also when several writers race (compare and swap).
func TestRememberCheckpoint(t *testing.T) {
	cps := checkpoints(t, 6)
	a := openTest(t, filepath.Join(t.TempDir(), "arc"))
	defer a.Close()
	seen := func(cp *provenance.Checkpoint) *archive.Seen {
		return &archive.Seen{Origin: cp.Origin, Size: cp.Size, Checkpoint: string(cp.Note), Key: "k", Bundle: fmt.Sprint("b", cp.Size)}
	}
	origin := cps[0].Origin
	if s, err := a.SeenCheckpoint(origin); s != nil || err != nil {
		t.Fatalf("nothing seen yet: %v %v", s, err)
	}
	if moved, err := a.RememberCheckpoint(seen(cps[2])); !moved || err != nil {
		t.Fatalf("first: %v %v", moved, err)
	}
	for _, cp := range []*provenance.Checkpoint{cps[0], cps[2]} {
		if moved, err := a.RememberCheckpoint(seen(cp)); moved || err != nil {
			t.Fatalf("size %d after 3: moved %v %v", cp.Size, moved, err)
		}
	}
	bad := seen(cps[4])
	bad.Size = 9
	if _, err := a.RememberCheckpoint(bad); err == nil {
		t.Fatal("a record whose size is not its checkpoint's was stored")
	}
	var wg sync.WaitGroup
	for _, cp := range cps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := a.RememberCheckpoint(seen(cp)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	s, err := a.SeenCheckpoint(origin)
	if err != nil || s.Size != 6 || s.Bundle != "b6" || s.Checkpoint != string(cps[5].Note) {
		t.Fatalf("remembered %+v %v", s, err)
	}
	if all, _ := a.SeenAll(); len(all) != 1 {
		t.Fatalf("SeenAll: %d", len(all))
	}
}
