package lock

import (
	"context"
	"errors"
	"time"
)

// Wait says how to wait for a lock another process holds: until Ctx is
// done (the person pressed Ctrl-C, or closed the window), telling them
// once through Waiting that the wait began. A nil *Wait does not wait.
type Wait struct {
	Ctx     context.Context
	Waiting func()
}

// pollEvery is how often a waiting process tries the lock again. Polling
// the non-blocking lock works the same on every system (a blocking flock
// or LockFileEx cannot be cancelled portably), and a fifth of a second is
// nothing next to a command that holds an archive.
const pollEvery = 200 * time.Millisecond

// ErrWaitStopped means the wait for the lock was stopped before the other
// process let go of the archive.
var ErrWaitStopped = errors.New("stopped waiting for the archive, which another Custody window or command still has open; nothing was changed")

// Retry runs try (Acquire or AcquireForReading) until it does not return
// ErrLocked: at once when w is nil, else until w.Ctx is done.
func Retry(w *Wait, try func() (*Lock, error)) (*Lock, error) {
	l, err := try()
	if w == nil || !errors.Is(err, ErrLocked) {
		return l, err
	}
	if w.Waiting != nil {
		w.Waiting()
	}
	ctx := w.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, ErrWaitStopped
		case <-t.C:
		}
		if l, err = try(); !errors.Is(err, ErrLocked) {
			return l, err
		}
	}
}
