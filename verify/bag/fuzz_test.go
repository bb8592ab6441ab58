package bag

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/custody-app/custody/verify/report"
)

// fuzzBag is a small valid bag in memory; fuzz targets replace one file.
func fuzzBag() fstest.MapFS {
	a := "alpha\n"
	return fstest.MapFS{
		"bagit.txt":           {Data: []byte("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")},
		"bag-info.txt":        {Data: []byte("Payload-Oxum: 6.1\n")},
		"data/a.txt":          {Data: []byte(a)},
		"manifest-sha256.txt": {Data: []byte(sum("sha256", a) + "  data/a.txt\n")},
	}
}

// checkBounded runs Validate and checks it ends with a known verdict,
// known codes and a number of findings bounded by the input's lines.
func checkBounded(t *testing.T, fsys fs.FS, input []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, r := Validate(ctx, fsys, Options{Workers: 1})
	switch r.Verdict {
	case report.Invalid, report.Tampered, report.NoProvenance, report.Unreadable:
	default:
		t.Fatalf("verdict %q", r.Verdict)
	}
	limit := 8*(bytes.Count(input, []byte("\n"))+bytes.Count(input, []byte("\r"))) + 30
	if n := len(r.Findings) + len(r.Warnings); n > limit {
		t.Fatalf("%d findings for %d bytes of input", n, len(input))
	}
	for _, list := range [][]report.Finding{r.Findings, r.Warnings} {
		for _, f := range list {
			if _, ok := codeInfo[f.Code]; !ok || f.Message == "" {
				t.Fatalf("finding with unknown code or no message: %+v", f)
			}
		}
	}
}

// seedConformance adds every file of the shared conformance bags whose
// name matches, when they are present.
// Our own fixtures in testdata/bags are added too.
func seedConformance(f *testing.F, match func(name string) bool) {
	for _, dir := range []string{conformanceDirF(f), filepath.Join("testdata", "bags")} {
		if dir == "" {
			continue
		}
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && match(d.Name()) {
				if b, err := os.ReadFile(p); err == nil && len(b) < 1<<16 {
					f.Add(b)
				}
			}
			return nil
		})
	}
}

func conformanceDirF(f *testing.F) string {
	if d := os.Getenv("CUSTODY_BAGIT_CONFORMANCE"); d != "" {
		return d
	}
	dir, _ := os.Getwd()
	for dir != filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "conformance", "bagit")
		}
		dir = filepath.Dir(dir)
	}
	return ""
}

func FuzzManifest(f *testing.F) {
	for _, s := range []string{
		sum("sha256", "alpha\n") + "  data/a.txt\n",
		sum("sha256", "alpha\n") + " ./data/a.txt\r\n",
		strings.ToUpper(sum("sha256", "alpha\n")) + "\tdata/a.txt",
		"abc data/a.txt\n", "\n\n\n", "x", "\ufeff" + sum("sha256", "alpha\n") + "  data/a.txt",
		sum("sha256", "x") + "  ../../etc/passwd\n" + sum("sha256", "x") + "  data/a%25b%0A\n",
		sum("sha256", "x") + "  data/a.txt\n" + sum("sha256", "y") + "  data/a.txt\n",
	} {
		f.Add([]byte(s))
	}
	seedConformance(f, func(n string) bool { return strings.HasPrefix(n, "manifest-") })
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fuzzBag()
		fsys["manifest-sha256.txt"] = &fstest.MapFile{Data: data}
		checkBounded(t, fsys, data)
	})
}

func FuzzBagInfo(f *testing.F) {
	for _, s := range []string{
		"Payload-Oxum: 6.1\n", "Payload-Oxum: 6.1\nPayload-Oxum: 7.1\n", "Payload-Oxum: x\n",
		"A: b\n  continued\n\tagain\n", " leading\n", "no colon\n", "Label : v\n", "\ufeffA: b\r\nB: c\r",
		"Payload-Oxum: 99999999999999999999.1\n",
	} {
		f.Add([]byte(s))
	}
	seedConformance(f, func(n string) bool { return n == "bag-info.txt" || n == "package-info.txt" })
	f.Fuzz(func(t *testing.T, data []byte) {
		fields, _, _ := parseBagInfo(bytes.NewReader(data))
		for _, fl := range fields {
			if strings.ContainsAny(fl.Label, "\r\n") || strings.ContainsAny(fl.Value, "\r\n") {
				t.Fatalf("field %+v keeps a line break", fl)
			}
		}
		fsys := fuzzBag()
		fsys["bag-info.txt"] = &fstest.MapFile{Data: data}
		checkBounded(t, fsys, data)
	})
}

func FuzzBagitTxt(f *testing.F) {
	for _, s := range []string{
		"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
		"BagIt-Version : 1.0\nTag-File-Character-Encoding : UTF-8\n",
		"\ufeffBagIt-Version: 0.97\r\nTag-File-Character-Encoding: ISO-8859-1\r\n",
		"BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-16\n",
		"BagIt-Version: .97\n", "", "\r\r\r",
	} {
		f.Add([]byte(s))
	}
	seedConformance(f, func(n string) bool { return n == "bagit.txt" })
	f.Fuzz(func(t *testing.T, data []byte) {
		d, issues := parseBagitTxt(data)
		clean := true
		for _, is := range issues {
			clean = clean && is.sev != report.Problem
		}
		if clean && (!knownVersions[d.version] || d.encoding == "") {
			t.Fatalf("accepted %q as version %q encoding %q", data, d.version, d.encoding)
		}
		fsys := fuzzBag()
		fsys["bagit.txt"] = &fstest.MapFile{Data: data}
		checkBounded(t, fsys, data)
	})
}

func FuzzZip(f *testing.F) {
	bag := fuzzBag()
	var entries []entry
	for name, file := range bag {
		entries = append(entries, entry{name: "bag/" + name, body: string(file.Data)})
	}
	f.Add(makeZip(f, entries...))
	f.Add(makeZip(f, entry{name: "../x"}, entry{name: "bag/a", mode: fs.ModeSymlink | 0o777}))
	f.Add(makeZip(f, entry{name: "bag/a"}, entry{name: "bag/A"}, entry{name: "x/y"}))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\xff", 18)))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys, err := ZipFS(bytes.NewReader(data), int64(len(data)), ZipLimits{MaxEntries: 1000})
		if err != nil {
			if oe, ok := err.(*OpenError); !ok || len(oe.Findings) == 0 || oe.Message == "" {
				t.Fatalf("refusal without findings: %v", err)
			}
			return
		}
		checkBounded(t, fsys, data)
	})
}
