package docindex

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"slices"
	"sync"
)

// Order returns every row sorted by col, ascending, rows of equal keys in
// the order they were added; nil for ByArchive. It is computed once per
// column and view (a million names take a few hundred milliseconds), so
// rank returns each row's place in Order(col).
func (v *View) rank(col Column) []int32 {
	order := v.Order(col)
	v.mu.Lock()
	defer v.mu.Unlock()
	if r, ok := v.ranks[int(col)]; ok {
		return r
	}
	r := make([]int32, v.n)
	for k, i := range order {
		r[i] = int32(k)
	}
	v.ranks[int(col)] = r
	return r
}

// Prepare computes them ahead.
func (v *View) Order(col Column) []int32 {
	if col == ByArchive || col < 0 || col > BySource {
		return nil
	}
	v.mu.Lock()
	o, ok := v.orders[int(col)]
	v.mu.Unlock()
	if ok {
		return o
	}
	o = v.sortBy(col)
	v.mu.Lock()
	v.orders[int(col)] = o
	v.mu.Unlock()
	return o
}

// Prepare computes every column's order (and each row's place in it), on
// all cores, so that the first sort by any column only reads one.
func (v *View) Prepare() {
	var wg sync.WaitGroup
	for c := ByName; c <= BySource; c++ {
		wg.Add(1)
		go func() { defer wg.Done(); v.rank(c) }()
	}
	wg.Wait()
}

func (v *View) sortBy(col Column) []int32 {
	ix := v.ix
	switch col {
	case ByKind:
		return v.byRank(v.kinds, func(i int) int { return int(ix.kind[i]) })
	case BySource:
		return v.byRank(v.strs, func(i int) int { return int(ix.source[i]) })
	case BySize:
		return sortKeys(ix.size[:v.n])
	case ByImported:
		return sortKeys(ix.imported[:v.n])
	}
	return v.byName()
}

// byRank orders rows by a small set of values: a counting sort by each
// value's rank among them, which keeps equal rows in order.
func (v *View) byRank(values []string, of func(i int) int) []int32 {
	rank := make([]int, len(values))
	sorted := make([]int, len(values))
	for k := range sorted {
		sorted[k] = k
	}
	slices.SortStableFunc(sorted, func(a, b int) int { return cmp.Compare(values[a], values[b]) })
	for r, k := range sorted {
		rank[k] = r
	}
	next := make([]int, len(values)+1)
	for i := range v.n {
		next[rank[of(i)]+1]++
	}
	for r := 1; r < len(next); r++ {
		next[r] += next[r-1]
	}
	out := make([]int32, v.n)
	for i := range v.n {
		r := rank[of(i)]
		out[next[r]] = int32(i)
		next[r]++
	}
	return out
}

func sortKeys(keys []int64) []int32 {
	type kv struct {
		k int64
		i int32
	}
	tmp := make([]kv, len(keys))
	for i, k := range keys {
		tmp[i] = kv{k, int32(i)}
	}
	slices.SortFunc(tmp, func(a, b kv) int {
		if c := cmp.Compare(a.k, b.k); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	out := make([]int32, len(keys))
	for k, e := range tmp {
		out[k] = e.i
	}
	return out
}

// byName orders rows by their shown first name, any case: the first
// eight lower-cased bytes as a number decide most comparisons.
func (v *View) byName() []int32 {
	ix := v.ix
	lower := make([]byte, 0, len(ix.name))
	ends := make([]uint32, v.n)
	type kv struct {
		k uint64
		i int32
	}
	tmp := make([]kv, v.n)
	for i := range v.n {
		from := len(lower)
		lower = appendLower(lower, v.Name(int32(i)))
		ends[i] = uint32(len(lower))
		var pre [8]byte
		copy(pre[:], lower[from:])
		tmp[i] = kv{binary.BigEndian.Uint64(pre[:]), int32(i)}
	}
	text := func(i int32) []byte { return lower[start(ends, i):ends[i]] }
	slices.SortFunc(tmp, func(a, b kv) int {
		if c := cmp.Compare(a.k, b.k); c != 0 {
			return c
		}
		if c := bytes.Compare(text(a.i), text(b.i)); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	out := make([]int32, v.n)
	for k, e := range tmp {
		out[k] = e.i
	}
	return out
}

func sortStrings(s []string) { slices.Sort(s) }
