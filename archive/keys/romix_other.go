//go:build !linux

package keys

// romixMemory returns n words for scrypt's ROMix from the Go heap, cleared
// on release.
func romixMemory(n int) (v []uint32, release func(), onHeap bool) {
	v = make([]uint32, n)
	return v, func() { clear(v) }, true
}
