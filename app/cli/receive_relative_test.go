package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBundleReceiveRelativePath receives a folder bundle named by a path
// relative to the working folder: every document arrives, the command
// succeeds, and the sender's checkpoint is remembered. A second receive
// of the same bundle records nothing new and says so.
func TestBundleReceiveRelativePath(t *testing.T) {
	sender := bundleSetup(t)
	work := t.TempDir()
	if _, e, code := run(t, sender, "bundle", "create", "--out", filepath.Join(work, "b"), "--all"); code != 0 {
		t.Fatal(e)
	}
	receiver := filepath.Join(t.TempDir(), "receiver")
	if _, e, code := run(t, receiver, "init"); code != 0 {
		t.Fatalf("init: %s", e)
	}
	t.Chdir(work)
	stdout, e, code := run(t, receiver, "bundle", "receive", "b")
	if code != 0 || !strings.Contains(stdout, "Received 2 new documents") || !strings.Contains(stdout, "now the newest remembered") {
		t.Fatalf("receive b: exit %d\n%s\n%s", code, stdout, e)
	}
	log1, _, _ := run(t, receiver, "log")
	if n := strings.Count(log1, "receive"); n != 2 {
		t.Fatalf("log after receive holds %d receive events, want 2:\n%s", n, log1)
	}
	for _, p := range []string{"b", "./b", filepath.Join("..", filepath.Base(work), "b")} {
		stdout, e, code = run(t, receiver, "bundle", "receive", p)
		if code != 0 || !strings.Contains(stdout, "already received") {
			t.Fatalf("receive %s again: exit %d\n%s\n%s", p, code, stdout, e)
		}
		if log2, _, _ := run(t, receiver, "log"); log2 != log1 {
			t.Fatalf("a second receive of %s changed the log:\n%s\nwas:\n%s", p, log2, log1)
		}
	}
	if _, err := os.Stat(filepath.Join(work, "b", "bagit.txt")); err != nil {
		t.Fatal(err)
	}
}
