//go:build linux

package bundlewriter_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/bundlewriter"
	"github.com/custody-app/custody/archive/logstore"
	"golang.org/x/sys/unix"
)

// smallFS mounts a tmpfs of 16 MiB with room for only inodes files and
// folders, or skips the test when mounting is not permitted.
func smallFS(t *testing.T, inodes int) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small file system needs root; disk-full behaviour is not tested here")
	}
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, fmt.Sprintf("size=16m,nr_inodes=%d,mode=0700", inodes)); err != nil {
		t.Skipf("cannot mount a small file system (%v); disk-full behaviour is not tested here", err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(dir, 0); err != nil {
			unix.Unmount(dir, unix.MNT_DETACH)
		}
	})
	return dir
}

// TestDiskFull writes bundles onto a file system that fills up (E13):
// halfway through a folder bundle (it runs out of inodes), and before a
// zip bundle starts (too few bytes free). Each time: an error, nothing
// under the bundle's name, no temporary file, no export event.
func TestDiskFull(t *testing.T) {
	fsDir := smallFS(t, 100)
	files := map[string]string{}
	for i := range 150 {
		files[fmt.Sprintf("f%03d.txt", i)] = fmt.Sprint(i)
	}
	a := newArchive(t, files)
	size, _ := logstore.Size(a.DB())
	_, err := bundlewriter.Create(ctx, a, bundlewriter.Options{Out: filepath.Join(fsDir, "b"), Docs: allDocs(t, a)})
	if err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Errorf("folder bundle on a full disk: %v", err)
	}
	assertOnly(t, fsDir)
	archivetest.Fill(t, fsDir, 100_000)
	_, err = bundlewriter.Create(ctx, a, bundlewriter.Options{Out: filepath.Join(fsDir, "b.zip"), Docs: allDocs(t, a)})
	if err == nil || !strings.Contains(err.Error(), "not enough room") {
		t.Errorf("zip bundle on a full disk: %v", err)
	}
	assertOnly(t, fsDir, "ballast")
	if after, _ := logstore.Size(a.DB()); after != size {
		t.Errorf("failed bundles appended %d events", after-size)
	}
}

func assertOnly(t *testing.T, dir string, keep ...string) {
	t.Helper()
	left, _ := os.ReadDir(dir)
	for _, e := range left {
		if !slicesContains(keep, e.Name()) {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
