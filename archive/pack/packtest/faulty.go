// Package packtest damages pack storage on purpose, so that tests can
// show what every reader above it does with a pack that fails to read,
// holds a flipped byte, was cut short or is gone, without touching files
// (and below encryption, as a failing disk would).
package packtest

import (
	"errors"
	"fmt"
	"sync"

	"github.com/custody-app/custody/archive/pack"
)

// ErrInjected is the read error FailReads injects.
var ErrInjected = errors.New("injected read error")

var _ pack.Storage = (*Faulty)(nil)

// Faulty wraps a pack.Storage and damages what is read from the packs it
// was told about; other packs, and appends, pass through.
type Faulty struct {
	pack.Storage
	mu     sync.Mutex
	faults map[uint64]*fault
	reads  int
}

type fault struct {
	fail  bool
	gone  bool
	cut   int64 // size after a cut, -1: not cut
	flips map[int64]byte
}

// NewFaulty wraps s.
func NewFaulty(s pack.Storage) *Faulty {
	return &Faulty{Storage: s, faults: map[uint64]*fault{}}
}

func (f *Faulty) fault(n uint64) *fault {
	x := f.faults[n]
	if x == nil {
		x = &fault{cut: -1, flips: map[int64]byte{}}
		f.faults[n] = x
	}
	return x
}

// FailReads makes every read of pack n fail with ErrInjected, an I/O
// error that says nothing about the bytes.
func (f *Faulty) FailReads(n uint64) {
	f.mu.Lock()
	f.fault(n).fail = true
	f.mu.Unlock()
}

// Flip XORs the byte at off of pack n with mask whenever it is read.
func (f *Faulty) Flip(n uint64, off int64, mask byte) {
	f.mu.Lock()
	f.fault(n).flips[off] ^= mask
	f.mu.Unlock()
}

// Truncate makes pack n end at size.
func (f *Faulty) Truncate(n uint64, size int64) {
	f.mu.Lock()
	f.fault(n).cut = size
	f.mu.Unlock()
}

// Hide makes pack n missing.
func (f *Faulty) Hide(n uint64) {
	f.mu.Lock()
	f.fault(n).gone = true
	f.mu.Unlock()
}

// Reads is how many reads went through f.
func (f *Faulty) Reads() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reads
}

// ReadAt reads through, then applies pack r.Pack's faults.
func (f *Faulty) ReadAt(r pack.Ref, buf []byte) error {
	f.mu.Lock()
	f.reads++
	x := f.faults[r.Pack]
	var now fault // x's state, read under the lock
	if x != nil {
		now = *x
	}
	f.mu.Unlock()
	if x == nil {
		return f.Storage.ReadAt(r, buf)
	}
	switch x := now; {
	case x.gone:
		return fmt.Errorf("%w: %s (hidden by a test)", pack.ErrMissing, pack.Name(r.Pack))
	case x.fail:
		return fmt.Errorf("reading %s: %w", pack.Name(r.Pack), ErrInjected)
	case x.cut >= 0 && r.Off+int64(len(buf)) > x.cut:
		return fmt.Errorf("%w: %s ends before byte %d (cut at %d by a test)", pack.ErrShort, pack.Name(r.Pack), r.Off+int64(len(buf)), x.cut)
	}
	if err := f.Storage.ReadAt(r, buf); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for off, mask := range x.flips {
		if off >= r.Off && off < r.Off+int64(len(buf)) {
			buf[off-r.Off] ^= mask
		}
	}
	return nil
}

// Stat reports a hidden pack missing and a cut one at its cut size.
func (f *Faulty) Stat(n uint64) (int64, error) {
	size, err := f.Storage.Stat(n)
	if err != nil {
		return size, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if x := f.faults[n]; x != nil {
		if x.gone {
			return 0, fmt.Errorf("%w: %s (hidden by a test)", pack.ErrMissing, pack.Name(n))
		}
		if x.cut >= 0 && x.cut < size {
			size = x.cut
		}
	}
	return size, nil
}

// List leaves hidden packs out and gives cut ones their cut size.
func (f *Faulty) List(fn func(n uint64, size int64) error) error {
	return f.Storage.List(func(n uint64, size int64) error {
		f.mu.Lock()
		x := f.faults[n]
		gone := x != nil && x.gone
		if x != nil && x.cut >= 0 && x.cut < size {
			size = x.cut
		}
		f.mu.Unlock()
		if gone {
			return nil
		}
		return fn(n, size)
	})
}
