package store

import (
	"os"

	"golang.org/x/sys/unix"
)

// allocate gives f's blocks from off to off+n on disk; keepSize leaves
// its size as it is (the blocks lie beyond its end).
func allocate(f *os.File, off, n int64, keepSize bool) error {
	mode := uint32(0)
	if keepSize {
		mode = unix.FALLOC_FL_KEEP_SIZE
	}
	for {
		err := unix.Fallocate(int(f.Fd()), mode, off, n)
		if err == unix.EINTR {
			continue
		}
		if err == unix.EOPNOTSUPP {
			return nil // a file system without it: nothing to give ahead
		}
		return err
	}
}
