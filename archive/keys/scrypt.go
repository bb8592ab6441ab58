package keys

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math/bits"
	"runtime/debug"

	"golang.org/x/crypto/pbkdf2"
)

// scryptKey is scrypt (RFC 7914) with N = 2^logN, written here for one
// reason: its 128 * r * N bytes of working memory. golang.org/x/crypto's
// scrypt allocates them on the Go heap, in 4 KiB pages; scrypt's random
// reads over 128 MiB then miss the TLB at nearly every block, and on a
// virtual machine each first touch of a page also traps to the host. Here
// the memory comes from romixMemory, which asks for huge pages where the
// system offers them (Linux), and goes back to the system as soon as the
// key is derived (so callers need not free it): one derivation in a fresh process took 0.86-0.88 s with
// x/crypto and 0.36-0.65 s with this on the machine of
// docs/performance.md. The result is the same function as x/crypto's, bit
// for bit (TestScryptVectors, TestScryptMatchesReference), so identity
// files sealed before open as they did.
func scryptKey(pass, salt []byte, logN, r, p, keyLen int) ([]byte, error) {
	if logN < 1 || logN > 30 || r < 1 || p < 1 || uint64(r)*uint64(p) >= 1<<30 {
		return nil, errors.New("scrypt: parameters out of range")
	}
	n := 1 << logN
	words := 32 * r // one block of 128*r bytes, as 32-bit words
	b := pbkdf2.Key(pass, salt, 1, p*4*words, sha256.New)
	defer clear(b)
	if onHeap := mixBlocks(b, words, n, p); onHeap {
		// The 128 MiB are garbage now: give them back to the system
		// before the caller goes on to open a store (measured: 238 MiB
		// of anonymous memory at an open after a large import, 140 MiB
		// with this).
		debug.FreeOSMemory()
	}
	return pbkdf2.Key(pass, b, 1, keyLen, sha256.New), nil
}

// mixBlocks runs ROMix on each of b's p blocks, in working memory that is
// released when it returns; onHeap says the memory came from the Go heap,
// where it stays until the garbage collector returns it.
func mixBlocks(b []byte, words, n, p int) (onHeap bool) {
	v, release, onHeap := romixMemory(words * n)
	defer release()
	x := make([]uint32, 2*words) // X, and BlockMix's output
	for i := range p {
		romix(b[i*4*words:(i+1)*4*words], v, x, words, n)
	}
	clear(x)
	return onHeap
}

// romix runs ROMix on one block of b (little-endian words) in place,
// with v (words*n words) as its memory and x (2*words) as scratch.
func romix(b []byte, v, x []uint32, words, n int) {
	cur, next := x[:words], x[words:]
	for i := range cur {
		cur[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	for i := range n {
		copy(v[i*words:], cur)
		blockMix(cur, next, words)
		cur, next = next, cur
	}
	mask := uint32(n - 1)
	for range n {
		j := int(cur[words-16] & mask) // Integerify: the last 64-byte sub-block's first word
		vj := v[j*words : (j+1)*words]
		for k := range cur {
			cur[k] ^= vj[k]
		}
		blockMix(cur, next, words)
		cur, next = next, cur
	}
	for i, w := range cur {
		binary.LittleEndian.PutUint32(b[4*i:], w)
	}
}

// blockMix is scrypt's BlockMix with Salsa20/8 over the 2r sub-blocks of
// 16 words in in, written to out: even sub-blocks' results first, then
// odd ones'.
func blockMix(in, out []uint32, words int) {
	var t [16]uint32
	copy(t[:], in[words-16:])
	half := words / 2
	for i := 0; i < words/16; i++ {
		for k := range 16 {
			t[k] ^= in[i*16+k]
		}
		salsa208(&t)
		dst := (i/2)*16 + (i%2)*half
		copy(out[dst:dst+16], t[:])
	}
}

// salsa208 replaces b with the Salsa20/8 core of b.
func salsa208(b *[16]uint32) {
	x := *b
	for range 4 { // four double rounds: eight rounds
		// columns
		x[4] ^= bits.RotateLeft32(x[0]+x[12], 7)
		x[8] ^= bits.RotateLeft32(x[4]+x[0], 9)
		x[12] ^= bits.RotateLeft32(x[8]+x[4], 13)
		x[0] ^= bits.RotateLeft32(x[12]+x[8], 18)
		x[9] ^= bits.RotateLeft32(x[5]+x[1], 7)
		x[13] ^= bits.RotateLeft32(x[9]+x[5], 9)
		x[1] ^= bits.RotateLeft32(x[13]+x[9], 13)
		x[5] ^= bits.RotateLeft32(x[1]+x[13], 18)
		x[14] ^= bits.RotateLeft32(x[10]+x[6], 7)
		x[2] ^= bits.RotateLeft32(x[14]+x[10], 9)
		x[6] ^= bits.RotateLeft32(x[2]+x[14], 13)
		x[10] ^= bits.RotateLeft32(x[6]+x[2], 18)
		x[3] ^= bits.RotateLeft32(x[15]+x[11], 7)
		x[7] ^= bits.RotateLeft32(x[3]+x[15], 9)
		x[11] ^= bits.RotateLeft32(x[7]+x[3], 13)
		x[15] ^= bits.RotateLeft32(x[11]+x[7], 18)
		// rows
		x[1] ^= bits.RotateLeft32(x[0]+x[3], 7)
		x[2] ^= bits.RotateLeft32(x[1]+x[0], 9)
		x[3] ^= bits.RotateLeft32(x[2]+x[1], 13)
		x[0] ^= bits.RotateLeft32(x[3]+x[2], 18)
		x[6] ^= bits.RotateLeft32(x[5]+x[4], 7)
		x[7] ^= bits.RotateLeft32(x[6]+x[5], 9)
		x[4] ^= bits.RotateLeft32(x[7]+x[6], 13)
		x[5] ^= bits.RotateLeft32(x[4]+x[7], 18)
		x[11] ^= bits.RotateLeft32(x[10]+x[9], 7)
		x[8] ^= bits.RotateLeft32(x[11]+x[10], 9)
		x[9] ^= bits.RotateLeft32(x[8]+x[11], 13)
		x[10] ^= bits.RotateLeft32(x[9]+x[8], 18)
		x[12] ^= bits.RotateLeft32(x[15]+x[14], 7)
		x[13] ^= bits.RotateLeft32(x[12]+x[15], 9)
		x[14] ^= bits.RotateLeft32(x[13]+x[12], 13)
		x[15] ^= bits.RotateLeft32(x[14]+x[13], 18)
	}
	for i := range b {
		b[i] += x[i]
	}
}
