package ocfl

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/verify/bag"
	"github.com/custody-app/custody/verify/report"
)

// copyTree copies the folder src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if fi.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func fixture(t *testing.T, name string) string {
	dir := filepath.Join(conformanceDir(t), filepath.FromSlash(name))
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("OCFL fixture %s not found: %v", name, err)
	}
	return dir
}

func validateDir(t *testing.T, dir string, root bool, opt Options) *report.Report {
	t.Helper()
	fsys, closer, err := bag.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	if root {
		_, rep := ValidateRoot(context.Background(), fsys, opt)
		return rep
	}
	_, rep := ValidateObject(context.Background(), fsys, opt)
	return rep
}

func codes(rep *report.Report) map[string][]string {
	out := map[string][]string{}
	for _, f := range append(rep.Findings, rep.Warnings...) {
		out[f.Code] = append(out[f.Code], f.Path)
	}
	return out
}

// TestStorageRoot checks a storage root of three objects (one of them
// tampered) and the root's own rules, with progress.
func TestStorageRoot(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "0=ocfl_1.1"), []byte("ocfl_1.1\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "ocfl_layout.json"), []byte(`{"extension":"0002-flat-direct-storage-layout","description":"flat"}`), 0o644)
	copyTree(t, fixture(t, "1.1/good-objects/spec-ex-full"), filepath.Join(dir, "a", "full"))
	copyTree(t, fixture(t, "1.1/good-objects/minimal_one_version_one_file"), filepath.Join(dir, "a", "one"))
	copyTree(t, fixture(t, "1.1/good-objects/minimal_content_dir_called_stuff"), filepath.Join(dir, "b"))

	var mu sync.Mutex
	var last progress.Progress
	rep := validateDir(t, dir, true, Options{Progress: func(p progress.Progress) { mu.Lock(); last = p; mu.Unlock() }})
	if rep.HasProblems() || rep.Verdict != report.NoProvenance || !last.Done || last.Files == 0 {
		t.Fatalf("clean root: %s %v %+v", rep.Verdict, rep.Findings, last)
	}
	if c := rep.Checks[len(rep.Checks)-1]; !strings.Contains(c.Detail, "3 objects checked") {
		t.Fatalf("objects check: %+v", c)
	}

	// A file in an intermediate folder, an empty folder, a folder ending
	// without an object, a file in extensions/, and a tampered object.
	os.WriteFile(filepath.Join(dir, "a", "stray.txt"), []byte("x"), 0o644)
	os.MkdirAll(filepath.Join(dir, "empty"), 0o755)
	os.MkdirAll(filepath.Join(dir, "c", "d"), 0o755)
	os.WriteFile(filepath.Join(dir, "c", "d", "note"), []byte("x"), 0o644)
	os.MkdirAll(filepath.Join(dir, "extensions"), 0o755)
	os.WriteFile(filepath.Join(dir, "extensions", "file"), []byte("x"), 0o644)
	content, _ := filepath.Glob(filepath.Join(dir, "a", "one", "v1", "content", "*"))
	if len(content) != 1 {
		t.Fatalf("fixture content: %v", content)
	}
	os.WriteFile(content[0], []byte("changed"), 0o644)
	rep = validateDir(t, dir, true, Options{})
	got := codes(rep)
	for code, path := range map[string]string{"E084": "a/stray.txt", "E073": "empty", "E112": "extensions/file", "E092": "a/one/v1/content/"} {
		found := false
		for _, p := range got[code] {
			found = found || strings.HasPrefix(p, path)
		}
		if !found {
			t.Errorf("%s at %s not reported: %v", code, path, got)
		}
	}
	if rep.Verdict != report.Invalid {
		t.Errorf("verdict %s, want INVALID", rep.Verdict)
	}
}

