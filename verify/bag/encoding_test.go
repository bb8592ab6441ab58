package bag

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"

	"github.com/custody-app/custody/archive/bundlewriter"
	"github.com/custody-app/custody/verify/report"
)

func TestEncodePath(t *testing.T) {
	tests := []struct{ plain, encoded string }{
		{"data/a.txt", "data/a.txt"},
		{"data/100%.txt", "data/100%25.txt"},
		{"data/%25", "data/%2525"},
		{"data/line\nbreak", "data/line%0Abreak"},
		{"data/cr\rlf\r\n", "data/cr%0Dlf%0D%0A"},
		{"data/with space", "data/with space"},
		{"data/%7E", "data/%257E"},
	}
	for _, tc := range tests {
		if got := bundlewriter.EncodePath(tc.plain); got != tc.encoded {
			t.Errorf("bundlewriter.EncodePath(%q) = %q, want %q", tc.plain, got, tc.encoded)
		}
		if got := DecodePath(tc.encoded); got != tc.plain {
			t.Errorf("DecodePath(%q) = %q, want %q", tc.encoded, got, tc.plain)
		}
	}
	// Names from bags made before percent-encoding was required stay as
	// written, and lowercase codes are read too.
	for in, want := range map[string]string{
		"data/%7Etest1.txt": "data/%7Etest1.txt",
		"data/%test2.txt":   "data/%test2.txt",
		"data/50%":          "data/50%",
		"data/5%2":          "data/5%2",
		"data/%0a%0d%25":    "data/\n\r%",
	} {
		if got := DecodePath(in); got != want {
			t.Errorf("DecodePath(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzEncodePath(f *testing.F) {
	for _, s := range []string{"data/a", "%", "%25", "\r\n", "%0A%0d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if got := DecodePath(bundlewriter.EncodePath(p)); got != p {
			t.Fatalf("DecodePath(bundlewriter.EncodePath(%q)) = %q", p, got)
		}
		if strings.ContainsAny(bundlewriter.EncodePath(p), "\r\n") {
			t.Fatalf("bundlewriter.EncodePath(%q) keeps a line break", p)
		}
	})
}

func latin1(s string) string {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r))
	}
	return string(b)
}

func TestISO88591TagFiles(t *testing.T) {
	dir := buildBag(t, spec{files: map[string]string{"data/caf\u00e9.txt": "menu"}, noTagMan: true})
	writeFile(t, filepath.Join(dir, "bagit.txt"), "BagIt-Version: 0.97\nTag-File-Character-Encoding: ISO-8859-1\n")
	writeFile(t, filepath.Join(dir, "bag-info.txt"), latin1("Contact-Name: José Núñez\nPayload-Oxum: 4.1\n"))
	writeFile(t, filepath.Join(dir, "manifest-sha256.txt"), latin1(sum("sha256", "menu")+"  data/café.txt\n"))
	b, r := validateDir(t, dir)
	if r.Verdict != report.NoProvenance || len(r.Warnings) != 0 {
		t.Fatalf("verdict %s\n%s", r.Verdict, dump(r))
	}
	if got := b.InfoValues("Contact-Name"); len(got) != 1 || got[0] != "José Núñez" {
		t.Errorf("Contact-Name = %q", got)
	}
	if b.Encoding != "ISO-8859-1" || !b.Payload["data/café.txt"].Verified {
		t.Errorf("bag = %+v", b)
	}
}

func utf16be(s string) string {
	b := []byte{0xfe, 0xff}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return string(b)
}

func TestUTF16TagFiles(t *testing.T) {
	for _, enc := range []string{"UTF-16", "UTF-16BE", "utf-16be"} {
		t.Run(enc, func(t *testing.T) {
			dir := buildBag(t, spec{files: map[string]string{"data/\u00fcber.txt": "x"}, noTagMan: true})
			writeFile(t, filepath.Join(dir, "bagit.txt"), "BagIt-Version: 0.97\nTag-File-Character-Encoding: "+enc+"\n")
			writeFile(t, filepath.Join(dir, "bag-info.txt"), utf16be("Contact-Name: Jürgen\nPayload-Oxum: 1.1\n"))
			writeFile(t, filepath.Join(dir, "manifest-sha256.txt"), utf16be(sum("sha256", "x")+"  data/über.txt\n"))
			retag(t, dir, "md5")
			tm := filepath.Join(dir, "tagmanifest-md5.txt")
			writeFile(t, tm, utf16be(readFile(t, tm)))
			b, r := validateDir(t, dir)
			if r.Verdict != report.NoProvenance || len(r.Findings) > 0 {
				t.Fatalf("verdict %s\n%s", r.Verdict, dump(r))
			}
			if got := b.InfoValues("contact-name"); len(got) != 1 || got[0] != "Jürgen" {
				t.Errorf("Contact-Name = %q", got)
			}
			if !b.Payload["data/über.txt"].Verified || !b.Tag("manifest-sha256.txt").Verified {
				t.Errorf("not verified: %+v", b)
			}
		})
	}
}

