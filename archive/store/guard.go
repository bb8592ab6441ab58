package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// A writable open lets Badger read its newest value-log file and cut it at
// the first entry whose checksum fails, discarding every later entry in
// that file, even when the damage is one flipped bit in the middle. Badger
// starts a new value-log file at every open, so the newest file holds only
// what the last writing session stored (at most one file's size, usually
// far less). guardNewest copies it aside before the open, and the open is
// undone (the file restored byte for byte) when Badger cut it.

// ErrNewestFileDamaged means the store's newest value-log file is damaged;
// the archive was not opened for writing, and nothing was lost.
type ErrNewestFileDamaged struct {
	File        string
	ValidBytes  int64
	Discardable int64
}

func (e *ErrNewestFileDamaged) Error() string {
	return fmt.Sprintf("the archive's newest store file (%s) is damaged after byte %d; opening it for writing would discard the %d bytes after that point, so Custody did not open it and changed nothing. "+
		"Run \"custody verify\" (it reads without writing) to see which documents are affected, and restore the folder from a backup or re-import them",
		e.File, e.ValidBytes, e.Discardable)
}

// newestVlog returns the value-log file with the highest number.
func newestVlog(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", nil
		}
		return "", err
	}
	best, bestID := "", int64(-1)
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".vlog") {
			continue
		}
		id, err := strconv.ParseInt(strings.TrimSuffix(name, ".vlog"), 10, 64)
		if err == nil && id > bestID {
			best, bestID = name, id
		}
	}
	if best == "" {
		return "", nil
	}
	return filepath.Join(dir, best), nil
}

type guard struct {
	file, copy string
	size       int64
}

// guardNewest copies the newest value-log file aside; a nil guard means
// there is nothing to guard (no file, or one that matches its seal).
func guardNewest(dir string) (*guard, error) {
	file, err := newestVlog(dir)
	if err != nil || file == "" {
		return nil, err
	}
	if sealed(dir, file) {
		return nil, nil
	}
	guardCopies.Add(1)
	g := &guard{file: file, copy: file + guardSuffix}
	if err := copyFileAtomic(g.copy, file); err != nil {
		return nil, fmt.Errorf("cannot protect the store before opening it: %w", err)
	}
	fi, err := os.Stat(g.copy)
	if err != nil {
		return nil, err
	}
	g.size = fi.Size()
	return g, nil
}

// cut reports whether the guarded file shrank during the open, other
// than by Badger's normal recovery of a file that was never finished.
func (g *guard) cut() (bool, int64) {
	fi, err := os.Stat(g.file)
	if err != nil {
		return false, 0
	}
	return fi.Size() < g.size && !g.unfinished(), fi.Size()
}

// unfinished reports whether the guarded file ends in zero bytes. Badger
// makes the newest value-log file at twice its nominal size and trims it
// to its last entry when the store is closed, so a cleanly closed file
// ends with an entry's checksum. A zero tail means the session writing it
// ended without closing (a crash, kill -9, a power cut): then cutting the
// entry that was being written, and the unused space after it, is
// Badger's normal recovery, and refusing it would leave the archive
// unopenable after every crash.
func (g *guard) unfinished() bool {
	var tail [16]byte
	if g.size < int64(len(tail)) {
		return false
	}
	f, err := os.Open(g.copy)
	if err != nil {
		return false
	}
	defer f.Close()
	if _, err := f.ReadAt(tail[:], g.size-int64(len(tail))); err != nil {
		return false
	}
	return tail == [len(tail)]byte{}
}

// restore puts the guarded bytes back and removes the copy.
func (g *guard) restore() error {
	if err := copyFileAtomic(g.file, g.copy); err != nil {
		return fmt.Errorf("restoring %s from %s: %w (keep that copy)", g.file, g.copy, err)
	}
	return os.Remove(g.copy)
}

func (g *guard) drop() {
	if g != nil {
		os.Remove(g.copy)
	}
}

// copyFileAtomic copies src to dst so that dst is, at every moment, either
// its old self or the whole copy: the bytes go to a temporary name, are
// synced, and are renamed over dst. On Linux io.Copy between files copies
// inside the kernel.
func copyFileAtomic(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := dst + tmpSuffix
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, dst)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
