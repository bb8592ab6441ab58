//go:build linux

package e2e_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/custody-app/custody/app/cli"
	"github.com/custody-app/custody/app/e2e"
	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/diskspace"
	"github.com/custody-app/custody/verify/fixity"
)

// Badger writes through mmap, so a disk that fills under it kills the
// process with SIGBUS. These tests fill a small tmpfs and check that
// Custody stops first, with its plain message, and that what it had
// committed is whole. Imports run in a child process, so a SIGBUS shows
// as a crash instead of killing the test.

const childFill = "CUSTODY_TEST_FILL" // leave this many bytes free once the import writes

// reserveMiB is the free space the disk-full tests' store keeps back
// while it is open; openMiB what it needs to open for writing (its mapped
// files and reserve are allocated then).
var (
	reserveMiB = int((archivetest.Config.Reserve() + 1<<20 - 1) >> 20)
	allocMiB   = int(archivetest.Config.Allocated() >> 20)
	openMiB    = int((archivetest.Config.Reserve() + uint64(archivetest.Config.Allocated()) + 1<<20 - 1) >> 20)
)

var lowMessage = regexp.MustCompile(`^disk almost full: (\d+) MB free, (\d+) MB needed; free some space and try again`)

// TestHelperDiskFullChild is not a test of its own: it is the child
// process of the disk-full tests. "import" imports $CUSTODY_TEST_SOURCE
// ($CUSTODY_TEST_BATCH files per call, 0: all at once) and prints "ID
// <id>" per committed document, then "DONE", "LOW <message>" (the
// disk-space error) or "ERR <message>". With $CUSTODY_TEST_FILL it fills
// the disk, once the import has started writing, until that many bytes
// are free. "verify" opens the archive read-only, checks it and prints
// "VERDICT <verdict>".
func TestHelperDiskFullChild(t *testing.T) {
	mode := os.Getenv(childMode)
	if mode == "" {
		t.Skip("runs only as the child of a disk-full test")
	}
	dir := os.Getenv(childArchive)
	opt := archivetest.Plain(false)
	opt.Store.ReadOnly = mode == "verify"
	a, err := archive.Open(dir, opt)
	if err != nil {
		fmt.Printf("ERR %v\n", err)
		return
	}
	defer a.Close()
	if mode == "verify" {
		fmt.Printf("VERDICT %s\n", fixity.Check(context.Background(), a, fixity.Options{}).Verdict)
		return
	}
	if leave, _ := strconv.ParseUint(os.Getenv(childFill), 10, 64); leave > 0 {
		go fillOnceWriting(dir, leave)
	}
	src := os.Getenv(childSource)
	batch, _ := strconv.Atoi(os.Getenv(childBatch))
	paths := []string{src}
	if batch > 0 {
		paths = archivetest.Paths(t, src)
	} else {
		batch = 1
	}
	for len(paths) > 0 {
		n := min(batch, len(paths))
		res, err := a.Import(context.Background(), paths[:n], archive.ImportOptions{Source: "child"})
		paths = paths[n:]
		var out bytes.Buffer
		for _, f := range res.Files {
			fmt.Fprintf(&out, "ID %s\n", f.ID)
		}
		os.Stdout.Write(out.Bytes())
		var low *diskspace.ErrLow
		if errors.As(err, &low) {
			fmt.Printf("LOW %v\n", err)
			return
		}
		if err != nil {
			fmt.Printf("ERR %v\n", err)
			return
		}
	}
	fmt.Println("DONE")
}

// fillOnceWriting waits until 8 MiB more of the disk holding dir are used
// (the import is writing), then fills it, with a ballast file beside
// the archive, until leave bytes are free.
func fillOnceWriting(dir string, leave uint64) {
	start, err := diskspace.Free(dir)
	for err == nil {
		var free uint64
		if free, err = diskspace.Free(dir); err == nil && start-free >= 8<<20 {
			_, err = archivetest.FillUntil(filepath.Dir(dir), leave)
			break
		}
		time.Sleep(time.Millisecond)
	}
	if err != nil {
		fmt.Printf("ERR filling the disk: %v\n", err)
	}
}

