package cli

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// oddNames are document names that a BagIt manifest would have to
// percent-encode, or whose end a manifest reader trims.
var oddNames = []string{
	"100% draft.txt",
	"line\nbreak.txt",
	"cr\rname.txt",
	"50%0A.txt", // bagit-python decodes %0A even where it is plain text
	"nbsp\u00a0",
}

// TestBundleOddNamesInterop bundles documents whose names hold "%", CR,
// LF and trailing white space: the bag must read the same in a BagIt tool
// that decodes no percent-escape but %0D and %0A and trims its lines
// (bagit-python 1.9's rules, modelled by readAsBagitPython; the real tool
// runs too where it is installed), Custody must verify it, and a receive
// must record every document under its exact original name.
func TestBundleOddNamesInterop(t *testing.T) {
	sender := filepath.Join(t.TempDir(), "sender")
	src := filepath.Join(t.TempDir(), "odd")
	os.MkdirAll(src, 0o755)
	var made []string // Windows holds no name with CR or LF: those are left out there
	for i, n := range oddNames {
		if err := os.WriteFile(filepath.Join(src, n), []byte(strings.Repeat("x", i+1)), 0o644); err != nil {
			if runtime.GOOS != "windows" {
				t.Fatal(err)
			}
			continue
		}
		made = append(made, n)
	}
	if _, e, code := run(t, sender, "import", src); code != 0 {
		t.Fatalf("import: %d %s", code, e)
	}
	out := t.TempDir()
	folder, zipped := filepath.Join(out, "odd-bundle"), filepath.Join(out, "odd.zip")
	for _, p := range []string{folder, zipped} {
		if _, e, code := run(t, sender, "bundle", "create", "--out", p, "--all"); code != 0 {
			t.Fatalf("bundle create %s: %d %s", p, code, e)
		}
	}
	m, err := os.ReadFile(filepath.Join(folder, "manifest-sha256.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(m), "%") {
		t.Errorf("the manifest still percent-encodes a payload name:\n%s", m)
	}
	if problems := readAsBagitPython(t, folder); len(problems) > 0 {
		t.Errorf("read as bagit-python reads it, the bag is invalid:\n%s", strings.Join(problems, "\n"))
	}
	bagitPython(t, folder)

	for _, p := range []string{folder, zipped} {
		if stdout, _, code := run(t, sender, "bundle", "verify", p); code != 0 || !strings.HasPrefix(stdout, "INTACT\n") {
			t.Fatalf("verify %s: %d\n%s", p, code, stdout)
		}
		receiver := filepath.Join(t.TempDir(), "receiver")
		if _, e, code := run(t, receiver, "init"); code != 0 {
			t.Fatalf("init: %s", e)
		}
		if _, e, code := run(t, receiver, "bundle", "receive", p); code != 0 {
			t.Fatalf("receive %s: %d %s", p, code, e)
		}
		stdout, _, _ := run(t, receiver, "ls", "--json")
		var list []listEntry
		if err := json.Unmarshal([]byte(stdout), &list); err != nil {
			t.Fatal(err)
		}
		var got, want []string
		for _, e := range list {
			got = append(got, e.Name)
		}
		for _, n := range made {
			want = append(want, "odd/"+n)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("received from %s under the names %q, want %q", filepath.Base(p), got, want)
		}
	}
}

// readAsBagitPython validates the folder bag dir the way bagit-python 1.9
// reads one, and returns what it would find wrong. Its manifest reading
// differs from RFC 8493 in ways that matter for names: each line is
// stripped of white space at both ends, the checksum ends at the first
// white space, a leading "*" of the path is dropped, the path is
// normalised (os.path.normpath), and of the percent-escapes only %0D and
// %0A (in either case) are decoded. Files and manifest entries are
// compared after NFC normalisation, and Payload-Oxum is checked.
func readAsBagitPython(t *testing.T, dir string) []string {
	t.Helper()
	var problems []string
	decode := regexp.MustCompile(`(?i)%0[da]`)
	entries := map[string]string{} // NFC path → sha256, payload and tag files
	for _, name := range []string{"manifest-sha256.txt", "tagmanifest-sha256.txt"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimFunc(sc.Text(), unicode.IsSpace)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			i := strings.IndexFunc(line, unicode.IsSpace)
			if i < 0 {
				problems = append(problems, name+": invalid entry "+line)
				continue
			}
			sum := line[:i]
			p := path.Clean(strings.TrimLeft(strings.TrimLeftFunc(line[i:], unicode.IsSpace), "*"))
			p = decode.ReplaceAllStringFunc(p, func(s string) string {
				if s[2] == 'd' || s[2] == 'D' {
					return "\r"
				}
				return "\n"
			})
			entries[norm.NFC.String(p)] = sum
		}
		f.Close()
	}
	onDisk := map[string]bool{}
	var bytes, files int64
	filepath.WalkDir(filepath.Join(dir, "data"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		onDisk[norm.NFC.String(filepath.ToSlash(rel))] = true
		fi, _ := d.Info()
		bytes += fi.Size()
		files++
		return nil
	})
	for p, sum := range entries {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			problems = append(problems, "exists in manifest but was not found on filesystem: "+p)
			continue
		}
		if s := sha256.Sum256(b); hex.EncodeToString(s[:]) != sum {
			problems = append(problems, "checksum mismatch: "+p)
		}
	}
	for p := range onDisk {
		if _, ok := entries[p]; !ok {
			problems = append(problems, "exists on filesystem but is not in the manifest: "+p)
		}
	}
	info, _ := os.ReadFile(filepath.Join(dir, "bag-info.txt"))
	oxum := regexp.MustCompile(`(?m)^Payload-Oxum: (\d+)\.(\d+)$`).FindStringSubmatch(string(info))
	if oxum == nil || oxum[1] != itoa(bytes) || oxum[2] != itoa(files) {
		problems = append(problems, "Payload-Oxum "+strings.Join(oxum, " ")+" does not match "+itoa(bytes)+"."+itoa(files))
	}
	return problems
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// bagitPython validates the folder bag dir with bagit-python, when its
// module is installed. It is not on the project's machines (PyPI is not
// reachable from them), so a missing module skips this part only.
func bagitPython(t *testing.T, dir string) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil || exec.Command(py, "-c", "import bagit").Run() != nil {
		t.Log("bagit-python is not installed: the bag was checked by its rules (readAsBagitPython) only")
		return
	}
	out, err := exec.Command(py, "-c", "import sys, bagit; bagit.Bag(sys.argv[1]).validate(); print(bagit.VERSION)", dir).CombinedOutput()
	if err != nil {
		t.Errorf("bagit-python rejects the bag: %v\n%s", err, out)
		return
	}
	t.Logf("bagit-python %s validates the bag", strings.TrimSpace(string(out)))
}

