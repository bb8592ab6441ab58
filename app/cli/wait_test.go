package cli

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/keys"
)

// lockedBuffer is a bytes.Buffer a test may read while a command writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// runWaiting runs custody --wait args in the background while another
// holder has the archive open.
func runWaiting(ctx context.Context, dir string, args ...string) (*lockedBuffer, *lockedBuffer, chan int) {
	out, errb := &lockedBuffer{}, &lockedBuffer{}
	env := &Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: errb, Archive: dir, ScryptLogN: keys.MinScryptLogN,
		ask: func(string) ([]byte, error) { return []byte(archivetest.Passphrase), nil }, ctx: ctx}
	done := make(chan int, 1)
	go func() { done <- Run(env, append([]string{"--wait"}, args...)) }()
	return out, errb, done
}

func TestWaitForTheArchive(t *testing.T) {
	dir := t.TempDir()
	a, err := archive.Open(dir, archivetest.Options(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, e, code := run(t, dir, "ls"); code != 2 || !strings.Contains(e, "--wait") {
		t.Fatalf("ls without --wait while the archive is open: %d %q, want 2 and a mention of --wait", code, e)
	}
	out, errb, done := runWaiting(context.Background(), dir, "ls")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(errb.String(), "waiting for another Custody to finish with this archive") {
		if time.Now().After(deadline) {
			t.Fatalf("no waiting message: %q", errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case code := <-done:
		t.Fatalf("ls --wait ended (%d) while the archive was open: %q", code, errb.String())
	case <-time.After(time.Second):
	}
	a.Close()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("ls --wait after the other closed: %d %q %q", code, out.String(), errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ls --wait did not end after the archive was closed")
	}

	// Ctrl-C while waiting: exit 2, nothing done.
	a, err = archive.Open(dir, archivetest.Options(false))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx, cancel := context.WithCancel(context.Background())
	_, errb, done = runWaiting(ctx, dir, "tag", "nothing", "x")
	time.Sleep(500 * time.Millisecond)
	cancel()
	select {
	case code := <-done:
		if code != 2 || !strings.Contains(errb.String(), "stopped waiting") {
			t.Fatalf("tag --wait stopped: %d %q", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a stopped wait did not end")
	}
}
