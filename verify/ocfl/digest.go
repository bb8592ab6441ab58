package ocfl

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha512"
	"hash"
	"hash/crc32"

	sha256 "github.com/minio/sha256-simd"
	"golang.org/x/crypto/blake2b"
)

// digestAlg is one algorithm an inventory may name: the two of the
// manifest (sha512, sha256), the fixity vocabulary of the specification
// (md5, sha1, sha256, sha512, blake2b-512) and those of the registered
// extension 0001-digest-algorithms.
type digestAlg struct {
	newHash func() hash.Hash
	hexLen  int
}

func blake(size int) func() hash.Hash {
	return func() hash.Hash {
		h, _ := blake2b.New(size, nil) // an unkeyed size 1..64 never fails
		return h
	}
}

var digestAlgs = map[string]digestAlg{
	"md5":         {md5.New, 32},
	"sha1":        {sha1.New, 40},
	"sha256":      {sha256.New, 64},
	"sha512":      {sha512.New, 128},
	"blake2b-512": {blake(64), 128},
	"blake2b-160": {blake(20), 40},
	"blake2b-256": {blake(32), 64},
	"blake2b-384": {blake(48), 96},
	"sha512/256":  {sha512.New512_256, 64},
	"crc32":       {func() hash.Hash { return crc32.NewIEEE() }, 8},
	"size":        {nil, 0}, // a file size in bytes: known, not a digest to compute
}

// manifestAlg reports whether name may be an inventory's digestAlgorithm.
func manifestAlg(name string) bool { return name == "sha512" || name == "sha256" }
