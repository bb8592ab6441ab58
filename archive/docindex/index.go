// Package docindex is the list of documents a window searches and sorts:
// a compact copy of what the list shows of every record, built as the
// records are read and searched and sorted without going back to them.
//
// Why a package of its own, and why this shape: holding every
// *catalog.Record of an archive cost ~5 KB per document (a million
// documents: gigabytes), and searching them meant building a lower-cased
// string per document. Here a document is a row of fixed columns (ID,
// size, time, interned type and source) plus its lower-cased search text
// and its shown name in two shared byte arenas, ~150 bytes for a
// document with one name. A search scans the text arena with
// bytes.Index, which skips whole runs of documents that cannot match,
// and a sort is a permutation built once per column and reused by every
// search. Nothing here knows about the window toolkit, so it is tested
// and benchmarked headless (a million rows in CI).
//
// An Index only grows (Add); rows already added never change, so a
// search may run on one goroutine while another adds rows, as long as
// the caller hands over the index between the two (View).
package docindex

import (
	"strings"
	"sync"
	"time"

	"github.com/custody-app/custody/archive/catalog"
)

// Index holds the rows. Add appends; View returns a read-only snapshot.
type Index struct {
	kindOf func(mediaType string) string

	ids      [][32]byte
	size     []int64
	imported []int64  // Unix nanoseconds
	kind     []uint16 // into kinds
	source   []uint32 // the record's own source, into strs
	derived  []uint32 // the record's Kind (a derived document), into strs
	hay      []byte   // lower-cased search text of every row, one after the other
	hayEnd   []uint32 // end of row i's text in hay
	name     []byte   // shown first name of every row
	nameEnd  []uint32
	labels   []uint32 // tags and name sources of every row, as label numbers
	labelEnd []uint32
	bytes    int64

	kinds   []string
	kindNum map[string]uint16
	strs    []string // interned sources and derived kinds; 0 is ""
	strNum  map[string]uint32
	labNum  map[string]uint32 // "t"+tag or "s"+source → label number
	tags    map[string]bool
	sources map[string]bool
}

// New returns an empty index; kindOf names a media type's kind as the
// list shows it (and the type filter asks for it).
func New(kindOf func(mediaType string) string) *Index {
	if kindOf == nil {
		kindOf = func(mt string) string { return mt }
	}
	return &Index{kindOf: kindOf, kindNum: map[string]uint16{}, strs: []string{""},
		strNum: map[string]uint32{"": 0}, labNum: map[string]uint32{}, tags: map[string]bool{}, sources: map[string]bool{}}
}

// Add appends one row made from r. It must not run at the same time as
// another Add, nor as View.
func (ix *Index) Add(r *catalog.Record) {
	ix.ids = append(ix.ids, r.Sum())
	ix.size = append(ix.size, r.Size)
	ix.imported = append(ix.imported, r.Imported.UnixNano())
	ix.bytes += r.Size
	k := ix.kindOf(r.MediaType)
	kn, ok := ix.kindNum[k]
	if !ok {
		kn = uint16(len(ix.kinds))
		ix.kinds = append(ix.kinds, k)
		ix.kindNum[k] = kn
	}
	ix.kind = append(ix.kind, kn)
	ix.source = append(ix.source, ix.intern(r.Source))
	ix.derived = append(ix.derived, ix.intern(r.Kind))
	if r.Source != "" {
		ix.sources[r.Source] = true
	}

	h := ix.hay
	for _, n := range r.Names {
		h = appendLower(h, n.Path)
		h = append(h, '\n')
		if n.Source != "" {
			h = appendLower(h, n.Source)
			h = append(h, '\n')
			ix.sources[n.Source] = true
			ix.labels = append(ix.labels, ix.label("s"+n.Source))
		}
	}
	if r.Source != "" {
		ix.labels = append(ix.labels, ix.label("s"+r.Source))
	}
	for _, t := range r.Tags {
		h = appendLower(h, t)
		h = append(h, '\n')
		ix.tags[t] = true
		ix.labels = append(ix.labels, ix.label("t"+t))
	}
	h = appendLower(h, r.Kind)
	h = append(h, '\n') // no word runs from one row into the next
	ix.hay = h
	ix.hayEnd = append(ix.hayEnd, uint32(len(h)))
	ix.labelEnd = append(ix.labelEnd, uint32(len(ix.labels)))
	ix.name = append(ix.name, r.ShownName()...)
	ix.nameEnd = append(ix.nameEnd, uint32(len(ix.name)))
}

