// Package prooffile checks a proof file for both front ends (Check): it
// reads the files a proof check is given, proofs and checkpoints with a
// size cap (they come from strangers), documents streamed through SHA-256
// (they can be any size), and checks the proof with archive/provenance,
// which links no store: a recipient needs no archive.
package prooffile

import (
	"fmt"
	"io"
	"os"

	sha256 "github.com/minio/sha256-simd"
)

// ReadLimited reads a whole file of at most limit bytes.
func ReadLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes; not a file this reads", path, limit)
	}
	return b, nil
}

// SHA256 streams a file through SHA-256.
func SHA256(path string) ([32]byte, error) {
	var sum [32]byte
	f, err := os.Open(path)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, err
	}
	h.Sum(sum[:0])
	return sum, nil
}
