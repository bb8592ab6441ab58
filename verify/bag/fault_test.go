package bag

import (
	"context"
	"io/fs"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/custody-app/custody/verify/report"
)

// faultFS wraps a real folder bag and makes reads of chosen files fail,
// the way a flaky disk or network share does. It wraps the operating
// system's files, not code of this package.
type faultFS struct {
	fs.FS
	mu    sync.Mutex
	fails map[string]int // path → failures left (-1: always)
}

func (f *faultFS) Open(name string) (fs.File, error) {
	file, err := f.FS.Open(name)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	n, ok := f.fails[name]
	if !ok || n == 0 {
		return file, nil
	}
	if n > 0 {
		f.fails[name] = n - 1
	}
	return &faultFile{File: file}, nil
}

// faultFile delivers a few bytes, then fails with EIO.
type faultFile struct {
	fs.File
	read int
}

func (f *faultFile) Read(p []byte) (int, error) {
	if f.read > 0 {
		return 0, &fs.PathError{Op: "read", Path: "x", Err: syscall.EIO}
	}
	n, err := f.File.Read(p[:min(len(p), 3)])
	f.read += n
	return n, err
}

func openFault(t *testing.T, fails map[string]int) fs.FS {
	t.Helper()
	fsys, closer, err := OpenDir(buildBag(t, spec{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closer.Close() })
	return &faultFS{FS: fsys, fails: fails}
}

func TestReadFailsOnce(t *testing.T) {
	fsys := openFault(t, map[string]int{"data/b.txt": 1})
	_, r := Validate(context.Background(), fsys, Options{})
	if r.Verdict != report.NoProvenance || !has(r, ReadRetried, "data/b.txt") || len(r.Findings) != 0 {
		t.Fatalf("verdict %s\n%s", r.Verdict, dump(r))
	}
}

func TestReadFailsAlways(t *testing.T) {
	fsys := openFault(t, map[string]int{"data/b.txt": -1})
	b, r := Validate(context.Background(), fsys, Options{})
	if r.Verdict != report.Unreadable || r.ExitCode(false) != 2 {
		t.Fatalf("verdict %s\n%s", r.Verdict, dump(r))
	}
	f := find(r, ReadFailed)
	if f == nil || f.Path != "data/b.txt" || f.Severity != report.IOError || has(r, PayloadHashMismatch, "") {
		t.Fatalf("want one READ_FAILED for data/b.txt, not a mismatch\n%s", dump(r))
	}
	if b.Payload["data/b.txt"].Verified || !b.Payload["data/a.txt"].Verified {
		t.Errorf("Verified flags wrong: %+v", b.Payload)
	}
}

// A read failure says nothing about the bytes; a real mismatch elsewhere
// still makes the bag TAMPERED.
func TestReadFailureAndTamper(t *testing.T) {
	dir := buildBag(t, spec{})
	writeFile(t, filepath.Join(dir, "data/a.txt"), "alphA\n")
	fsys, closer, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	_, r := Validate(context.Background(), &faultFS{FS: fsys, fails: map[string]int{"data/b.txt": -1}}, Options{})
	if r.Verdict != report.Tampered || !has(r, ReadFailed, "data/b.txt") || !has(r, PayloadHashMismatch, "data/a.txt") {
		t.Fatalf("verdict %s\n%s", r.Verdict, dump(r))
	}
}

func TestProgress(t *testing.T) {
	files := map[string]string{}
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		files["data/"+n] = string(make([]byte, 300<<10))
	}
	dir := buildBag(t, spec{files: files, algs: []string{"md5", "sha1", "sha256", "sha512"}})
	ch := make(chan Progress, 1000)
	_, r := ValidatePath(context.Background(), dir, Options{Progress: ch, Workers: 3})
	close(ch)
	if r.Verdict != report.NoProvenance {
		t.Fatalf("verdict %s\n%s", r.Verdict, dump(r))
	}
	var last Progress
	n := 0
	for p := range ch {
		if p.Files < last.Files || p.Bytes < last.Bytes {
			t.Errorf("progress went backwards: %+v after %+v", p, last)
		}
		last = p
		n++
	}
	// 8 payload files and 6 tag files, each read once for all algorithms.
	tags := int64(len(readFile(t, filepath.Join(dir, "bagit.txt"))) + len(readFile(t, filepath.Join(dir, "bag-info.txt"))))
	for _, a := range []string{"md5", "sha1", "sha256", "sha512"} {
		tags += int64(len(readFile(t, filepath.Join(dir, "manifest-"+a+".txt"))))
	}
	want := Progress{Files: 14, Bytes: 8*300<<10 + tags, TotalFiles: 14, TotalBytes: 8*300<<10 + tags}
	if n == 0 || last.Files != want.Files || last.Bytes != want.Bytes || last.TotalFiles != want.TotalFiles || last.TotalBytes != want.TotalBytes {
		t.Fatalf("last progress %+v of %d, want %+v", last, n, want)
	}
}

func TestCancelled(t *testing.T) {
	dir := buildBag(t, spec{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, r := ValidatePath(ctx, dir, Options{})
	if r.Verdict != report.Cancelled || r.ExitCode(false) != 2 {
		t.Fatalf("verdict %s", r.Verdict)
	}
}

// A manifest full of unsafe paths yields a bounded number of findings.
func TestFindingsBounded(t *testing.T) {
	dir := buildBag(t, spec{})
	var b []byte
	for i := range 5000 {
		b = append(b, sum("sha256", "x")+"  ../escape/"+string(rune('a'+i%26))+"\n"...)
	}
	editManifest(t, dir, string(b))
	_, r := validateDir(t, dir)
	if r.Verdict != report.Invalid {
		t.Fatalf("verdict %s", r.Verdict)
	}
	if n := len(r.Findings); n > maxPerCode+1 || n < maxPerCode {
		t.Fatalf("%d findings", n)
	}
	if f := r.Findings[0]; f.Code != PathUnsafe || f.Path != "" || f.Message != "4000 more findings with the code PATH_UNSAFE were found but not listed" {
		t.Errorf("summary finding = %+v", f)
	}
}