// diskChild runs the disk-full child to its end and returns what it
// printed: the committed IDs and its last other line. A child killed by
// a signal (SIGBUS on a full disk) fails the test.
func diskChild(t *testing.T, env ...string) (ids []string, last string) {
	t.Helper()
	cmd := archivetest.Child("TestHelperDiskFullChild", env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		t.Fatalf("the child crashed with %v:\n%s", ws.Signal(), head(stderr.String(), 3000))
	}
	if !cmd.ProcessState.Success() {
		t.Fatalf("the child failed: %s\n%s", out, head(stderr.String(), 3000))
	}
	s := bufio.NewScanner(bytes.NewReader(out))
	for s.Scan() {
		switch line := s.Text(); {
		case strings.HasPrefix(line, "ID "):
			ids = append(ids, strings.TrimPrefix(line, "ID "))
		case strings.HasPrefix(line, "LOW "), strings.HasPrefix(line, "ERR "),
			strings.HasPrefix(line, "VERDICT "), line == "DONE":
			last = line
		}
	}
	sort.Strings(ids)
	return ids, last
}

// head is the start of s, where a Go crash names its signal and place.
func head(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// checkLow checks a disk-space message and returns the MB it says are
// needed.
func checkLow(t *testing.T, msg string) int {
	t.Helper()
	m := lowMessage.FindStringSubmatch(msg)
	if m == nil {
		t.Fatalf("message %q is not the disk-space message", msg)
	}
	free, _ := strconv.Atoi(m[1])
	needed, _ := strconv.Atoi(m[2])
	if free >= needed {
		t.Errorf("message %q: %d MB free is not below the %d MB needed", msg, free, needed)
	}
	return needed
}

// newFullArchive makes an archive on a tmpfs of sizeMiB.
func newFullArchive(t *testing.T, sizeMiB int) (string, bool) {
	t.Helper()
	mnt, ok := archivetest.Tmpfs(t, sizeMiB)
	if !ok {
		return "", false
	}
	dir := filepath.Join(mnt, "archive")
	a, err := archive.Open(dir, archivetest.Plain(true))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, true
}

// checkCommitted reopens the archive and checks that it holds exactly the
// documents the child reported, whole.
func checkCommitted(t *testing.T, dir string, ids []string) {
	t.Helper()
	a, err := archive.Open(dir, archivetest.Plain(false))
	if err != nil {
		t.Fatalf("reopening once space was freed: %v", err)
	}
	defer a.Close()
	if got := archivetest.IDs(t, a); strings.Join(got, ",") != strings.Join(ids, ",") {
		t.Errorf("the archive holds %d documents, the import reported %d committed", len(got), len(ids))
	}
	for _, id := range ids {
		if _, err := archivetest.ReadBack(a, id); err != nil {
			t.Errorf("document %s: %v", id, err)
		}
	}
	if n := archivetest.Pending(t, a); n != 0 {
		t.Errorf("%d pending-upload markers left", n)
	}
	e2e.Intact(t, a)
}

// TestImportBiggerThanDisk imports a tree bigger than the free space, a
// few files per call: each call checks the space it needs first, so the
// calls that fit commit and the first that does not stops with the
// disk-space error, without a crash.
func TestImportBiggerThanDisk(t *testing.T) {
	dir, ok := newFullArchive(t, reserveMiB+allocMiB+88)
	if !ok {
		return
	}
	src := t.TempDir()
	files := archivetest.Tree{Sizes: archivetest.Uniform(9, 40, 2<<20, 4<<20), Seed: 9}.Write(t, src)
	ids, last := diskChild(t, childMode+"=import", childArchive+"="+dir, childSource+"="+src, childBatch+"=4")
	if !strings.HasPrefix(last, "LOW ") {
		t.Fatalf("the import ended with %q, want the disk-space error", last)
	}
	checkLow(t, strings.TrimPrefix(last, "LOW "))
	if len(ids) == 0 || len(ids) >= len(files) {
		t.Fatalf("%d of %d documents committed; the disk should have held some but not all", len(ids), len(files))
	}
	t.Logf("%d of %d documents (%d MiB) committed before: %s", len(ids), len(files), archivetest.Total(files)>>20, strings.TrimPrefix(last, "LOW "))
	checkCommitted(t, dir, ids)
}

// TestDiskFillsDuringImport lets the import pass its first check, then
// fills the disk while it writes: the checks made while writing stop it
// with the disk-space error before Badger runs out of room, whether the
// bytes go out as chunks of big files or in the commits of small ones.
// The archive cannot then be opened for writing (the check before opening
// refuses it), but it can be verified read-only; once space is freed it
// reopens with exactly the documents that were committed.
func TestDiskFillsDuringImport(t *testing.T) {
	for _, c := range []struct {
		name string
		tree archivetest.Tree
	}{
		{"big files", archivetest.Tree{Sizes: archivetest.Uniform(10, 40, 4<<20, 4<<20), Seed: 10}},
		{"small files", archivetest.Tree{Sizes: archivetest.Uniform(12, 3000, 48<<10, 52<<10), Seed: 12}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir, ok := newFullArchive(t, reserveMiB+allocMiB+176)
			if !ok {
				return
			}
			src := t.TempDir()
			files := c.tree.Write(t, src)
			leave := archivetest.Config.Reserve() + 8<<20
			ids, last := diskChild(t, childMode+"=import", childArchive+"="+dir, childSource+"="+src,
				childFill+"="+strconv.FormatUint(leave, 10))
			if !strings.HasPrefix(last, "LOW ") {
				t.Fatalf("the import ended with %q, want the disk-space error", last)
			}
			if needed := checkLow(t, strings.TrimPrefix(last, "LOW ")); needed != reserveMiB {
				t.Errorf("the import stopped needing %d MB; the check while writing keeps the %d MB reserve", needed, reserveMiB)
			}
			if len(ids) >= len(files) {
				t.Fatalf("all %d documents committed; the disk should have filled first", len(ids))
			}
			t.Logf("%d of %d documents committed before: %s", len(ids), len(files), strings.TrimPrefix(last, "LOW "))

			// The child's store gave back what it had allocated when it
			// closed: fill that too, so the disk is as full as the child
			// left it.
			archivetest.Fill(t, filepath.Dir(dir), archivetest.Config.Reserve()+uint64(archivetest.Config.Allocated())-(8<<20))
			var low *diskspace.ErrLow
			if _, err := archive.Open(dir, archivetest.Plain(false)); !errors.As(err, &low) {
				t.Fatalf("opening for writing on the full disk: %v, want the disk-space error", err)
			}
			if _, last := diskChild(t, childMode+"=verify", childArchive+"="+dir); last != "VERDICT INTACT" {
				t.Errorf("read-only check on the full disk: %q", last)
			}
			if err := os.Remove(filepath.Join(filepath.Dir(dir), "ballast")); err != nil {
				t.Fatal(err)
			}
			checkCommitted(t, dir, ids)
		})
	}
}

