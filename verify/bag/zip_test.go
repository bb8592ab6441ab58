package bag

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/verify/report"
)

// zipFolder zips a folder bag under one top folder named top.
func zipFolder(t testing.TB, dir, top string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		w, err := zw.Create(top + "/" + filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		_, err = w.Write([]byte(readFile(t, p)))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// entry is one entry of a hand-made zip.
type entry struct {
	name string
	body string
	mode fs.FileMode
	raw  *zip.FileHeader // written with CreateRaw, body as the raw bytes
}

func makeZip(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		if e.raw != nil {
			e.raw.Name = e.name
			w, err := zw.CreateRaw(e.raw)
			if err != nil {
				t.Fatal(err)
			}
			w.Write([]byte(e.body))
			continue
		}
		fh := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.mode != 0 {
			fh.SetMode(e.mode)
		}
		w, err := zw.CreateHeader(fh)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeZip(t testing.TB, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bag.zip")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestZipValid(t *testing.T) {
	dir := buildBag(t, spec{})
	path := writeZip(t, zipFolder(t, dir, "bundle-1"))
	b, r := ValidatePath(context.Background(), path, Options{})
	if r.Verdict != report.NoProvenance || len(r.Findings)+len(r.Warnings) != 0 {
		t.Fatalf("verdict %s\n%s", r.Verdict, dump(r))
	}
	if len(b.Payload) != 4 || !b.Payload["data/a.txt"].Verified {
		t.Errorf("payload %+v", b.Payload)
	}
}

func TestZipRefused(t *testing.T) {
	ok := entry{name: "bag/bagit.txt", body: "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"}
	deflated := func(declared uint64, compressed int) *zip.FileHeader {
		return &zip.FileHeader{Method: zip.Deflate, UncompressedSize64: declared, CompressedSize64: uint64(compressed)}
	}
	tests := []struct {
		name    string
		entries []entry
		code    string
		path    string
		lim     ZipLimits
	}{
		{"parent", []entry{ok, {name: "../x"}}, PathUnsafe, "../x", ZipLimits{}},
		{"parent inside", []entry{ok, {name: "bag/../../x"}}, PathUnsafe, "bag/../../x", ZipLimits{}},
		{"absolute", []entry{ok, {name: "/x"}}, PathUnsafe, "/x", ZipLimits{}},
		{"drive letter", []entry{ok, {name: "C:/x"}}, PathUnsafe, "C:/x", ZipLimits{}},
		{"backslash", []entry{ok, {name: `bag\..\..\x`}}, PathUnsafe, `bag\..\..\x`, ZipLimits{}},
		{"home", []entry{ok, {name: "~/x"}}, PathUnsafe, "~/x", ZipLimits{}},
		{"symlink", []entry{ok, {name: "bag/data/etc", body: "/etc", mode: fs.ModeSymlink | 0o777}}, FileNotRegular, "bag/data/etc", ZipLimits{}},
		{"named pipe", []entry{ok, {name: "bag/data/p", mode: fs.ModeNamedPipe | 0o644}}, FileNotRegular, "bag/data/p", ZipLimits{}},
		{"duplicate", []entry{ok, {name: "bag/data/a.txt", body: "1"}, {name: "bag/data/a.txt", body: "2"}}, ZipDuplicateName, "bag/data/a.txt", ZipLimits{}},
		{"case collision", []entry{ok, {name: "bag/data/A.txt"}, {name: "bag/data/a.txt"}}, ZipDuplicateName, "bag/data/a.txt", ZipLimits{}},
		{"normalisation collision", []entry{ok, {name: "bag/data/caf\u00e9"}, {name: "bag/data/cafe\u0301"}}, ZipDuplicateName, "bag/data/cafe\u0301", ZipLimits{}},
		{"folder case collision", []entry{ok, {name: "bag/Data/a"}, {name: "bag/data/b"}}, ZipDuplicateName, "bag/data/b", ZipLimits{}},
		{"file and folder", []entry{ok, {name: "bag/data/x"}, {name: "bag/data/x/y"}}, ZipDuplicateName, "bag/data/x/y", ZipLimits{}},
		{"bomb by declared size", []entry{ok, {name: "bag/data/big", body: strings.Repeat("z", 100), raw: deflated(1<<41, 100)}}, LimitExceeded, "", ZipLimits{}},
		{"impossible ratio", []entry{ok, {name: "bag/data/big", body: strings.Repeat("z", 100), raw: deflated(1<<30, 100)}}, ZipInvalid, "bag/data/big", ZipLimits{}},
		{"bomb by ratio", []entry{ok, {name: "bag/data/big", body: strings.Repeat("z", 1<<20), raw: deflated(200<<20, 1<<20)}}, LimitExceeded, "", ZipLimits{}},
		{"stored sizes differ", []entry{ok, {name: "bag/data/s", body: "abc", raw: &zip.FileHeader{Method: zip.Store, UncompressedSize64: 10, CompressedSize64: 3}}}, ZipInvalid, "bag/data/s", ZipLimits{}},
		{"encrypted", []entry{ok, {name: "bag/data/e", body: "xx", raw: &zip.FileHeader{Method: zip.Store, Flags: 0x1, UncompressedSize64: 2, CompressedSize64: 2}}}, ZipEntryUnsupported, "bag/data/e", ZipLimits{}},
		{"unknown method", []entry{ok, {name: "bag/data/m", body: "xx", raw: &zip.FileHeader{Method: 99, UncompressedSize64: 2, CompressedSize64: 2}}}, ZipEntryUnsupported, "bag/data/m", ZipLimits{}},
		{"two top folders", []entry{ok, {name: "other/x"}}, ZipLayout, "", ZipLimits{}},
		{"macOS folder", []entry{ok, {name: "__MACOSX/bag/._bagit.txt"}}, ZipLayout, "", ZipLimits{}},
		{"file at top", []entry{ok, {name: "readme.txt"}}, ZipLayout, "readme.txt", ZipLimits{}},
		{"empty", nil, ZipLayout, "", ZipLimits{}},
		{"too deep", []entry{ok, {name: "bag/data/" + strings.Repeat("d/", 70) + "x"}}, LimitExceeded, "bag/data/" + strings.Repeat("d/", 70) + "x", ZipLimits{}},
		{"too many entries", []entry{ok, {name: "bag/1"}, {name: "bag/2"}, {name: "bag/3"}}, LimitExceeded, "", ZipLimits{MaxEntries: 2}},
		{"not UTF-8", []entry{ok, {name: "bag/data/\xff.txt"}}, ZipInvalid, "bag/data/\xff.txt", ZipLimits{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := makeZip(t, tc.entries...)
			fsys, err := ZipFS(bytes.NewReader(data), int64(len(data)), tc.lim)
			checkRefused(t, fsys, err, tc.code, tc.path)
		})
	}
}

func checkRefused(t *testing.T, fsys fs.FS, err error, code, path string) {
	t.Helper()
	if err == nil {
		t.Fatalf("zip accepted (%v), want %s", fsys, code)
	}
	var oe *OpenError
	if !errors.As(err, &oe) {
		t.Fatalf("error %v is not an *OpenError", err)
	}
	for _, f := range oe.Findings {
		if f.Code == code && (path == "" || f.Path == path) {
			if f.Message == "" || f.Severity != report.Problem {
				t.Errorf("finding %+v lacks a message or severity", f)
			}
			return
		}
	}
	t.Fatalf("no %s for %q in %+v", code, path, oe.Findings)
}

func TestZipNameMismatch(t *testing.T) {
	data := makeZip(t, entry{name: "bag/data/aaaa.txt", body: "x"})
	i := bytes.Index(data, []byte("bag/data/aaaa.txt")) // the local header comes first
	copy(data[i:], "bag/data/bbbb.txt")
	_, err := ZipFS(bytes.NewReader(data), int64(len(data)), ZipLimits{})
	checkRefused(t, nil, err, ZipNameMismatch, "bag/data/aaaa.txt")
}

func TestZipNotAZip(t *testing.T) {
	for name, data := range map[string][]byte{
		"text":      []byte("this is not a zip file at all"),
		"empty":     nil,
		"truncated": makeZip(t, entry{name: "bag/bagit.txt", body: "x"})[:40],
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ZipFS(bytes.NewReader(data), int64(len(data)), ZipLimits{})
			checkRefused(t, nil, err, ZipInvalid, "")
		})
	}
}

// Every reason to refuse is listed, not only the first.
func TestZipAllProblemsListed(t *testing.T) {
	data := makeZip(t, entry{name: "bag/bagit.txt"}, entry{name: "../x"}, entry{name: "bag/l", mode: fs.ModeSymlink | 0o777}, entry{name: "bag/bagit.txt"})
	path := writeZip(t, data)
	_, r := ValidatePath(context.Background(), path, Options{})
	if r.Verdict != report.Invalid {
		t.Fatalf("verdict %s", r.Verdict)
	}
	for _, code := range []string{PathUnsafe, FileNotRegular, ZipDuplicateName} {
		if !has(r, code, "") {
			t.Errorf("no %s\n%s", code, dump(r))
		}
	}
}

func TestZipBadCRC(t *testing.T) {
	dir := buildBag(t, spec{})
	var entries []entry
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		body := readFile(t, p)
		e := entry{name: "bag/" + rel, body: body}
		if rel == "data/a.txt" {
			e.raw = &zip.FileHeader{Method: zip.Store, CRC32: crc32.ChecksumIEEE([]byte(body)) ^ 1,
				UncompressedSize64: uint64(len(body)), CompressedSize64: uint64(len(body))}
		}
		entries = append(entries, e)
		return nil
	})
	_, r := ValidatePath(context.Background(), writeZip(t, makeZip(t, entries...)), Options{})
	if r.Verdict != report.Tampered || !has(r, ZipChecksum, "data/a.txt") {
		t.Fatalf("verdict %s\n%s", r.Verdict, dump(r))
	}
}

