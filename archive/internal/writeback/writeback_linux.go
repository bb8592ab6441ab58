// Package writeback asks the kernel to start writing a file's bytes to
// disk as soon as they are written. With gigabytes of memory the kernel
// would otherwise keep an import's or a bundle's bytes in memory until the
// sync at its end and only then write them all, while nothing else
// happens; started early, the disk works while the processor hashes.
package writeback

import (
	"os"

	"golang.org/x/sys/unix"
)

// Start asks the kernel to start writing bytes [off, off+n) of f to disk
// (n = 0: to the end of the file), without waiting. It is a hint: errors
// show at the sync that follows.
func Start(f *os.File, off, n int64) {
	unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE)
}