// countFS counts how often each file is opened.
type countFS struct {
	fs.FS
	mu sync.Mutex
	n  map[string]int
}

func (c *countFS) Open(name string) (fs.File, error) {
	c.mu.Lock()
	c.n[name]++
	c.mu.Unlock()
	return c.FS.Open(name)
}

// Every payload file is read once, whatever the number of manifests.
func TestOneReadPerFile(t *testing.T) {
	dir := buildBag(t, spec{algs: []string{"md5", "sha1", "sha256", "sha512"}, tagAlgs: []string{"sha256", "sha512"}})
	fsys, closer, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	c := &countFS{FS: fsys, n: map[string]int{}}
	_, r := Validate(context.Background(), c, Options{})
	if r.Verdict != report.NoProvenance {
		t.Fatalf("verdict %s\n%s", r.Verdict, dump(r))
	}
	for p, n := range c.n {
		if strings.HasPrefix(p, "data/") && n != 1 {
			t.Errorf("%s opened %d times", p, n)
		}
	}
	if c.n["data/a.txt"] != 1 {
		t.Errorf("opens: %v", c.n)
	}
}

func TestBagInfoFolding(t *testing.T) {
	in := "External-Description: Uncompressed greyscale TIFF images from the\r\n" +
		"         Yoshimuri papers collection.\r\nContact-Email: a@b\r\ncontact-email: c@d\r\n\r\n"
	fields, issues, err := parseBagInfo(strings.NewReader(in))
	if err != nil || len(issues) != 0 {
		t.Fatalf("err %v, issues %+v", err, issues)
	}
	want := []Field{
		{"External-Description", "Uncompressed greyscale TIFF images from the Yoshimuri papers collection."},
		{"Contact-Email", "a@b"}, {"contact-email", "c@d"},
	}
	if fmt.Sprint(fields) != fmt.Sprint(want) {
		t.Errorf("fields = %q, want %q", fields, want)
	}
}

func TestParseBagitTxt(t *testing.T) {
	tests := []struct {
		in       string
		code     string // "" for no problem
		version  string
		encoding string
	}{
		{"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", "", "1.0", "UTF-8"},
		{"BagIt-Version: 0.97\r\nTag-File-Character-Encoding: UTF-8", "", "0.97", "UTF-8"},
		{"BagIt-Version: 1.0 \nTag-File-Character-Encoding: UTF-8\n", "", "1.0", "UTF-8"},
		{"BagIt-Version: .97\nTag-File-Character-Encoding: UTF-8\n", BagitVersionInvalid, ".97", "UTF-8"},
		{"BagIt-Version: 1\nTag-File-Character-Encoding: UTF-8\n", BagitVersionInvalid, "1", "UTF-8"},
		{"BagIt-Version: 0.92\nTag-File-Character-Encoding: UTF-8\n", BagitVersionUnsupported, "0.92", "UTF-8"},
		{"BagIt-Version : 1.0\nTag-File-Character-Encoding : UTF-8\n", BagitTxtInvalid, "1.0", "UTF-8"},
		{"\ufeffBagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", BagitTxtInvalid, "1.0", "UTF-8"},
		{"BagIt-Version: 1.0\n", BagitTxtInvalid, "1.0", ""},
		{"Tag-File-Character-Encoding: UTF-8\n", BagitTxtInvalid, "", "UTF-8"},
		{"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\nBagIt-Version: 1.0\n", BagitTxtInvalid, "1.0", "UTF-8"},
		{"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\nHello\n", BagitTxtInvalid, "1.0", "UTF-8"},
		{"", BagitTxtInvalid, "", ""},
		{"BagIt-Version: 1.0\nTag-File-Character-Encoding: \xff\n", BagitTxtInvalid, "1.0", "\xff"},
	}
	for _, tc := range tests {
		d, issues := parseBagitTxt([]byte(tc.in))
		code := ""
		for _, is := range issues {
			if is.sev == report.Problem {
				code = is.code
				break
			}
		}
		if code != tc.code || d.version != tc.version || d.encoding != tc.encoding {
			t.Errorf("parseBagitTxt(%q) = %+v, problem %q; want %q %q %q (issues %+v)", tc.in, d, code, tc.version, tc.encoding, tc.code, issues)
		}
	}
}
