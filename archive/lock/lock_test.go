package lock

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestSecondHolderIsRefused(t *testing.T) {
	p := filepath.Join(t.TempDir(), "custody.lock")
	l, err := Acquire(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Acquire(p); !errors.Is(err, ErrLocked) {
		t.Fatalf("second acquire: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := Acquire(p)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	l2.Release()
}

func TestAcquireForReadingInAWritableFolder(t *testing.T) {
	p := filepath.Join(t.TempDir(), "custody.lock")
	l, err := AcquireForReading(p)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Writable() {
		t.Error("a lock in a writable folder says it is not writable")
	}
	if _, err := Acquire(p); !errors.Is(err, ErrLocked) {
		t.Errorf("a writer while a reader holds the lock: %v, want ErrLocked", err)
	}
	l.Release()
}
