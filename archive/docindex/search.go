package docindex

import (
	"bytes"
	"cmp"
	"encoding/hex"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Query is what a search asks for. Every word of Text must appear in a
// row's names, sources, tags or kind (any case), or begin its ID (hex);
// Kind, Tag and Source, when set, must match exactly.
type Query struct {
	Text   string
	Kind   string
	Tag    string
	Source string
	Sort   Column
	Desc   bool
}

// Column is an order of the rows.
type Column int

// The orders a search can return. ByArchive is the order the rows were
// added in (the archive's own, by ID).
const (
	ByArchive Column = iota
	ByName
	ByKind
	BySize
	ByImported
	BySource
)

// parallelFrom is the row count from which a search splits its scan over
// the cores.
var parallelFrom = 1 << 16

// Search returns the rows that match q, in q's order.
func (v *View) Search(q Query) []int32 {
	terms := strings.Fields(strings.ToLower(q.Text))
	filtered := len(terms) > 0 || q.Kind != "" || q.Tag != "" || q.Source != ""
	var match []uint64
	if filtered {
		match = v.match(terms, q)
	}
	order := v.Order(q.Sort)
	var out []int32
	switch {
	case !filtered && order == nil:
		out = make([]int32, v.n)
		for i := range out {
			out[i] = int32(i)
		}
	case !filtered:
		out = append([]int32(nil), order...)
	case order == nil:
		n := 0
		for _, w := range match {
			n += bits.OnesCount64(w)
		}
		out = make([]int32, 0, n)
		for k, w := range match {
			for w != 0 {
				out = append(out, int32(k*64+bits.TrailingZeros64(w)))
				w &= w - 1
			}
		}
	default:
		n := 0
		for _, w := range match {
			n += bits.OnesCount64(w)
		}
		out = make([]int32, 0, n)
		if n < v.n/16 {
			// Few rows: sorted by their places in the order, instead of
			// a walk through all of it.
			rank := v.rank(q.Sort)
			for k, w := range match {
				for w != 0 {
					out = append(out, int32(k*64+bits.TrailingZeros64(w)))
					w &= w - 1
				}
			}
			slices.SortFunc(out, func(a, b int32) int { return cmp.Compare(rank[a], rank[b]) })
			break
		}
		for _, i := range order {
			if match[i>>6]&(1<<(i&63)) != 0 {
				out = append(out, i)
			}
		}
	}
	if q.Desc {
		for a, b := 0, len(out)-1; a < b; a, b = a+1, b-1 {
			out[a], out[b] = out[b], out[a]
		}
	}
	return out
}

// match returns a bitmap of the rows that match, scanning ranges of rows
// (multiples of 64, so no two share a word) on all cores.
func (v *View) match(terms []string, q Query) []uint64 {
	m := &matcher{v: v, terms: terms, kind: -1, tag: -1, source: -1}
	for k, s := range v.kinds {
		if s == q.Kind {
			m.kind = k
		}
	}
	if q.Kind != "" && m.kind < 0 {
		m.none = true
	}
	for _, f := range []struct {
		want string
		to   *int
	}{{q.Tag, &m.tag}, {q.Source, &m.source}} {
		if f.want == "" {
			continue
		}
		prefix := "t"
		if f.to == &m.source {
			prefix = "s"
		}
		if n, ok := v.labNum[prefix+f.want]; ok {
			*f.to = int(n)
		} else {
			m.none = true
		}
	}
	for _, t := range terms {
		m.idPrefix = append(m.idPrefix, parseHexPrefix(t))
	}
	out := make([]uint64, (v.n+63)/64)
	if m.none {
		return out
	}
	parts := 1
	if v.n >= parallelFrom {
		parts = runtime.GOMAXPROCS(0)
	}
	per := ((v.n/parts + 63) / 64) * 64
	var wg sync.WaitGroup
	for lo := 0; lo < v.n; lo += per {
		hi := min(lo+per, v.n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.rows(int32(lo), int32(hi), out)
		}()
	}
	wg.Wait()
	return out
}

type matcher struct {
	v                 *View
	terms             []string
	idPrefix          []hexPrefix
	kind, tag, source int // -1: any
	none              bool
}

// rows sets the bits of the matching rows in [lo, hi).
func (m *matcher) rows(lo, hi int32, out []uint64) {
	ix := m.v.ix
	set := func(i int32) { out[i>>6] |= 1 << (i & 63) }
	if len(m.terms) == 0 {
		for i := lo; i < hi; i++ {
			if m.filters(i) {
				set(i)
			}
		}
		return
	}
	// The first word: bytes.Index over the text of the whole range finds
	// the next row that holds it, skipping those between.
	t := []byte(m.terms[0])
	base := start(ix.hayEnd, lo)
	hay := ix.hay[base:ix.hayEnd[hi-1]]
	row := lo
	for at := 0; at < len(hay); {
		k := bytes.Index(hay[at:], t)
		if k < 0 {
			break
		}
		p := uint32(at+k) + base
		for ix.hayEnd[row] <= p {
			row++
		}
		set(row)
		at = int(ix.hayEnd[row] - base)
	}
	if p := m.idPrefix[0]; p.ok {
		for i := lo; i < hi; i++ {
			if p.matches(&ix.ids[i]) {
				set(i)
			}
		}
	}
	// The other words and the filters, on the rows found.
	for w := lo >> 6; w <= (hi-1)>>6; w++ {
		word := out[w]
		for word != 0 {
			i := w<<6 + int32(bits.TrailingZeros64(word))
			word &= word - 1
			if !m.filters(i) || !m.rest(i) {
				out[i>>6] &^= 1 << (i & 63)
			}
		}
	}
}

func (m *matcher) filters(i int32) bool {
	ix := m.v.ix
	if m.kind >= 0 && int(ix.kind[i]) != m.kind {
		return false
	}
	for _, l := range [2]int{m.tag, m.source} {
		if l < 0 {
			continue
		}
		found := false
		for _, x := range ix.labels[start(ix.labelEnd, i):ix.labelEnd[i]] {
			if int(x) == l {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// rest reports whether row i holds every word but the first.
func (m *matcher) rest(i int32) bool {
	ix := m.v.ix
	text := ix.hay[start(ix.hayEnd, i):ix.hayEnd[i]]
	for k, t := range m.terms[1:] {
		if bytes.Contains(text, []byte(t)) {
			continue
		}
		if p := m.idPrefix[k+1]; p.ok && p.matches(&ix.ids[i]) {
			continue
		}
		return false
	}
	return true
}

// hexPrefix is a search word read as the beginning of an ID.
type hexPrefix struct {
	ok     bool
	whole  []byte // whole bytes
	nibble byte   // a last half byte, when odd is set
	odd    bool
}

func parseHexPrefix(t string) hexPrefix {
	if len(t) > 64 {
		return hexPrefix{}
	}
	even := t[:len(t)&^1]
	b, err := hex.DecodeString(even)
	if err != nil {
		return hexPrefix{}
	}
	p := hexPrefix{ok: true, whole: b}
	if len(t)%2 == 1 {
		n, err := hex.DecodeString(t[len(t)-1:] + "0")
		if err != nil {
			return hexPrefix{}
		}
		p.nibble, p.odd = n[0], true
	}
	return p
}

func (p hexPrefix) matches(id *[32]byte) bool {
	if !bytes.HasPrefix(id[:], p.whole) {
		return false
	}
	return !p.odd || id[len(p.whole)]&0xf0 == p.nibble
}