func (ix *Index) intern(s string) uint32 {
	n, ok := ix.strNum[s]
	if !ok {
		n = uint32(len(ix.strs))
		ix.strs = append(ix.strs, s)
		ix.strNum[s] = n
	}
	return n
}

func (ix *Index) label(s string) uint32 {
	n, ok := ix.labNum[s]
	if !ok {
		n = uint32(len(ix.labNum))
		ix.labNum[s] = n
	}
	return n
}

// appendLower appends s lower-cased; ASCII is done byte by byte, the rest
// through strings.ToLower.
func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return append(b[:len(b)-i], strings.ToLower(s)...)
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// Len is the number of rows added.
func (ix *Index) Len() int { return len(ix.ids) }

// View is a read-only snapshot of an index: the rows added before it was
// taken. Views are safe for concurrent use, and stay valid while the
// index grows (Add never writes within a view's length).
type View struct {
	ix      *Index
	n       int
	hayLen  int
	tags    []string
	sources []string
	kinds   []string
	strs    []string
	labNum  map[string]uint32
	bytes   int64

	mu     sync.Mutex
	orders map[int][]int32
	ranks  map[int][]int32
}

// View returns a snapshot of the rows added so far.
func (ix *Index) View() *View {
	// The view keeps its own copy of the slices' headers: Add may
	// replace the index's own while the view is read elsewhere.
	cols := *ix
	v := &View{ix: &cols, n: len(ix.ids), hayLen: len(ix.hay), tags: sortedKeys(ix.tags), sources: sortedKeys(ix.sources),
		kinds: ix.kinds[:len(ix.kinds):len(ix.kinds)], strs: ix.strs[:len(ix.strs):len(ix.strs)],
		labNum: make(map[string]uint32, len(ix.labNum)), bytes: ix.bytes, orders: map[int][]int32{}, ranks: map[int][]int32{}}
	for k, n := range ix.labNum {
		v.labNum[k] = n
	}
	return v
}

// Len is the number of rows.
func (v *View) Len() int { return v.n }

// Bytes is the documents' total size.
func (v *View) Bytes() int64 { return v.bytes }

// Tags returns every tag used, sorted.
func (v *View) Tags() []string { return v.tags }

// Sources returns every source used (the records' and their names'),
// sorted.
func (v *View) Sources() []string { return v.sources }

// ID returns row i's document ID.
func (v *View) ID(i int32) [32]byte { return v.ix.ids[i] }

// Size returns row i's size in bytes.
func (v *View) Size(i int32) int64 { return v.ix.size[i] }

// Imported returns when row i's document was first imported.
func (v *View) Imported(i int32) time.Time { return time.Unix(0, v.ix.imported[i]).UTC() }

// Kind returns row i's kind (kindOf of its media type).
func (v *View) Kind(i int32) string { return v.kinds[v.ix.kind[i]] }

// Source returns row i's record source ("" for none).
func (v *View) Source(i int32) string { return v.strs[v.ix.source[i]] }

// Derived returns row i's record kind (set for a derived document).
func (v *View) Derived(i int32) string { return v.strs[v.ix.derived[i]] }

// Name returns row i's first name as a person reads it (quote.Safe), or
// "" when it has none.
func (v *View) Name(i int32) string {
	return string(v.ix.name[start(v.ix.nameEnd, i):v.ix.nameEnd[i]])
}

// HasTag reports whether row i carries tag t.
func (v *View) HasTag(i int32, t string) bool { return v.hasLabel(i, "t"+t) }

func (v *View) hasLabel(i int32, l string) bool {
	n, ok := v.labNum[l]
	if !ok {
		return false
	}
	for _, x := range v.ix.labels[start(v.ix.labelEnd, i):v.ix.labelEnd[i]] {
		if x == n {
			return true
		}
	}
	return false
}

func start(ends []uint32, i int32) uint32 {
	if i == 0 {
		return 0
	}
	return ends[i-1]
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}
