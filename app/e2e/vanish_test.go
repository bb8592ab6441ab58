//go:build linux

package e2e_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/custody-app/custody/archive/archivetest"
	"golang.org/x/sys/unix"
)

// The archive folder vanishing in the middle of an import (deleted, or
// its disk unmounted): the command ends within its time limit with a
// clear error and exit 2, and never reports the import as done.
func TestFolderVanishesDuringImport(t *testing.T) {
	src := t.TempDir()
	archivetest.Tree{Sizes: archivetest.Mixed(21, 3000), Seed: 21}.Write(t, src)
	pass := filepath.Join(t.TempDir(), "pass")
	os.WriteFile(pass, []byte(archivetest.Passphrase), 0o600)
	cases := []struct {
		name   string
		folder func(t *testing.T) (dir string, vanish func() error)
	}{
		{"deleted", func(t *testing.T) (string, func() error) {
			dir := filepath.Join(t.TempDir(), "arc")
			return dir, func() error { return os.RemoveAll(dir) }
		}},
		{"disk unmounted", func(t *testing.T) (string, func() error) {
			mnt, ok := archivetest.Tmpfs(t, 2048)
			if !ok {
				t.SkipNow()
			}
			return filepath.Join(mnt, "arc"), func() error { return unix.Unmount(mnt, unix.MNT_DETACH) }
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir, vanish := tc.folder(t)
			args := strings.Join([]string{"--archive", dir, "--passphrase-file", pass, "import", src}, "\t")
			cmd := archivetest.Child("TestHelperCLIChild", cliChildArgs+"="+args)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan struct{})
			go func() { cmd.Wait(); close(exited) }()
			// Let the import get under way: its store exists and has
			// taken some documents.
			deadline := time.Now().Add(20 * time.Second)
			for {
				m, _ := filepath.Glob(filepath.Join(dir, "store", "*.vlog"))
				if len(m) > 0 || time.Now().After(deadline) {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			time.Sleep(300 * time.Millisecond)
			select {
			case <-exited:
				t.Skipf("the import finished before the folder could vanish:\n%s", out.String())
			default:
			}
			if err := vanish(); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			select {
			case <-exited:
			case <-time.After(3 * time.Minute):
				cmd.Process.Signal(syscall.SIGKILL)
				<-exited
				t.Fatalf("the import hung after its folder vanished:\n%s", tail(out.String()))
			}
			got := out.String()
			t.Logf("ended %v after the folder vanished: %s", time.Since(start).Round(time.Millisecond), strings.TrimSpace(got))
			if !strings.Contains(got, "RAN 2") || strings.Contains(got, "Imported") || !strings.Contains(got, "disappeared") {
				t.Errorf("want exit 2, no success message and a clear error; got:\n%s", tail(got))
			}
		})
	}
}
