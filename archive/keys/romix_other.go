//go:build !linux

package keys

// romixMemory returns n words for scrypt's ROMix from the Go heap, cleared
// on release.
func romixMemory(n int) ([]uint32, func(), error) {
	v := make([]uint32, n)
	return v, func() { clear(v) }, nil
}
