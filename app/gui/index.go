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
// name, source, tag, note and the ID). An index is never changed once
// shown: loading more records makes a new one (see extend), so a search
// running on an older one is never disturbed.
type docIndex struct {
	recs    []*catalog.Record
	hay     []string
	kinds   []string // typeName of each record
	bytes   int64    // total size
	tags    []string // every tag used, sorted
	sources []string // every source label used, sorted

	// Used only by the goroutine that loads and extends the index.
	tagSet, sourceSet map[string]bool

	mu     sync.Mutex
	orders map[int][]int32 // sort column → record order, built on demand
}

func buildIndex(recs []*catalog.Record) *docIndex {
	return (&docIndex{tagSet: map[string]bool{}, sourceSet: map[string]bool{}}).extend(recs)
}

// extend returns an index of ix's records followed by more. The new index
// shares ix's arrays (appending never writes within ix's length), so ix
// stays valid for whoever still reads it.
func (ix *docIndex) extend(more []*catalog.Record) *docIndex {
	nx := &docIndex{recs: append(ix.recs, more...), hay: ix.hay, kinds: ix.kinds, bytes: ix.bytes,
		tagSet: ix.tagSet, sourceSet: ix.sourceSet, orders: map[int][]int32{}}
	tags, sources := len(nx.tagSet), len(nx.sourceSet)
	var b strings.Builder
	for _, r := range more {
		b.Reset()
		for _, n := range r.Names {
			b.WriteString(n.Path)
			b.WriteByte('\n')
			if n.Source != "" {
				b.WriteString(n.Source)
				b.WriteByte('\n')
				nx.sourceSet[n.Source] = true
			}
		}
		for _, t := range r.Tags {
			b.WriteString(t)
			b.WriteByte('\n')
			nx.tagSet[t] = true
		}
		if r.Source != "" {
			nx.sourceSet[r.Source] = true
		}
		b.WriteString(r.Kind)
		b.WriteByte('\n')
		b.WriteString(r.ID)
		nx.hay = append(nx.hay, strings.ToLower(b.String()))
		nx.kinds = append(nx.kinds, typeName(r.MediaType))
		nx.bytes += r.Size
	}
	nx.tags, nx.sources = ix.tags, ix.sources
	if len(nx.tagSet) != tags || nx.tags == nil {
		nx.tags = sortedKeys(nx.tagSet)
	}
	if len(nx.sourceSet) != sources || nx.sources == nil {
		nx.sources = sortedKeys(nx.sourceSet)
	}
	return nx
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
	colDKIM
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
