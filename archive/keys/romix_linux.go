package keys

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// romixMemory maps n words for scrypt's ROMix outside the Go heap, asks
// for huge pages (transparent huge pages in "madvise" mode, Debian's
// default, give them only when asked), and unmaps them on release, so the
// 128 MiB leave the process at once.
func romixMemory(n int) (v []uint32, release func(), onHeap bool) {
	b, err := unix.Mmap(-1, 0, 4*n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		v := make([]uint32, n) // no mapping to be had: the heap will do
		return v, func() { clear(v) }, true
	}
	unix.Madvise(b, unix.MADV_HUGEPAGE) // a hint; without it, 4 KiB pages
	v = unsafe.Slice((*uint32)(unsafe.Pointer(&b[0])), n)
	return v, func() { unix.Munmap(b) }, false
}