// TestVerifyReadsPercentEncodedBags checks that bags from other tools,
// which write "%" in a manifest as RFC 8493 asks (%25), still verify and
// are received under the decoded names. (A payload name holding CR or LF
// is refused as unsafe however it is written: PATH_UNSAFE.)
func TestVerifyReadsPercentEncodedBags(t *testing.T) {
	bag := filepath.Join(t.TempDir(), "other-tool")
	files := map[string]string{"100% draft.txt": "draft", "50%0A.txt": "ab"}
	var manifest strings.Builder
	var size int
	for _, n := range []string{"100% draft.txt", "50%0A.txt"} {
		os.MkdirAll(filepath.Join(bag, "data"), 0o755)
		os.WriteFile(filepath.Join(bag, "data", n), []byte(files[n]), 0o644)
		s := sha256.Sum256([]byte(files[n]))
		enc := strings.NewReplacer("%", "%25", "\n", "%0A", "\r", "%0D").Replace("data/" + n)
		manifest.WriteString(hex.EncodeToString(s[:]) + "  " + enc + "\n")
		size += len(files[n])
	}
	os.WriteFile(filepath.Join(bag, "bagit.txt"), []byte("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"), 0o644)
	os.WriteFile(filepath.Join(bag, "bag-info.txt"), []byte("Payload-Oxum: "+strconv.Itoa(size)+".2\n"), 0o644)
	os.WriteFile(filepath.Join(bag, "manifest-sha256.txt"), []byte(manifest.String()), 0o644)
	receiver := filepath.Join(t.TempDir(), "receiver")
	if _, e, code := run(t, receiver, "init"); code != 0 {
		t.Fatalf("init: %s", e)
	}
	if stdout, _, code := run(t, receiver, "bundle", "verify", bag); code != 0 || !strings.HasPrefix(stdout, "NO PROVENANCE\n") {
		t.Fatalf("verify a percent-encoded bag: %d\n%s", code, stdout)
	}
	if _, e, code := run(t, receiver, "bundle", "receive", bag); code != 0 {
		t.Fatalf("receive: %d %s", code, e)
	}
	stdout, _, _ := run(t, receiver, "ls", "--json")
	var list []listEntry
	json.Unmarshal([]byte(stdout), &list)
	var got []string
	for _, e := range list {
		got = append(got, e.Name)
	}
	slices.Sort(got)
	if want := []string{"100% draft.txt", "50%0A.txt"}; !slices.Equal(got, want) {
		t.Errorf("received under %q, want %q", got, want)
	}
}
