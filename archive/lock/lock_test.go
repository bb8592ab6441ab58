package lock

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
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

func TestWaitUntilReleased(t *testing.T) {
	p := filepath.Join(t.TempDir(), "custody.lock")
	held, err := Acquire(p)
	if err != nil {
		t.Fatal(err)
	}
	waiting := make(chan struct{})
	got := make(chan error, 1)
	go func() {
		l, err := Retry(&Wait{Waiting: func() { close(waiting) }}, func() (*Lock, error) { return Acquire(p) })
		if err == nil {
			l.Release()
		}
		got <- err
	}()
	<-waiting
	select {
	case err := <-got:
		t.Fatalf("the wait ended while the lock was held: %v", err)
	case <-time.After(3 * pollEvery):
	}
	held.Release()
	select {
	case err := <-got:
		if err != nil {
			t.Fatalf("after the release: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the wait did not end after the lock was released")
	}
}

func TestWaitStopped(t *testing.T) {
	p := filepath.Join(t.TempDir(), "custody.lock")
	held, err := Acquire(p)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	go func() { time.Sleep(2 * pollEvery); cancel() }()
	_, err = Retry(&Wait{Ctx: ctx, Waiting: func() { n++ }}, func() (*Lock, error) { return Acquire(p) })
	if !errors.Is(err, ErrWaitStopped) || n != 1 {
		t.Fatalf("stopped wait: %v after %d messages, want ErrWaitStopped after 1", err, n)
	}
	if _, err := Retry(nil, func() (*Lock, error) { return Acquire(p) }); !errors.Is(err, ErrLocked) {
		t.Fatalf("no wait: %v, want ErrLocked", err)
	}
}
