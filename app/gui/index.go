package gui

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"github.com/custody-app/custody/archive/catalog"
)

// docIndex is the document list held in memory for the table: the
// records, loaded once, and for each a lower-cased text to search (every
// name, source, tag, note and the ID). It is never changed after it is
// built; a change to the archive builds a new one.
type docIndex struct {
	recs    []*catalog.Record
	hay     []string
	kinds   []string // typeName of each record
	bytes   int64    // total size
	tags    []string // every tag used, sorted
	sources []string // every source label used, sorted

	mu     sync.Mutex
	orders map[int][]int32 // sort column → record order, built on demand
}

func buildIndex(recs []*catalog.Record) *docIndex {
	ix := &docIndex{recs: recs, hay: make([]string, len(recs)), kinds: make([]string, len(recs)),
		orders: map[int][]int32{}}
	tags, sources := map[string]bool{}, map[string]bool{}
	var b strings.Builder
	for i, r := range recs {
		b.Reset()
		for _, n := range r.Names {
			b.WriteString(n.Path)
			b.WriteByte('\n')
			if n.Source != "" {
				b.WriteString(n.Source)
				b.WriteByte('\n')
				sources[n.Source] = true
			}
		}
		for _, t := range r.Tags {
			b.WriteString(t)
			b.WriteByte('\n')
			tags[t] = true
		}
		if r.Source != "" {
			sources[r.Source] = true
		}
		b.WriteString(r.Kind)
		b.WriteByte('\n')
		b.WriteString(r.ID)
		ix.hay[i] = strings.ToLower(b.String())
		ix.kinds[i] = typeName(r.MediaType)
		ix.bytes += r.Size
	}
	ix.tags = sortedKeys(tags)
	ix.sources = sortedKeys(sources)
	return ix
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// query is what the search row asks for.
type query struct {
	text   string // words that must all appear (name, ID prefix, tag, source, note)
	kind   string // a typeName, or "" for any
	tag    string // "" for any
	source string // "" for any
	sort   int    // a column (colName…); colID is the archive's own order
	desc   bool
}

// Table columns.
const (
	colMark = iota
	colName
	colType
	colSize
	colImported
	colSource
	colID
	numCols
)

// filter returns the indexes of the records that match q, in q's order.
func (ix *docIndex) filter(q query) []int32 {
	terms := strings.Fields(strings.ToLower(q.text))
	order := ix.order(q.sort)
	out := make([]int32, 0, min(len(order), 1024))
	for _, i := range order {
		if q.kind != "" && ix.kinds[i] != q.kind {
			continue
		}
		r := ix.recs[i]
		if q.tag != "" && !slices.Contains(r.Tags, q.tag) {
			continue
		}
		if q.source != "" && !hasSource(r, q.source) {
			continue
		}
		ok := true
		for _, t := range terms {
			if !strings.Contains(ix.hay[i], t) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, i)
		}
	}
	if q.desc {
		slices.Reverse(out)
	}
	return out
}

func hasSource(r *catalog.Record, s string) bool {
	if r.Source == s {
		return true
	}
	for _, n := range r.Names {
		if n.Source == s {
			return true
		}
	}
	return false
}

// order returns every record's index sorted by column col (ascending),
// computed once per column.
func (ix *docIndex) order(col int) []int32 {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if o, ok := ix.orders[col]; ok {
		return o
	}
	o := make([]int32, len(ix.recs))
	for i := range o {
		o[i] = int32(i)
	}
	var key func(a, b int32) int
	switch col {
	case colName:
		lower := make([]string, len(ix.recs))
		for i, r := range ix.recs {
			lower[i] = strings.ToLower(r.FirstName())
		}
		key = func(a, b int32) int { return cmp.Compare(lower[a], lower[b]) }
	case colType:
		key = func(a, b int32) int { return cmp.Compare(ix.kinds[a], ix.kinds[b]) }
	case colSize:
		key = func(a, b int32) int { return cmp.Compare(ix.recs[a].Size, ix.recs[b].Size) }
	case colImported:
		key = func(a, b int32) int { return ix.recs[a].Imported.Compare(ix.recs[b].Imported) }
	case colSource:
		key = func(a, b int32) int { return cmp.Compare(ix.recs[a].Source, ix.recs[b].Source) }
	}
	if key != nil {
		slices.SortStableFunc(o, key)
	}
	ix.orders[col] = o
	return o
}
