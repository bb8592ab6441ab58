package gui

import (
	"encoding/hex"

	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/docindex"
)

// The document list's data is a docindex.View: a compact copy of what
// the table shows of each record (archive/docindex), searched and sorted
// without the records. A record is read from the archive only when a row
// is opened, marked for derive, or exported.

// newIndex returns an empty index whose type column speaks typeName.
func newIndex() *docindex.Index { return docindex.New(typeName) }

// buildIndex returns a view of recs (an empty one for none).
func buildIndex(recs []*catalog.Record) *docindex.View {
	ix := newIndex()
	for _, r := range recs {
		ix.Add(r)
	}
	return ix.View()
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

// sortColumn is the index's order for each table column.
var sortColumn = [numCols]docindex.Column{colName: docindex.ByName, colType: docindex.ByKind, colSize: docindex.BySize,
	colImported: docindex.ByImported, colSource: docindex.BySource, colID: docindex.ByArchive}

func (q query) index() docindex.Query {
	return docindex.Query{Text: q.text, Kind: q.kind, Tag: q.tag, Source: q.source, Sort: sortColumn[q.sort], Desc: q.desc}
}

// hexID is a row's ID as records spell it.
func hexID(ix *docindex.View, i int32) string {
	id := ix.ID(i)
	return hex.EncodeToString(id[:])
}
