package pack

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing bytes [off, off+n) of f
// to disk now, without waiting. With gigabytes of memory the kernel would
// otherwise keep an import's bytes in memory until the sync at its end
// and only then write them all, while nothing else happens; started as
// they are written, the disk works while the workers hash.
func startWriteback(f *os.File, off, n int64) {
	unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE)
}
