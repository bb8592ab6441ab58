//go:build linux

package e2e_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"golang.org/x/sys/unix"
)

// An archive on read-only media (a tmpfs remounted read-only, as a
// write-protected disk is): every command that only reads works, also
// after a crash left the store needing recovery and with a damaged byte in
// its newest value-log file; every command that writes refuses in plain
// words.
func TestReadOnlyMedia(t *testing.T) {
	mnt, ok := archivetest.Tmpfs(t, 1024)
	if !ok {
		return
	}
	t.Setenv("TMPDIR", t.TempDir()) // to count the shadows left
	t.Setenv("NEW_CUSTODY_PASSPHRASE", "another passphrase")
	marker := bytes.Repeat([]byte("READ-ONLY MEDIA MARKER "), 400)
	src := t.TempDir()
	archivetest.Tree{Sizes: archivetest.Mixed(4, 40), Seed: 4}.Write(t, src)
	os.WriteFile(filepath.Join(src, "marked.txt"), marker, 0o600)
	pass := filepath.Join(t.TempDir(), "pass")
	os.WriteFile(pass, []byte(archivetest.Passphrase), 0o600)

	// The crash images are the folder copied while the archive is open
	// for writing: exactly what a kill -9 leaves (Badger's writes are in
	// the page cache, which the copy reads).
	work := filepath.Join(t.TempDir(), "arc")
	a, err := archive.Open(work, archivetest.Plain(true))
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Import(context.Background(), []string{src}, archive.ImportOptions{Source: "media"})
	if err != nil {
		t.Fatal(err)
	}
	var markedID, otherID string
	for _, f := range res.Files {
		if strings.HasSuffix(f.Path, "marked.txt") {
			markedID = f.ID
		} else {
			otherID = f.ID
		}
	}
	for _, name := range []string{"crash", "crashflip"} {
		os.Mkdir(filepath.Join(mnt, name), 0o700)
		copyTree(t, work, filepath.Join(mnt, name))
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(mnt, "clean"), 0o700)
	copyTree(t, work, filepath.Join(mnt, "clean"))
	// One image without a lock file (as an archive copied by hand may
	// be): nothing to lock there; the others lock theirs read-only.
	if err := os.Remove(filepath.Join(mnt, "clean", archive.LockFile)); err != nil {
		t.Fatal(err)
	}
	if !writeAheadLeft(filepath.Join(mnt, "crash")) {
		t.Fatal("the crash image holds no write-ahead data; it does not test recovery")
	}
	archivetest.FlipMarker(t, filepath.Join(mnt, "crashflip"), "store/*.vlog", marker[:40], 7, 0x04)

	if err := unix.Mount("", mnt, "", unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
		t.Fatalf("remounting read-only: %v", err)
	}
	defer unix.Mount("", mnt, "", unix.MS_REMOUNT, "")
	if err := os.WriteFile(filepath.Join(mnt, "probe"), nil, 0o600); err == nil {
		t.Fatal("the remounted file system is still writable")
	}
	f := cliFixture{pass: pass}
	out := t.TempDir()
	for _, name := range []string{"clean", "crash"} {
		dir := filepath.Join(mnt, name)
		t.Run(name, func(t *testing.T) {
			for _, args := range [][]string{
				{"ls"}, {"show", otherID}, {"cat", markedID}, {"verify"}, {"log"}, {"checkpoint"},
				{"export", "--to", filepath.Join(out, name), otherID},
			} {
				code, stdout, stderr := f.run(dir, pass, args...)
				if code != 0 {
					t.Errorf("custody %s on read-only media: exit %d\n%s%s", args[0], code, tail(stdout), stderr)
				}
				if args[0] == "cat" && stdout != string(marker) {
					t.Errorf("cat gave %d bytes, want the %d of the document", len(stdout), len(marker))
				}
			}
			if m, _ := filepath.Glob(filepath.Join(out, name, "*", "*")); len(m) == 0 {
				t.Error("export wrote nothing")
			}
			for _, args := range [][]string{
				{"bundle", "create", "--out", filepath.Join(out, name+".zip"), "--all"},
				{"import", src}, {"tag", otherID, "x"}, {"passphrase"},
			} {
				code, _, stderr := f.run(dir, pass, args...)
				if code != 2 || !strings.Contains(stderr, "cannot be written (read-only)") || strings.Contains(stderr, "custody.lock") {
					t.Errorf("custody %s on read-only media: exit %d, %q; want exit 2 and a plain refusal", args[0], code, stderr)
				}
			}
			if _, err := os.Stat(filepath.Join(out, name+".zip")); err == nil {
				t.Error("bundle create wrote a bundle it could not record")
			}
		})
	}
	t.Run("crash and a damaged newest value-log file", func(t *testing.T) {
		dir := filepath.Join(mnt, "crashflip")
		if code, _, stderr := f.run(dir, pass, "ls"); code != 0 {
			t.Errorf("ls: exit %d: %s", code, stderr)
		}
		code, stdout, stderr := f.run(dir, pass, "verify")
		if code != 1 || !strings.Contains(stdout, markedID[:12]) {
			t.Errorf("verify: exit %d, want 1 naming %s\n%s%s", code, markedID[:12], tail(stdout), stderr)
		}
		if strings.Contains(stdout, otherID[:12]) {
			t.Errorf("verify names an undamaged document: %s", tail(stdout))
		}
	})
	if left, _ := filepath.Glob(filepath.Join(os.Getenv("TMPDIR"), "custody-shadow-*")); len(left) != 0 {
		t.Errorf("shadows left in the temporary folder: %v", left)
	}
}
