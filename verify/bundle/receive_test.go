package bundle_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/verify/bag"
	"github.com/custody-app/custody/verify/bundle"
	"github.com/custody-app/custody/verify/report"
)

// events returns the parsed events of doc's chain in a's log.
func events(t *testing.T, a *archive.Archive, doc [32]byte) []*provenance.Event {
	t.Helper()
	idx, err := a.Chain(doc)
	if err != nil {
		t.Fatal(err)
	}
	var out []*provenance.Event
	for _, i := range idx {
		b, err := a.LogEvent(i)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := provenance.ParseEvent(b)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ev)
	}
	return out
}

func readDoc(t *testing.T, a *archive.Archive, id [32]byte) string {
	t.Helper()
	r, _, err := a.OpenDoc(id)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestReceive(t *testing.T) {
	s := newSender(t)
	for _, name := range []string{"b", "b.zip"} {
		t.Run(name, func(t *testing.T) {
			path := s.bundle(t, name)
			recv := newArchive(t)
			got := receive(t, recv, path)
			if !got.Provenance || got.Forced || !got.Remembered || got.Import.Added != 3 {
				t.Fatalf("received %+v %+v", got, got.Import)
			}
			cp := got.Verify.Checkpoint
			for _, want := range []string{"leak/a.txt", "leak/mail/b.eml", "a-redacted.txt"} {
				id := s.id(t, want)
				rec, err := recv.Record(id)
				if err != nil {
					t.Fatalf("%s not received: %v", want, err)
				}
				if rec.FirstName() != want || !strings.HasPrefix(rec.Source, "bundle "+got.Verify.BundleID+" from ") {
					t.Errorf("record %+v", rec)
				}
				if readDoc(t, recv, id) != readDoc(t, s.a, id) {
					t.Errorf("%s: bytes differ", want)
				}
				evs := events(t, recv, id)
				if len(evs) != 1 || evs[0].Type != provenance.Receive || evs[0].Bundle != got.Verify.BundleID ||
					evs[0].Origin != s.a.Public().Origin || evs[0].Checkpoint != string(cp.Note) || evs[0].Forced ||
					!slices.Equal(evs[0].Docs, []string{rec.ID}) {
					t.Errorf("%s: events %+v", want, evs)
				}
			}
			left, _ := os.ReadDir(filepath.Join(recv.Dir(), archive.TempDir))
			if len(left) != 0 {
				t.Errorf("tmp/ keeps %d entries after a receive", len(left))
			}
		})
	}
}

func TestReceiveTampered(t *testing.T) {
	s := newSender(t)
	dir := filepath.Join(t.TempDir(), "bag")
	copyDir(t, s.bundle(t, "b"), dir)
	edit(t, dir, "data/leak/a.txt", "first", "First")
	for _, path := range []string{dir, zipDir(t, dir)} {
		recv := newArchive(t)
		got, err := receiveBundle(ctx, recv, path, receiveOptions{})
		if !errors.Is(err, bundle.ErrRefused) || got.Verify.Report.Verdict != report.Tampered || got.Import != nil {
			t.Fatalf("%s: a tampered bundle was not refused: %v %+v", path, err, got)
		}
		if recs, _ := recv.Records(); len(recs) != 0 {
			t.Fatalf("a refused bundle left %d documents", len(recs))
		}
		// Forced, the two intact files are received; the changed one is
		// reported and not imported.
		got, err = receiveBundle(ctx, recv, path, receiveOptions{Force: true, Note: "court order"})
		if err != nil || !got.Forced || got.Remembered || got.Import.Added != 2 ||
			len(got.Import.Skipped) != 1 || got.Import.Skipped[0].Path != "data/leak/a.txt" || !strings.Contains(got.Import.Skipped[0].Reason, "did not match") {
			t.Fatalf("forced receive: %v %+v", err, got.Import)
		}
		if s, _ := recv.SeenCheckpoint(s.a.Public().Origin); s != nil {
			t.Error("a forced receive remembered the sender's checkpoint")
		}
		recs, _ := recv.Records()
		for _, r := range recs {
			evs := events(t, recv, r.Sum())
			if len(evs) != 1 || !evs[0].Forced || evs[0].Note != "received despite the verdict TAMPERED; court order" {
				t.Errorf("%s: events %+v", r.FirstName(), evs)
			}
			if r.FirstName() == "leak/a.txt" {
				t.Error("the changed file was received")
			}
		}
	}
}

// TestReceiveZipChecksum: a zip entry whose bytes do not match its CRC is
// caught by verification (and would be at the end of the copy to tmp/).
func TestReceiveZipChecksum(t *testing.T) {
	s := newSender(t)
	path := s.bundle(t, "b.zip")
	raw, _ := os.ReadFile(path)
	i := bytes.Index(raw, []byte("the first document"))
	if i < 0 {
		t.Fatal("payload is not stored uncompressed")
	}
	raw[i] = 'T'
	os.WriteFile(path, raw, 0o644)
	res := bundle.Verify(ctx, path, bundle.Options{})
	expect(t, res, report.Tampered, bag.ZipChecksum, "data/leak/a.txt")
	recv := newArchive(t)
	if _, err := receiveBundle(ctx, recv, path, receiveOptions{}); !errors.Is(err, bundle.ErrRefused) {
		t.Fatalf("receive: %v", err)
	}
	got, err := receiveBundle(ctx, recv, path, receiveOptions{Force: true})
	if err != nil || got.Import.Added != 2 || len(got.Import.Skipped) != 1 || got.Import.Skipped[0].Path != "data/leak/a.txt" {
		t.Fatalf("forced receive of a bad zip entry: %v %+v", err, got.Import)
	}
}

// TestReceivePlainBag receives a bag made by another tool: its documents
// get ingest events naming the bag.
func TestReceivePlainBag(t *testing.T) {
	dir := conformanceDir(t)
	for _, name := range []string{"v1.0/valid/basicBag", "v0.97/valid/bag-with-space"} {
		recv := newArchive(t)
		got, err := receiveBundle(ctx, recv, filepath.Join(dir, name), receiveOptions{})
		if err != nil || got.Provenance || got.Verify.Report.Verdict != report.NoProvenance || got.Import.Added == 0 {
			t.Fatalf("%s: %v %+v", name, err, got)
		}
		recs, _ := recv.Records()
		for _, r := range recs {
			evs := events(t, recv, r.Sum())
			if len(evs) != 1 || evs[0].Type != provenance.Ingest || !strings.HasPrefix(evs[0].Source, "bag ") ||
				strings.HasPrefix(evs[0].Path, "data/") || evs[0].Path != r.FirstName() {
				t.Errorf("%s: events %+v record %+v", name, evs, r)
			}
		}
	}
}

// TestConformanceBags: bags made by other tools verify as NO PROVENANCE,
// with their payload intact.
func TestConformanceBags(t *testing.T) {
	dir := conformanceDir(t)
	bags, _ := filepath.Glob(filepath.Join(dir, "*", "valid", "*"))
	if len(bags) == 0 {
		t.Skip("no conformance bags found")
	}
	for _, b := range bags {
		res := bundle.Verify(ctx, b, bundle.Options{})
		if res.Report.Verdict != report.NoProvenance || res.Provenance {
			t.Errorf("%s: %s %+v", b, res.Report.Verdict, res.Report.Findings)
			continue
		}
		for _, f := range res.Files {
			if !f.Verified {
				t.Errorf("%s: %s not verified", b, f.Path)
			}
		}
	}
}

// conformanceDir finds the shared third-party BagIt conformance bags next
// to the repository, or in $CUSTODY_BAGIT_CONFORMANCE.
func conformanceDir(t *testing.T) string {
	if d := os.Getenv("CUSTODY_BAGIT_CONFORMANCE"); d != "" {
		return d
	}
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("go.mod not found; cannot locate the conformance bags")
		}
		dir = parent
	}
	d := filepath.Join(dir, "..", "shared", "conformance", "bagit")
	if _, err := os.Stat(d); err != nil {
		t.Skipf("conformance bags not found at %s", d)
	}
	return d
}

