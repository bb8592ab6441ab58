// Package diskspace tells how many bytes are free on the file system that
// holds a folder.
//
// Badger writes through mmap: when the disk fills, the kernel kills the
// process with SIGBUS instead of returning an error, and reopening a store
// on a still-full disk crashes again. Custody therefore checks free space
// itself, before opening and while importing, and stops with a plain
// message while there is still a reserve.
package diskspace

import "fmt"

// ErrLow is returned when free space is below what an operation needs.
type ErrLow struct {
	Free, Needed uint64
}

func (e *ErrLow) Error() string {
	return fmt.Sprintf("disk almost full: %d MB free, %d MB needed; free some space and try again (everything imported so far is safe)",
		e.Free>>20, (e.Needed+(1<<20)-1)>>20)
}

// Require returns *ErrLow when fewer than needed bytes are free at dir.
func Require(dir string, needed uint64) error {
	free, err := Free(dir)
	if err != nil {
		return err
	}
	if free < needed {
		return &ErrLow{Free: free, Needed: needed}
	}
	return nil
}
