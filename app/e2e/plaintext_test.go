//go:build linux

package e2e_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/custody-app/custody/archive/archivetest"
)

// The plaintext tests kill receive (from a zip and from a folder), import
// and bundle create at random moments, and then read every file under
// the encrypted archive's folder for a marker that every document
// carries: no document's bytes may be found there in the clear, whatever
// moment the process died.

// marker is in every document of markedTree, and nowhere else.
var marker = []byte("PLAINTEXT-MARKER-7f3a9c")

// markedTree writes documents like e-mails (a few KiB, with the marker in
// their text), some of several chunks (stored in pack files), and returns
// its root.
func markedTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	r := rand.New(rand.NewPCG(33, 3))
	for i := range 600 {
		size := 2<<10 + r.IntN(60<<10)
		if i%60 == 5 {
			size = 1<<20 + r.IntN(2<<20)
		}
		var b bytes.Buffer
		fmt.Fprintf(&b, "Subject: message %d\r\n\r\n", i)
		for b.Len() < size {
			fmt.Fprintf(&b, "%s line %d of message %d %x\r\n", marker, b.Len(), i, r.Uint64())
		}
		p := filepath.Join(root, "mail", fmt.Sprintf("%03d", i%20), fmt.Sprintf("%04d.eml", i))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// findMarker reads every file under dir and returns those holding the
// marker.
func findMarker(t *testing.T, dir string) []string {
	t.Helper()
	var found []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(b, marker) {
			rel, _ := filepath.Rel(dir, p)
			found = append(found, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// killRuns is how many kills each command gets.
func killRuns() int {
	if os.Getenv("CUSTODY_LONG") != "" {
		return 20
	}
	if raceOn {
		return 1
	}
	return 2
}

// runKilled starts the command line in a child and kills it with SIGKILL
// after d (or lets it finish); it reports whether it was killed.
func runKilled(t *testing.T, d time.Duration, args ...string) bool {
	t.Helper()
	cmd := archivetest.Child("TestHelperFillChild", childArgs+"="+strings.Join(args, "\x1f"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
		if !cmd.ProcessState.Success() {
			t.Fatalf("%v: %s", args, out.String())
		}
		return false
	case <-time.After(d):
		cmd.Process.Kill() // the child, by its PID
		<-done
		ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
		return ws.Signaled()
	}
}

func TestNoPlaintextAfterKills(t *testing.T) {
	if testing.Short() {
		t.Skip("kills many processes")
	}
	t.Setenv("CUSTODY_PASSPHRASE", archivetest.Passphrase)
	src := markedTree(t)
	base := t.TempDir()
	sender := filepath.Join(base, "sender")
	if _, e, code := runCLI(sender, "import", src); code != 0 {
		t.Fatalf("sender import: %s", e)
	}
	zipBag, dirBag := filepath.Join(base, "b.zip"), filepath.Join(base, "bag")
	for _, out := range []string{zipBag, dirBag} {
		if _, e, code := runCLI(sender, "bundle", "create", "--all", "--out", out); code != 0 {
			t.Fatalf("bundle create: %s", e)
		}
	}
	if len(findMarker(t, dirBag)) == 0 {
		t.Fatal("the marker is not found in the folder bag: the search cannot find it")
	}
	if len(findMarker(t, filepath.Join(sender))) != 0 {
		t.Fatalf("the sender's archive holds the marker in the clear after a clean import: %v", findMarker(t, sender))
	}
	r := rand.New(rand.NewPCG(34, 4))
	for _, c := range []struct {
		name string
		args func(dir string, run int) []string
	}{
		{"receive zip", func(dir string, _ int) []string { return []string{"--archive", dir, "bundle", "receive", zipBag} }},
		{"receive folder", func(dir string, _ int) []string { return []string{"--archive", dir, "bundle", "receive", dirBag} }},
		{"import", func(dir string, _ int) []string { return []string{"--archive", dir, "import", src} }},
		{"bundle create", func(dir string, run int) []string {
			return []string{"--archive", dir, "bundle", "create", "--all", "--out", filepath.Join(base, fmt.Sprintf("out%d.zip", run))}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			killed := 0
			for run := range killRuns() {
				dir := filepath.Join(t.TempDir(), "arc")
				if c.name == "bundle create" {
					if _, e, code := runCLI(dir, "import", src); code != 0 {
						t.Fatal(e)
					}
				} else if _, e, code := runCLI(dir, "init"); code != 0 {
					t.Fatal(e)
				}
				d := time.Duration(50+r.IntN(1500)) * time.Millisecond
				if runKilled(t, d, c.args(dir, run)...) {
					killed++
				}
				if found := findMarker(t, dir); len(found) > 0 {
					t.Errorf("run %d (killed after %v): plaintext in %v", run, d, found)
				}
				// The next open (read-only) opens and leaves nothing either.
				if _, e, code := runCLI(dir, "ls"); code != 0 {
					t.Logf("run %d: ls after the kill: %s", run, e)
				}
				if found := findMarker(t, dir); len(found) > 0 {
					t.Errorf("run %d: plaintext after reopening, in %v", run, found)
				}
			}
			t.Logf("%s: %d runs, %d killed mid-way, no plaintext marker found", c.name, killRuns(), killed)
		})
	}
}
