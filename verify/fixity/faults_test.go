package fixity_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/pack"
	"github.com/custody-app/custody/archive/pack/packtest"
	"github.com/custody-app/custody/verify/fixity"
	"github.com/custody-app/custody/verify/report"
)

// markedPack returns the number of the pack file holding packedMarker in
// the fixture's archive, and the marker's offset in it.
func markedPack(t *testing.T, dir string) (uint64, int64) {
	t.Helper()
	for _, f := range packFiles(t, dir) {
		b, _ := os.ReadFile(f)
		if i := bytes.Index(b, packedMarker); i >= 0 {
			n, err := strconv.ParseUint(strings.TrimSuffix(filepath.Base(f), ".pack"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n, int64(i)
		}
	}
	t.Fatal("the marker is in no pack file")
	return 0, 0
}

// openFaulty opens the archive in dir read-only with its packs read
// through a packtest.Faulty, which damage sets up.
func openFaulty(t *testing.T, dir string, opt archive.Options, damage func(f *packtest.Faulty)) (*archive.Archive, *packtest.Faulty) {
	t.Helper()
	var f *packtest.Faulty
	opt.WrapPacks = func(s pack.Storage) pack.Storage {
		f = packtest.NewFaulty(s)
		damage(f)
		return f
	}
	a, err := archive.Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a, f
}

// Damage the storage reports (a failed read, a flipped byte, a pack cut
// short or gone) is told apart and named by document and chunk, like the
// same damage made to the files; every other document stays intact.
func TestStorageFaults(t *testing.T) {
	dir, _, _ := fixture(t)
	n, at := markedPack(t, dir)
	big := func() string {
		a := reopen(t, dir)
		defer a.Close()
		return bigDoc(t, a)
	}()
	cases := []struct {
		name    string
		damage  func(f *packtest.Faulty)
		verdict report.Verdict
		code    string
		message string
	}{
		{"read fails", func(f *packtest.Faulty) { f.FailReads(n) }, report.Unreadable, fixity.ReadError,
			"could not read chunk 1 of 3: reading " + pack.Name(n) + ": injected read error"},
		{"byte flipped", func(f *packtest.Faulty) { f.Flip(n, at+3, 0x20) }, report.Corrupt, fixity.ChunkCorrupt,
			"chunk 3 of 3 is damaged: corrupt: CRC-32C is"},
		{"pack cut short", func(f *packtest.Faulty) { f.Truncate(n, at) }, report.Corrupt, fixity.ChunkCorrupt,
			"chunk 3 of 3 is damaged: corrupt: pack file too short"},
		{"pack gone", func(f *packtest.Faulty) { f.Hide(n) }, report.Corrupt, fixity.ChunkMissing,
			"chunk 1 of 3 is missing from the store"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, f := openFaulty(t, dir, archivetest.ReadOnly(), c.damage)
			rep := fixity.Check(context.Background(), a, fixity.Options{})
			if rep.Verdict != c.verdict {
				t.Fatalf("verdict %s, findings %+v", rep.Verdict, rep.Findings)
			}
			if f.Reads() == 0 {
				t.Fatal("no read went through the faulty storage")
			}
			found := false
			for _, fd := range rep.Findings {
				if fd.Doc == big {
					found = true
					if fd.Code != c.code || !strings.Contains(fd.Message, c.message) {
						t.Errorf("finding %s %q, want %s %q", fd.Code, fd.Message, c.code, c.message)
					}
				}
			}
			if !found {
				t.Fatalf("the damaged document is not named: %+v", rep.Findings)
			}
		})
	}
}

// In an encrypted archive the faulty storage sits below the encryption,
// as a disk does: a byte flipped in the ciphertext is a damaged chunk.
func TestStorageFaultUnderEncryption(t *testing.T) {
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "big.bin"), bytes.Repeat([]byte("encrypted pack bytes "), 200000), 0o644)
	dir := t.TempDir()
	a, err := archive.Open(dir, archivetest.Options(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Import(context.Background(), []string{src}, archive.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	a.Close()
	a, _ = openFaulty(t, dir, archivetest.ReadOnly(), func(f *packtest.Faulty) {
		f.List(func(n uint64, size int64) error { f.Flip(n, 0, 0x01); return nil })
	})
	rep := fixity.Check(context.Background(), a, fixity.Options{})
	if rep.Verdict != report.Corrupt || len(rep.Findings) != 1 || rep.Findings[0].Code != fixity.ChunkCorrupt ||
		!strings.Contains(rep.Findings[0].Message, "chunk 1 of 5 is damaged: corrupt: CRC-32C is") {
		t.Fatalf("verdict %s, findings %+v", rep.Verdict, rep.Findings)
	}
}
