package e2e_test

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/bundleformat"
	"github.com/custody-app/custody/archive/bundlewriter"
	"github.com/custody-app/custody/verify/bag"
	"github.com/custody-app/custody/verify/report"
)

// These tests write a bundle with the archive's writer and read it back
// with the checker a recipient runs (verify/bag).

var ctx = context.Background()

func hexSum(b []byte, alg string) string {
	if alg == "sha512" {
		s := sha512.Sum512(b)
		return hex.EncodeToString(s[:])
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// manifest reads a manifest into path → checksum, decoding paths.
func manifest(t *testing.T, fsys fs.FS, name string) map[string]string {
	t.Helper()
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		sum, p, ok := strings.Cut(l, "  ")
		if !ok {
			t.Fatalf("%s: line %q is not CHECKSUM  PATH", name, l)
		}
		out[bag.DecodePath(p)] = sum
	}
	return out
}

// TestBagStructure checks a bundle against the BagIt structure rules
// itself, as a folder and as a zip, then lets verify/bag validate it.
func TestBagStructure(t *testing.T) {
	files := map[string]string{
		"100% real.txt": "percent", "aux.txt": "reserved on Windows", "Report.txt": "upper",
		"report.txt": "lower", "mail/1.eml": "Subject: x\r\n\r\nbody\r\n", "empty.txt": "",
	}
	a := archivetest.WithFiles(t, files)
	day := time.Date(2025, 3, 4, 23, 30, 0, 0, time.UTC)
	for _, name := range []string{"bundle", "bundle.zip"} {
		out := filepath.Join(t.TempDir(), name)
		res, err := bundlewriter.Create(ctx, a, bundlewriter.Options{Out: out, Docs: archivetest.AllDocs(t, a), SHA512: true, Now: func() time.Time { return day }})
		if err != nil {
			t.Fatal(err)
		}
		fsys, closer, err := bag.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		defer closer.Close()
		if b, _ := fs.ReadFile(fsys, "bagit.txt"); string(b) != "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n" {
			t.Errorf("bagit.txt = %q", b)
		}
		var payload, tags []string
		fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if strings.HasPrefix(p, "data/") {
					payload = append(payload, p)
				} else if !strings.HasPrefix(p, "tagmanifest-") {
					tags = append(tags, p)
				}
			}
			return err
		})
		slices.Sort(payload)
		slices.Sort(tags)
		var total int
		for _, alg := range []string{"sha256", "sha512"} {
			m := manifest(t, fsys, "manifest-"+alg+".txt")
			if got := slices.Sorted(mapKeys(m)); !slices.Equal(got, payload) {
				t.Errorf("manifest-%s lists %q, payload is %q", alg, got, payload)
			}
			for _, p := range payload {
				b, _ := fs.ReadFile(fsys, p)
				if m[p] != hexSum(b, alg) {
					t.Errorf("%s of %s: manifest %s, file %s", alg, p, m[p], hexSum(b, alg))
				}
				if alg == "sha256" {
					total += len(b)
				}
			}
			tm := manifest(t, fsys, "tagmanifest-"+alg+".txt")
			if got := slices.Sorted(mapKeys(tm)); !slices.Equal(got, tags) {
				t.Errorf("tagmanifest-%s lists %q, tag files are %q", alg, got, tags)
			}
			for _, p := range tags {
				b, _ := fs.ReadFile(fsys, p)
				if tm[p] != hexSum(b, alg) {
					t.Errorf("tag %s: %s", p, alg)
				}
			}
		}
		raw, _ := fs.ReadFile(fsys, "manifest-sha256.txt")
		if !strings.Contains(string(raw), "  data/leak/100_ real.txt\n") || strings.Contains(string(raw), "%") {
			t.Errorf("the payload name with '%%' is not 100_ real.txt in the manifest:\n%s", raw)
		}
		info, _ := fs.ReadFile(fsys, "bag-info.txt")
		for _, want := range []string{
			fmt.Sprintf("Payload-Oxum: %d.%d\n", total, len(files)), "Bagging-Date: 2025-03-04\n",
			"External-Identifier: " + res.ID + "\n", "Source-Organization: Test Desk\n", "Contact-Name: Test Archivist\n",
			"Bag-Software-Agent: Custody",
		} {
			if !strings.Contains(string(info), want) {
				t.Errorf("bag-info.txt lacks %q:\n%s", want, info)
			}
		}
		for _, p := range []string{"data/leak/aux_.txt", "data/leak/Report.txt", "data/leak/report (2).txt", "data/leak/empty.txt"} {
			if !slices.Contains(payload, p) {
				t.Errorf("payload lacks %s: %q", p, payload)
			}
		}
		names, _ := fs.ReadFile(fsys, bundleformat.FileNames)
		if !strings.Contains(string(names), "data/leak/aux_.txt\t"+hexSum([]byte("reserved on Windows"), "sha256")+"\tleak/aux.txt\n") {
			t.Errorf("names.tsv does not keep the original name:\n%s", names)
		}
		keys, _ := fs.ReadFile(fsys, bundleformat.FileKeys)
		if string(keys) != a.Public().VerifierKey+"\n" {
			t.Errorf("keys.txt = %q", keys)
		}
		_, rep := bag.Validate(ctx, fsys, bag.Options{})
		if rep.Verdict != report.NoProvenance || len(rep.Findings)+len(rep.Warnings) != 0 {
			t.Errorf("verify/bag: %s %+v %+v", rep.Verdict, rep.Findings, rep.Warnings)
		}
		if res.Zip {
			checkZip(t, out, "bundle")
		}
	}
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// checkZip: one top folder named like the file, payload stored, tag
// files deflated.
func checkZip(t *testing.T, path, top string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		rest, ok := strings.CutPrefix(f.Name, top+"/")
		if !ok {
			t.Errorf("entry %s is outside the top folder %s", f.Name, top)
		}
		want := zip.Deflate
		if strings.HasPrefix(rest, "data/") {
			want = zip.Store
		}
		if f.Method != want {
			t.Errorf("%s: method %d, want %d", f.Name, f.Method, want)
		}
	}
}

// A zip bundle's payload is written one entry after another while a reader
// runs ahead: documents of several buffers and of none come out whole and
// in their places, and the bag validates.
func TestZipPayloadReadAhead(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 5<<20/16+3) // 5 MiB and a bit: several buffers
	files := map[string]string{"big.bin": big, "empty.txt": "", "small.txt": "small"}
	a := archivetest.WithFiles(t, files)
	out := filepath.Join(t.TempDir(), "b.zip")
	if _, err := bundlewriter.Create(ctx, a, bundlewriter.Options{Out: out, Docs: archivetest.AllDocs(t, a)}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	got := map[string]string{}
	for _, f := range zr.File {
		if !strings.Contains(f.Name, "/data/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		got[f.Name[strings.Index(f.Name, "/data/")+len("/data/"):]] = string(b)
	}
	for name, want := range files {
		var found bool
		for p, b := range got {
			if strings.HasSuffix(p, name) {
				found = true
				if b != want {
					t.Errorf("%s: %d bytes in the zip, want %d", name, len(b), len(want))
				}
			}
		}
		if !found {
			t.Errorf("%s missing from the zip: %v", name, slices.Collect(maps.Keys(got)))
		}
	}
	fsys, closer, err := bag.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	if _, rep := bag.Validate(ctx, fsys, bag.Options{}); rep.HasProblems() {
		t.Fatalf("the zip bag does not validate: %+v", rep.Findings)
	}
}