// TestHostileObject: limits hold, nothing outside the object is read, a
// link is refused, and every problem is listed.
func TestHostileObject(t *testing.T) {
	src := fixture(t, "1.1/good-objects/minimal_one_version_one_file")
	dir := filepath.Join(t.TempDir(), "obj")
	copyTree(t, src, dir)
	// An inventory over the size limit is not read.
	rep := validateDir(t, dir, false, Options{MaxInventoryBytes: 100})
	if got := codes(rep); len(got[TooLarge]) == 0 || rep.Verdict != report.Invalid {
		t.Fatalf("size limit: %s %v", rep.Verdict, got)
	}
	// So is one with too many values.
	rep = validateDir(t, dir, false, Options{MaxValues: 5})
	if got := codes(rep); len(got[TooLarge]) == 0 {
		t.Fatalf("value limit: %v", got)
	}
	// A link in the content is refused, not followed.
	secret := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secret, []byte("outside"), 0o644)
	if err := os.Symlink(secret, filepath.Join(dir, "v1", "content", "link")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	rep = validateDir(t, dir, false, Options{})
	if got := codes(rep); len(got["E090"]) != 1 || rep.Verdict != report.Invalid {
		t.Fatalf("link: %s %v", rep.Verdict, got)
	}
}

// TestInventoryRules covers rules the fixtures do not: duplicate keys,
// unknown keys, fixity shape, content paths leaving the object.
func TestInventoryRules(t *testing.T) {
	d := strings.Repeat("a", 128)
	base := func(extra string) string {
		return `{"id":"urn:x","type":"https://ocfl.io/1.1/spec/#inventory","digestAlgorithm":"sha512","head":"v1",` +
			`"manifest":{"` + d + `":["v1/content/f"]},"versions":{"v1":{"created":"2024-01-02T03:04:05Z","state":{"` + d + `":["f"]},` +
			`"message":"m","user":{"name":"n","address":"mailto:n@example.org"}}}` + extra + `}`
	}
	for _, c := range []struct {
		name, inv, code string
	}{
		{"clean", base(""), ""},
		{"duplicate key", strings.Replace(base(""), `"id":"urn:x",`, `"id":"urn:x","id":"urn:y",`, 1), "E033"},
		{"unknown key", base(`,"extra":1`), "E102"},
		{"fixity not object", base(`,"fixity":[]`), "E111"},
		{"fixity unknown algorithm", base(`,"fixity":{"crc64":{}}`), "E056"},
		{"fixity path not in manifest", base(`,"fixity":{"md5":{"` + strings.Repeat("b", 32) + `":["v1/content/g"]}}`), "E057"},
		{"escaping content path", strings.Replace(base(""), `"v1/content/f"`, `"../../etc/passwd"`, 1), "E099"},
		{"absolute content path", strings.Replace(base(""), `"v1/content/f"`, `"/etc/passwd"`, 1), "E100"},
		{"not a digest", strings.Replace(base(""), `"`+d+`":["v1`, `"zz":["v1`, 1), "E039"},
		{"created without seconds", strings.Replace(base(""), `03:04:05Z`, `03:04Z`, 1), "E049"},
		{"trailing data", base("") + "{}", "E033"},
	} {
		var got []string
		readInventory([]byte(c.inv), "1.1", "inventory.json", 1000, func(f report.Finding) {
			if f.Severity != report.Warning {
				got = append(got, f.Code)
			}
		})
		switch {
		case c.code == "" && len(got) > 0:
			t.Errorf("%s: %v, want no error", c.name, got)
		case c.code != "" && !strings.Contains(strings.Join(got, " "), c.code):
			t.Errorf("%s: %v, want %s", c.name, got, c.code)
		}
	}
}

// TestFindingsBounded: an inventory with many bad paths gives at most
// maxPerCode findings per code and one line counting the rest.
func TestFindingsBounded(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString(`{"id":"urn:x","type":"https://ocfl.io/1.1/spec/#inventory","digestAlgorithm":"sha512","head":"v1","manifest":{"` +
		strings.Repeat("a", 128) + `":[`)
	for i := range 3000 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"/bad` + strings.Repeat("x", i%7) + `"`)
	}
	b.WriteString(`]},"versions":{"v1":{"created":"2024-01-01T00:00:00Z","state":{}}}}`)
	os.WriteFile(filepath.Join(dir, "inventory.json"), []byte(b.String()), 0o644)
	os.WriteFile(filepath.Join(dir, "0=ocfl_object_1.1"), []byte("ocfl_object_1.1\n"), 0o644)
	rep := validateDir(t, dir, false, Options{})
	n, summary := 0, false
	for _, f := range rep.Findings {
		if f.Code == "E100" {
			n++
			summary = summary || strings.Contains(f.Message, "more findings with the code E100")
		}
	}
	if n != maxPerCode+1 || !summary {
		t.Fatalf("%d E100 findings (summary %v), want %d and a summary", n, summary, maxPerCode+1)
	}
}