// An entry whose data is longer than its declared size stops at the
// declared size with an error, reported as an invalid zip.
func TestZipSizeLie(t *testing.T) {
	dir := buildBag(t, spec{})
	body := readFile(t, filepath.Join(dir, "data/b.txt"))
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write([]byte(body))
	fw.Close()
	var entries []entry
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		e := entry{name: "bag/" + rel, body: readFile(t, p)}
		if rel == "data/b.txt" {
			e.body = comp.String()
			e.raw = &zip.FileHeader{Method: zip.Deflate, CRC32: crc32.ChecksumIEEE([]byte(body)),
				UncompressedSize64: 3, CompressedSize64: uint64(comp.Len())}
		}
		entries = append(entries, e)
		return nil
	})
	_, r := ValidatePath(context.Background(), writeZip(t, makeZip(t, entries...)), Options{})
	if r.Verdict != report.Invalid || !has(r, ZipInvalid, "data/b.txt") {
		t.Fatalf("verdict %s\n%s", r.Verdict, dump(r))
	}
}

func TestOpenMissing(t *testing.T) {
	_, r := ValidatePath(context.Background(), filepath.Join(t.TempDir(), "nope"), Options{})
	if r.Verdict != report.Unreadable || !has(r, BagNotFound, "") || r.ExitCode(false) != 2 {
		t.Fatalf("verdict %s\n%s", r.Verdict, dump(r))
	}
}
