// Package progress reports how far a long operation has got, as a value
// the front ends adapt: the GUI to a progress bar (through fyne.Do), the
// CLI to a terminal bar.
//
// Workers bump atomic counters per file; a sampler copies them out about
// ten times a second. Front ends therefore never see per-file floods, and
// the hot path costs one atomic add.
package progress

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Progress is a snapshot of a long operation.
type Progress struct {
	Files, Bytes           int64 // done so far
	TotalFiles, TotalBytes int64 // known totals (0 while still counting)
	Current                string
	Elapsed                time.Duration
	Done                   bool
}

// Func receives snapshots. It is called from a goroutine of the
// operation, never concurrently with itself.
type Func func(Progress)

// Counter is what workers update.
type Counter struct {
	files, bytes           atomic.Int64
	totalFiles, totalBytes atomic.Int64
	mu                     sync.Mutex
	current                string
	start                  time.Time
}

// NewCounter starts the clock.
func NewCounter() *Counter { return &Counter{start: time.Now()} }

// SetTotals sets the known totals.
func (c *Counter) SetTotals(files, bytes int64) {
	c.totalFiles.Store(files)
	c.totalBytes.Store(bytes)
}

// AddBytes counts bytes done.
func (c *Counter) AddBytes(n int64) { c.bytes.Add(n) }

// AddFile counts one file done.
func (c *Counter) AddFile() { c.files.Add(1) }

// SetCurrent names what is being worked on.
func (c *Counter) SetCurrent(s string) {
	c.mu.Lock()
	c.current = s
	c.mu.Unlock()
}

// Snapshot copies the counters out.
func (c *Counter) Snapshot() Progress {
	c.mu.Lock()
	cur := c.current
	c.mu.Unlock()
	return Progress{
		Files: c.files.Load(), Bytes: c.bytes.Load(),
		TotalFiles: c.totalFiles.Load(), TotalBytes: c.totalBytes.Load(),
		Current: cur, Elapsed: time.Since(c.start),
	}
}

// Interval is how often Report samples.
const Interval = 100 * time.Millisecond

// Report calls fn with a snapshot every Interval until stop is called;
// stop sends a last snapshot with Done set and waits for the sampler to
// end. A nil fn makes Report a no-op.
func (c *Counter) Report(ctx context.Context, fn Func) (stop func()) {
	if fn == nil {
		return func() {}
	}
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(Interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				fn(c.Snapshot())
			case <-ctx.Done():
				<-quit
				return
			case <-quit:
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(quit)
			<-done
			p := c.Snapshot()
			p.Done = true
			fn(p)
		})
	}
}