// TestOpenOnFullDisk fills the disk under a closed archive with a
// ballast file: opening it for writing, in-process or through the
// command line, stops with the disk-space error (exit 2) instead of
// crashing in Badger, and changes nothing.
func TestOpenOnFullDisk(t *testing.T) {
	dir, ok := newFullArchive(t, reserveMiB+allocMiB+48)
	if !ok {
		return
	}
	src := t.TempDir()
	files := archivetest.Tree{Sizes: archivetest.Mixed(11, 30), Seed: 11}.Write(t, src)
	a, err := archive.Open(dir, archivetest.Plain(false))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Import(context.Background(), []string{src}, archive.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	a.Close()

	ballast := archivetest.Fill(t, filepath.Dir(dir), archivetest.Config.Reserve()-(4<<20))
	var low *diskspace.ErrLow
	_, err = archive.Open(dir, archivetest.Plain(false))
	if !errors.As(err, &low) {
		t.Fatalf("open on a full disk: %v, want the disk-space error", err)
	}
	if needed := checkLow(t, err.Error()); needed != openMiB {
		t.Errorf("open needs %d MB, want the store's %d MB reserve and allocations", needed, openMiB)
	}
	t.Setenv("CUSTODY_PASSPHRASE", archivetest.Passphrase)
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Archive: dir}
	if code := cli.Run(env, []string{"import", src}); code != cli.ExitFailed || !strings.HasPrefix(errb.String(), "custody import: disk almost full: ") {
		t.Errorf("custody import on a full disk: exit %d, stderr %q", code, errb.String())
	}

	if err := os.Remove(ballast); err != nil {
		t.Fatal(err)
	}
	checkCommitted(t, dir, archivetest.Unique(files))
}
