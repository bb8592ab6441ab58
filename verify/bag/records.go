package bag

import (
	"cmp"
	"encoding/hex"
	"hash/fnv"
	"slices"
	"sort"
	"strings"
)

// A manifest is held compactly, because an attacker's manifest may list
// millions of paths that are not in the bag: one record per listed path,
// sorted by path, with the checksums as bytes in one slice. No map or
// string is kept per line except the path itself, so a manifest costs
// about 50 bytes a line plus its paths, and paths that several manifests
// list are kept once.

// manifest is one parsed manifest-ALG.txt or tagmanifest-ALG.txt.
type manifest struct {
	name  string
	alg   string
	known bool // the algorithm is one bagdigest computes
	size  int  // bytes of one checksum in sums
	recs  []record
	sums  []byte            // the checksum of recs[i] at recs[i].sum*size
	raw   map[string]string // path → as written, when that differs
}

// record is one listed path.
type record struct {
	path     string
	line     uint32 // where it is listed (the first line, for a path listed twice)
	sum      uint32 // index of its checksum in sums
	conflict bool   // listed twice with different checksums
}

// checksum is the size of a checksum kept for an algorithm this verifier
// cannot compute: its hex is only compared, so a 64-bit hash of it does.
const unknownSumSize = 8

// putSum appends the checksum written as hex (already checked) and returns
// its index.
func (m *manifest) putSum(hexSum []byte) uint32 {
	i := uint32(len(m.sums) / m.size)
	if !m.known {
		h := fnv.New64a()
		h.Write(lowerHex(hexSum))
		m.sums = h.Sum(m.sums)
		return i
	}
	m.sums = m.sums[:len(m.sums)+m.size]
	hex.Decode(m.sums[len(m.sums)-m.size:], hexSum) // valid hex of the right length
	return i
}

// lowerHex lowercases hex digits in place.
func lowerHex(b []byte) []byte {
	for i, c := range b {
		if c >= 'A' && c <= 'F' {
			b[i] = c | 0x20
		}
	}
	return b
}

func (m *manifest) sumBytes(r record) []byte {
	return m.sums[int(r.sum)*m.size : int(r.sum+1)*m.size]
}

// digest returns the checksum of r in lowercase hex ("" for an algorithm
// this verifier cannot compute, whose checksums are not kept).
func (m *manifest) digest(r record) string {
	if !m.known {
		return ""
	}
	return hex.EncodeToString(m.sumBytes(r))
}

// find returns the record of path p.
func (m *manifest) find(p string) (record, bool) {
	i, ok := slices.BinarySearchFunc(m.recs, p, func(r record, p string) int { return strings.Compare(r.path, p) })
	if !ok {
		return record{}, false
	}
	return m.recs[i], true
}

// dupe is a path listed twice in one manifest: the later line and whether
// its checksum differs from the first.
type dupe struct {
	first, later record
	differs      bool
}

// sortRecords sorts the records by path and merges each path listed more
// than once into its first record, returning the repeats in line order.
func (m *manifest) sortRecords() []dupe {
	slices.SortFunc(m.recs, func(a, b record) int {
		return cmp.Or(strings.Compare(a.path, b.path), cmp.Compare(a.line, b.line))
	})
	var dupes []dupe
	out := m.recs[:0]
	for _, r := range m.recs {
		if n := len(out); n > 0 && out[n-1].path == r.path {
			d := dupe{first: out[n-1], later: r, differs: string(m.sumBytes(out[n-1])) != string(m.sumBytes(r))}
			if d.differs {
				out[n-1].conflict = true
			}
			dupes = append(dupes, d)
			continue
		}
		out = append(out, r)
	}
	clear(m.recs[len(out):]) // let the repeats' strings go
	m.recs = out
	sort.Slice(dupes, func(i, j int) bool { return dupes[i].later.line < dupes[j].later.line })
	return dupes
}

// want is one path the manifests list.
type want struct {
	path string // in the bag, decoded
	disk string // the file it was matched to, or ""
}

// collect merges the manifests' sorted paths into one sorted list of wants.
// A path listed in several manifests is kept once: the later manifests'
// records are made to share the first one's string.
func collect(ms []*manifest) []want {
	if len(ms) == 0 {
		return nil
	}
	out := make([]want, len(ms[0].recs))
	for i, r := range ms[0].recs {
		out[i].path = r.path
	}
	for _, m := range ms[1:] {
		merged := make([]want, 0, max(len(out), len(m.recs)))
		i := 0
		for j := range m.recs {
			p := m.recs[j].path
			for i < len(out) && out[i].path < p {
				merged = append(merged, out[i])
				i++
			}
			if i < len(out) && out[i].path == p {
				m.recs[j].path = out[i].path
				merged = append(merged, out[i])
				i++
				continue
			}
			merged = append(merged, want{path: p})
		}
		out = append(merged, out[i:]...)
	}
	return out
}

// findWant returns the want for path p in the sorted ws, or nil.
func findWant(ws []want, p string) *want {
	i, ok := slices.BinarySearchFunc(ws, p, func(w want, p string) int { return strings.Compare(w.path, p) })
	if !ok {
		return nil
	}
	return &ws[i]
}

// digestsOf returns what the manifests ms say about path p: algorithm →
// lowercase hex, leaving out checksums a manifest gives twice differently.
func digestsOf(ms []*manifest, p string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		if r, ok := m.find(p); ok && !r.conflict {
			out[m.alg] = m.digest(r)
		}
	}
	return out
}

// rawOf returns p as the first manifest that spells it otherwise writes
// it, or "".
func rawOf(ms []*manifest, p string) string {
	for _, m := range ms {
		if r, ok := m.raw[p]; ok {
			return r
		}
	}
	return ""
}
