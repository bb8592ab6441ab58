package archivetest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/custody-app/custody/archive/diskspace"
	"golang.org/x/sys/unix"
)

// nsEnv marks a test binary re-run inside a user and mount namespace.
const nsEnv = "CUSTODY_TEST_IN_USERNS"

// Tmpfs mounts a tmpfs of sizeMiB MiB on a new folder and returns it,
// unmounted when the test ends. As root it mounts directly. Otherwise it
// re-runs the test inside a new user and mount namespace (where mounting
// a tmpfs is allowed), reports that run's outcome and returns ok false:
// the caller then returns at once. It skips the test when neither works.
func Tmpfs(t *testing.T, sizeMiB int) (dir string, ok bool) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv(nsEnv) != "" {
			t.Skip("mounting is not permitted, even in a user namespace")
		}
		rerunInNamespace(t)
		return "", false
	}
	dir = t.TempDir()
	err := unix.Mount("tmpfs", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, fmt.Sprintf("size=%dm,mode=0700", sizeMiB))
	if err != nil {
		t.Skipf("cannot mount a small file system to fill (%v); disk-full behaviour is not tested here", err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(dir, 0); err != nil {
			unix.Unmount(dir, unix.MNT_DETACH)
		}
	})
	return dir, true
}

func rerunInNamespace(t *testing.T) {
	t.Helper()
	parts := strings.Split(t.Name(), "/")
	for i, p := range parts {
		parts[i] = "^" + p + "$"
	}
	cmd := exec.Command(os.Args[0], "-test.run="+strings.Join(parts, "/"), "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), nsEnv+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
	}
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState == nil {
		t.Skipf("not root, and no user namespace could be made to mount in (%v); disk-full behaviour is not tested here", err)
	}
	t.Logf("ran in a user namespace:\n%s", out)
	if err != nil {
		t.Fatalf("the run in a user namespace failed: %v", err)
	}
	if strings.Contains(string(out), "--- SKIP") {
		t.Skip("skipped inside the user namespace")
	}
}

// Fill writes a ballast file into dir until at most leave bytes are free
// on its file system, and returns the file's path.
func Fill(tb testing.TB, dir string, leave uint64) string {
	tb.Helper()
	p, err := FillUntil(dir, leave)
	if err != nil {
		tb.Fatalf("writing the ballast: %v", err)
	}
	return p
}

// FillUntil is Fill for code that runs outside the test's goroutine.
func FillUntil(dir string, leave uint64) (string, error) {
	p := filepath.Join(dir, "ballast")
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return "", err
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = 0xa5
	}
	for {
		free, err := diskspace.Free(dir)
		if err != nil {
			return "", err
		}
		if free <= leave {
			return p, nil
		}
		n := min(uint64(len(buf)), free-leave)
		if _, err := f.Write(buf[:n]); err != nil {
			return "", err
		}
	}
}
