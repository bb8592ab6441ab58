package bag

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive/bagdigest"
	"github.com/custody-app/custody/archive/bundlewriter"
	"github.com/custody-app/custody/verify/report"
)

// spec describes a bag for buildBag. Zero values give a BagIt 1.0 bag with
// sha256 manifests, a bag-info.txt with Payload-Oxum, and a tag manifest.
type spec struct {
	version  string
	algs     []string
	tagAlgs  []string
	files    map[string]string // path in the bag ("data/a.txt") → content
	tagFiles map[string]string // extra tag files ("custody/events.jsonl")
	noTagMan bool
}

func defaultFiles() map[string]string {
	return map[string]string{
		"data/a.txt":          "alpha\n",
		"data/b.txt":          "bravo bravo\n",
		"data/sub/c.bin":      "\x00\x01\x02charlie",
		"data/with space.txt": "spaces are fine\n",
	}
}

func sum(alg, content string) string {
	a, _ := bagdigest.Lookup(alg)
	h := a.New()
	h.Write([]byte(content))
	return hex.EncodeToString(h.Sum(nil))
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// buildBag writes a complete, valid bag in a new temporary folder.
func buildBag(t testing.TB, s spec) string {
	t.Helper()
	dir := t.TempDir()
	if s.version == "" {
		s.version = "1.0"
	}
	if s.algs == nil {
		s.algs = []string{"sha256"}
	}
	if s.tagAlgs == nil {
		s.tagAlgs = []string{"sha256"}
	}
	if s.files == nil {
		s.files = defaultFiles()
	}
	writeFile(t, filepath.Join(dir, "bagit.txt"), "BagIt-Version: "+s.version+"\nTag-File-Character-Encoding: UTF-8\n")
	os.MkdirAll(filepath.Join(dir, "data"), 0o755)
	var size int
	paths := sortedKeys(s.files)
	for _, p := range paths {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(p)), s.files[p])
		size += len(s.files[p])
	}
	for _, alg := range s.algs {
		var b strings.Builder
		for _, p := range paths {
			fmt.Fprintf(&b, "%s  %s\n", sum(alg, s.files[p]), bundlewriter.EncodePath(p))
		}
		writeFile(t, filepath.Join(dir, "manifest-"+alg+".txt"), b.String())
	}
	writeFile(t, filepath.Join(dir, "bag-info.txt"), fmt.Sprintf(
		"Source-Organization: Test Archive\nBagging-Date: 2025-01-02\nPayload-Oxum: %d.%d\nExternal-Identifier: bundle-1\n", size, len(paths)))
	for p, c := range s.tagFiles {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(p)), c)
	}
	if !s.noTagMan {
		retag(t, dir, s.tagAlgs...)
	}
	return dir
}

// retag rewrites the tag manifests so that they match the tag files as
// they are now, as a careful forger (or a bag writer) would.
func retag(t testing.TB, dir string, algs ...string) {
	t.Helper()
	var tags []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() && rel == "data" {
			return filepath.SkipDir
		}
		if !d.Type().IsRegular() || strings.HasPrefix(rel, "tagmanifest-") {
			return nil
		}
		tags = append(tags, rel)
		return nil
	})
	sort.Strings(tags)
	for _, alg := range algs {
		var b strings.Builder
		for _, p := range tags {
			fmt.Fprintf(&b, "%s %s\n", sum(alg, readFile(t, filepath.Join(dir, p))), bundlewriter.EncodePath(p))
		}
		writeFile(t, filepath.Join(dir, "tagmanifest-"+alg+".txt"), b.String())
	}
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func validateDir(t testing.TB, dir string) (*Bag, *report.Report) {
	t.Helper()
	b, r := ValidatePath(context.Background(), dir, Options{Workers: 2})
	if r == nil {
		t.Fatal("no report")
	}
	return b, r
}

// has reports whether the report holds a finding or warning with this
// code and path ("" matches any path).
func has(r *report.Report, code, path string) bool {
	for _, list := range [][]report.Finding{r.Findings, r.Warnings} {
		for _, f := range list {
			if f.Code == code && (path == "" || f.Path == path) {
				return true
			}
		}
	}
	return false
}

func find(r *report.Report, code string) *report.Finding {
	for _, list := range [][]report.Finding{r.Findings, r.Warnings} {
		for i := range list {
			if list[i].Code == code {
				return &list[i]
			}
		}
	}
	return nil
}

func appendTo(t testing.TB, path, text string) {
	t.Helper()
	writeFile(t, path, readFile(t, path)+text)
}
