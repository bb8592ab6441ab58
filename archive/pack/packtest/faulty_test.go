package packtest_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/custody-app/custody/archive/pack"
	"github.com/custody-app/custody/archive/pack/packtest"
)

// Each fault shows as the error or the damage it stands for, through the
// encryption above it, and only on the pack it was set for.
func TestFaults(t *testing.T) {
	l, err := pack.OpenLocal(t.TempDir(), true)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	f := packtest.NewFaulty(l)
	s, err := pack.Encrypt(f, bytes.Repeat([]byte{3}, 32))
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("sixteen bytes, and a few more")
	for n := uint64(1); n <= 5; n++ {
		w := pack.NewWriter(s, func() (uint64, error) { return n, nil })
		if _, err := w.Append(data); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	f.FailReads(1)
	f.Flip(2, 20, 0x04)
	f.Truncate(3, 10)
	f.Hide(4)
	read := func(n uint64, off int64, size int) ([]byte, error) {
		b := make([]byte, size)
		return b, s.ReadAt(pack.Ref{Pack: n, Off: off}, b)
	}
	if _, err := read(1, 0, len(data)); !errors.Is(err, packtest.ErrInjected) || errors.Is(err, pack.ErrMissing) || errors.Is(err, pack.ErrShort) {
		t.Errorf("failed read: %v", err)
	}
	got, err := read(2, 0, len(data))
	if want := bytes.Clone(data); err != nil || want[20]^0x04 != got[20] || !bytes.Equal(got[:20], data[:20]) || !bytes.Equal(got[21:], data[21:]) {
		t.Errorf("flipped: %q, %v", got, err)
	}
	if got, err := read(2, 21, 5); err != nil || !bytes.Equal(got, data[21:26]) {
		t.Errorf("beside the flip: %q, %v", got, err)
	}
	if _, err := read(3, 5, 6); !errors.Is(err, pack.ErrShort) {
		t.Errorf("past the cut: %v", err)
	}
	if got, err := read(3, 0, 10); err != nil || !bytes.Equal(got, data[:10]) {
		t.Errorf("before the cut: %q, %v", got, err)
	}
	if _, err := read(4, 0, 1); !errors.Is(err, pack.ErrMissing) {
		t.Errorf("hidden: %v", err)
	}
	if got, err := read(5, 0, len(data)); err != nil || !bytes.Equal(got, data) {
		t.Errorf("untouched pack: %q, %v", got, err)
	}
	if size, err := s.Stat(3); err != nil || size != 10 {
		t.Errorf("stat of the cut pack: %d, %v", size, err)
	}
	if _, err := s.Stat(4); !errors.Is(err, pack.ErrMissing) {
		t.Errorf("stat of the hidden pack: %v", err)
	}
	sizes := map[uint64]int64{}
	s.List(func(n uint64, size int64) error { sizes[n] = size; return nil })
	if len(sizes) != 4 || sizes[3] != 10 || sizes[5] != int64(len(data)) {
		t.Errorf("list %v", sizes)
	}
	if f.Reads() != 7 {
		t.Errorf("%d reads counted", f.Reads())
	}
}
