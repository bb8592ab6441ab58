//go:build linux

package e2e_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/custody-app/custody/app/cli"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/diskspace"
	"github.com/custody-app/custody/archive/keys"
	"golang.org/x/sys/unix"
)

// The instant-fill test runs "custody import" (the command line, with
// the desktop's store sizes) in a child process on a small tmpfs, and,
// once the import is writing, takes every free byte of the disk at once
// from this process (fallocate, then writes until the disk refuses).
// Badger writes through mmap: before the store kept its mapped files
// allocated and a reserve for its tables, this killed the import with
// SIGBUS after it had printed its success line.

const childArgs = "CUSTODY_TEST_ARGS" // the command line, separated by \x1f

// TestHelperFillChild is not a test of its own: it runs the command line
// with $CUSTODY_TEST_ARGS and exits with its code.
func TestHelperFillChild(t *testing.T) {
	args := os.Getenv(childArgs)
	if args == "" {
		t.Skip("runs only as the child of a command-line test")
	}
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: os.Stdout, Stderr: os.Stderr, ScryptLogN: keys.MinScryptLogN}
	os.Exit(cli.Run(env, strings.Split(args, "\x1f")))
}

// takeAll takes every free byte of the file system holding dir into a
// ballast file, the way another program fills a disk: one fallocate for
// what is free, then writes until the first "no space left".
func takeAll(dir string) error {
	f, err := os.OpenFile(filepath.Join(dir, "ballast"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	if free, err := diskspace.Free(dir); err == nil && free > 1<<20 {
		unix.Fallocate(int(f.Fd()), 0, 0, int64(free-1<<20))
	}
	buf := make([]byte, 64<<10)
	f.Seek(0, 2)
	for {
		if _, err := f.Write(buf); err != nil {
			return nil // the disk is full
		}
	}
}

// instantFillRuns is how many disk fills TestInstantDiskFill makes.
func instantFillRuns() int {
	if os.Getenv("CUSTODY_LONG") != "" {
		return 12
	}
	if raceOn {
		return 1
	}
	return 2
}

func TestInstantDiskFill(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a tmpfs of 900 MiB")
	}
	src := t.TempDir()
	var sizes []int64
	r := rand.New(rand.NewPCG(21, 4))
	for i := range 2400 {
		if i%80 == 3 {
			sizes = append(sizes, 1<<20+r.Int64N(2<<20))
		} else {
			sizes = append(sizes, 2<<10+r.Int64N(40<<10))
		}
	}
	files := archivetest.Tree{Sizes: sizes, Seed: 21}.Write(t, src)
	t.Setenv("CUSTODY_PASSPHRASE", archivetest.Passphrase)
	var crashes, stopped, finished int
	for run := range instantFillRuns() {
		mnt, ok := archivetest.Tmpfs(t, 900)
		if !ok {
			return
		}
		dir := filepath.Join(mnt, "archive")
		if _, e, code := runCLI(dir, "init"); code != 0 {
			t.Fatalf("init: %d %s", code, e)
		}
		// Bytes of pack files written before the fill: early in the normal
		// tests, before Badger's first flush of the import (a table that
		// Badger copies in the moment of the fill can still fault, see
		// docs/architecture.md), anywhere in the long suite.
		after := int64(1+r.IntN(8)) << 20
		if os.Getenv("CUSTODY_LONG") != "" {
			after = int64(1+r.IntN(50)) << 20
		}
		cmd := archivetest.Child("TestHelperFillChild", childArgs+"="+strings.Join([]string{"--archive", dir, "import", src}, "\x1f"))
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		filled := false
	wait:
		for {
			select {
			case <-exited:
				break wait
			default:
			}
			if dirSize(filepath.Join(dir, "packs")) >= after {
				if err := takeAll(mnt); err != nil {
					t.Fatalf("filling the disk: %v", err)
				}
				filled = true
				<-exited
				break wait
			}
			time.Sleep(200 * time.Microsecond)
		}
		ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
		stdout, stderr := out.String(), errb.String()
		switch {
		case ws.Signaled() || strings.Contains(stderr, "fatal error") || strings.Contains(stderr, "panic:"):
			crashes++
			t.Errorf("run %d (fill after %d MiB of packs): the import crashed (%v):\n%s", run, after>>20, ws, head(stderr, 2000))
			continue
		case !filled:
			finished++
			t.Logf("run %d: the import finished before the disk was filled", run)
			continue
		}
		stopped++
		if code := ws.ExitStatus(); code != cli.ExitFailed {
			t.Errorf("run %d: exit %d after the disk filled, want %d; stdout %q stderr %q", run, code, cli.ExitFailed, stdout, stderr)
		}
		if strings.HasPrefix(stdout, "Imported ") {
			t.Errorf("run %d: a success line on a full disk: %q", run, stdout)
		}
		if !strings.Contains(stderr, "disk almost full") || !strings.Contains(stderr, "are kept") {
			t.Errorf("run %d: stderr %q does not say the disk is full and what was kept", run, stderr)
		}
		t.Logf("run %d (fill after %d MiB of packs): %s %s", run, after>>20, strings.TrimSpace(stdout), strings.TrimSpace(stderr))
		if free, _ := diskspace.Free(mnt); free > 2<<20 {
			t.Logf("run %d: %d KiB free after the import (its reserve, given back)", run, free>>10)
		}
		// While the disk is still full: the archive lists and verifies.
		if o, e, code := runCLI(dir, "ls"); code != 0 || strings.Count(o, "\n") == 0 {
			t.Errorf("run %d: ls on the full disk: exit %d, %d lines, %s", run, code, strings.Count(o, "\n"), e)
		}
		if o, e, code := runCLI(dir, "verify"); code != 0 {
			t.Errorf("run %d: verify on the full disk: exit %d\n%s%s", run, code, o, e)
		}
		os.Remove(filepath.Join(mnt, "ballast"))
		if o, e, code := runCLI(dir, "import", src); code != 0 {
			t.Errorf("run %d: importing again once space was freed: exit %d\n%s%s", run, code, o, e)
		}
		if o, e, code := runCLI(dir, "verify"); code != 0 {
			t.Errorf("run %d: verify after the rerun: exit %d\n%s%s", run, code, o, e)
		}
		unmount(mnt)
	}
	t.Logf("%d runs: %d stopped on the full disk, %d finished before the fill, %d crashes (%d files, %d MiB)",
		stopped+finished+crashes, stopped, finished, crashes, len(files), archivetest.Total(files)>>20)
	if stopped == 0 {
		t.Error("no run filled the disk during the import")
	}
}

// unmount frees a tmpfs early (the test's cleanup unmounts it too).
func unmount(dir string) {
	if err := unix.Unmount(dir, 0); err != nil && !errors.Is(err, unix.EINVAL) {
		fmt.Fprintln(os.Stderr, "unmount:", err)
	}
}

// dirSize is the size of the files under dir.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// TestRefusedInitLeavesNothing runs "custody init" on a disk too small
// for an archive: it is refused with the disk-space message, and neither
// the archive folder nor the temporary one it was built in is left.
func TestRefusedInitLeavesNothing(t *testing.T) {
	mnt, ok := archivetest.Tmpfs(t, 64)
	if !ok {
		return
	}
	t.Setenv("CUSTODY_PASSPHRASE", archivetest.Passphrase)
	dir := filepath.Join(mnt, "archive")
	_, e, code := runCLI(dir, "init")
	if code != cli.ExitFailed || !strings.Contains(e, "disk almost full") {
		t.Fatalf("init on a 64 MiB disk: exit %d %q", code, e)
	}
	if left, _ := os.ReadDir(mnt); len(left) != 0 {
		t.Errorf("a refused init left %v", left[0].Name())
	}
	if _, e, code := runCLI(dir, "ls"); code != cli.ExitFailed || !strings.Contains(e, "no archive here") {
		t.Errorf("ls after the refused init: exit %d %q", code, e)
	}
}