// TestProgress: verifying and receiving report progress, ending with Done.
func TestProgress(t *testing.T) {
	s := newSender(t)
	path := s.bundle(t, "b.zip")
	var mu sync.Mutex
	var verifying, importing []progress.Progress
	got, err := receiveBundle(ctx, newArchive(t), path, receiveOptions{
		Verifying: func(p progress.Progress) { mu.Lock(); verifying = append(verifying, p); mu.Unlock() },
		Importing: func(p progress.Progress) { mu.Lock(); importing = append(importing, p); mu.Unlock() },
	})
	if err != nil || got.Import.Added != 3 {
		t.Fatal(err)
	}
	for name, list := range map[string][]progress.Progress{"verifying": verifying, "importing": importing} {
		if len(list) == 0 || !list[len(list)-1].Done || list[len(list)-1].TotalFiles == 0 {
			t.Errorf("%s: %+v", name, list)
		}
	}
}

// TestReceiveHostileZip: a zip whose entries would land outside its
// folder, or that holds a link, is refused before anything is read or
// written.
func TestReceiveHostileZip(t *testing.T) {
	for name, entries := range map[string][]string{
		"slip": {"bag/bagit.txt", "bag/data/../../evil.txt"},
		"link": {"bag/bagit.txt", "bag/data/link"},
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, name+".zip")
		f, _ := os.Create(path)
		zw := zip.NewWriter(f)
		for _, e := range entries {
			h := &zip.FileHeader{Name: e, Method: zip.Store}
			if strings.HasSuffix(e, "link") {
				h.SetMode(os.ModeSymlink | 0o777)
			}
			w, _ := zw.CreateHeader(h)
			w.Write([]byte("../../../../etc/passwd"))
		}
		zw.Close()
		f.Close()
		recv := newArchive(t)
		got, err := receiveBundle(ctx, recv, path, receiveOptions{Force: true})
		if !errors.Is(err, bundle.ErrRefused) || got.Verify.Report.Verdict != report.Invalid || got.Import != nil {
			t.Errorf("%s: %v %+v", name, err, got.Verify.Report.Findings)
		}
		left, _ := os.ReadDir(dir)
		if len(left) != 1 {
			t.Errorf("%s: something was written next to the zip: %v", name, left)
		}
		if recs, _ := recv.Records(); len(recs) != 0 {
			t.Errorf("%s: documents were received", name)
		}
	}
}
