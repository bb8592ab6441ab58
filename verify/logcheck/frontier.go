package logcheck

import (
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// frontier recomputes the log's tree from leaf hashes in O(log n) memory.
// It is a tlog.HashReader that keeps only the hashes of the complete
// subtrees the tree of the current size is made of: exactly what
// tlog.StoredHashes needs to add the next leaf and tlog.TreeHash needs for
// the root. All hashing is done by tlog.
type frontier struct {
	size   int64
	hashes map[int64]tlog.Hash // stored-hash index → hash
}

func newFrontier() *frontier { return &frontier{hashes: map[int64]tlog.Hash{}} }

func (f *frontier) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		h, ok := f.hashes[x]
		if !ok {
			return nil, fmt.Errorf("recomputing the tree: hash %d not at hand", x)
		}
		out[i] = h
	}
	return out, nil
}

// add appends the next leaf and returns the hashes that the store should
// hold for it, starting at tlog.StoredHashIndex(0, leaf's index).
func (f *frontier) add(leaf tlog.Hash) ([]tlog.Hash, error) {
	n := f.size
	hs, err := tlog.StoredHashesForRecordHash(n, leaf, f)
	if err != nil {
		return nil, err
	}
	base := tlog.StoredHashIndex(0, n)
	for i, h := range hs {
		f.hashes[base+int64(i)] = h
	}
	f.size++
	keep := subtrees(f.size)
	for x := range f.hashes {
		if !keep[x] {
			delete(f.hashes, x)
		}
	}
	return hs, nil
}

// root is the tree hash at the current size.
func (f *frontier) root() (tlog.Hash, error) { return tlog.TreeHash(f.size, f) }

// subtrees lists the stored-hash indexes of the complete subtrees (largest
// first, per RFC 6962's split at powers of two) of a tree of n leaves.
func subtrees(n int64) map[int64]bool {
	out := map[int64]bool{}
	lo := int64(0)
	for level := 62; level >= 0; level-- {
		if n&(1<<level) != 0 {
			out[tlog.StoredHashIndex(level, lo>>level)] = true
			lo += 1 << level
		}
	}
	return out
}
