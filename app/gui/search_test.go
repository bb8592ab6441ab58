package gui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/catalog"
)

func rec(id, name, mt, source string, size int64, tags ...string) *catalog.Record {
	return &catalog.Record{ID: id + strings.Repeat("0", 64-len(id)), Size: size, MediaType: mt, Source: source,
		Names: []catalog.Name{{Path: name, Source: source}}, Tags: tags, Imported: time.Unix(size, 0)}
}

func TestIndexFilter(t *testing.T) {
	recs := []*catalog.Record{
		rec("a1", "leak/mail/Minutes.eml", "message/rfc822", "USB stick", 300, "board"),
		rec("b2", "leak/chat/log.txt", "text/plain; charset=utf-8", "USB stick", 100),
		rec("c3", "scans/page1.png", "image/png", "Post", 200, "board", "scan"),
		rec("d4", "leak/mail/budget.eml", "message/rfc822", "Post", 50),
	}
	ix := buildIndex(recs)
	names := func(q query) []string {
		var out []string
		for _, i := range ix.Search(q.index()) {
			out = append(out, recs[i].FirstName())
		}
		return out
	}
	for _, tc := range []struct {
		name string
		q    query
		want []string
	}{
		{"everything in ID order", query{sort: colID}, []string{"leak/mail/Minutes.eml", "leak/chat/log.txt", "scans/page1.png", "leak/mail/budget.eml"}},
		{"a word, any case", query{text: "MINUTES", sort: colID}, []string{"leak/mail/Minutes.eml"}},
		{"every word must match", query{text: "leak eml", sort: colID}, []string{"leak/mail/Minutes.eml", "leak/mail/budget.eml"}},
		{"ID prefix", query{text: "C3000000", sort: colID}, []string{"scans/page1.png"}},
		{"a tag typed", query{text: "scan", sort: colID}, []string{"scans/page1.png"}},
		{"a source typed", query{text: "usb", sort: colID}, []string{"leak/mail/Minutes.eml", "leak/chat/log.txt"}},
		{"type filter", query{kind: "Email", sort: colID}, []string{"leak/mail/Minutes.eml", "leak/mail/budget.eml"}},
		{"tag filter", query{tag: "board", sort: colID}, []string{"leak/mail/Minutes.eml", "scans/page1.png"}},
		{"source filter", query{source: "Post", sort: colID}, []string{"scans/page1.png", "leak/mail/budget.eml"}},
		{"sorted by size", query{sort: colSize}, []string{"leak/mail/budget.eml", "leak/chat/log.txt", "scans/page1.png", "leak/mail/Minutes.eml"}},
		{"by name, reversed", query{sort: colName, desc: true}, []string{"scans/page1.png", "leak/mail/Minutes.eml", "leak/mail/budget.eml", "leak/chat/log.txt"}},
		{"nothing", query{text: "zebra", sort: colID}, nil},
	} {
		if got := names(tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
	if !slices.Equal(ix.Tags(), []string{"board", "scan"}) || !slices.Equal(ix.Sources(), []string{"Post", "USB stick"}) {
		t.Errorf("tags %q, sources %q", ix.Tags(), ix.Sources())
	}
	if ix.Bytes() != 650 {
		t.Errorf("total %d bytes", ix.Bytes())
	}
}

func TestSearchNarrowsTheTable(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), demoFiles, "USB stick")
	u := openTestUI(t, dir)
	d := u.main.docs
	if len(d.shown) != 4 {
		t.Fatalf("%d rows shown, want 4", len(d.shown))
	}
	typeIn(d.search, "budget")
	u.wait()
	if len(d.shown) != 1 || d.row(t, 0).FirstName() != "leak/mail/budget.eml" {
		t.Fatalf("search for budget shows %d rows", len(d.shown))
	}
	mustContain(t, "the list", d.info.Text, "1 of 4 documents shown")
	cell := newCell().(*cell)
	d.updateCell(widget.TableCellID{Row: 0, Col: colName}, cell)
	if cell.label.Text != "leak/mail/budget.eml" {
		t.Errorf("first row's name cell says %q", cell.label.Text)
	}
	act(u, func() { d.search.SetText("") })
	act(u, func() { d.kind.SetSelected("Email") })
	if len(d.shown) != 2 {
		t.Errorf("the Email filter shows %d rows, want 2", len(d.shown))
	}
	act(u, func() { d.kind.SetSelected(anyKind) })
	if len(d.shown) != 4 {
		t.Errorf("back to any type: %d rows", len(d.shown))
	}
	// Sorting by a header, then marking.
	act(u, func() { d.sortBy(colName) })
	if first := d.row(t, 0).FirstName(); first != "leak/chat/export.json" {
		t.Errorf("sorted by name, the first row is %s", first)
	}
	act(u, func() { d.table.Select(widget.TableCellID{Row: 0, Col: colMark}) })
	if len(d.marked) != 1 {
		t.Errorf("%d marked after tapping the first box", len(d.marked))
	}
	mustContain(t, "the list", d.info.Text, "1 marked")
	// Tapping a row opens the document.
	act(u, func() { d.table.Select(widget.TableCellID{Row: 1, Col: colName}) })
	if u.main.current != pageDocument || u.main.doc.rec.FirstName() != "leak/chat/log.txt" {
		t.Errorf("tapping a row shows the %s page", u.main.current)
	}
}

func TestIndexGrowsKeepingOlderViews(t *testing.T) {
	recs := synthRecords(5000)
	whole := buildIndex(recs)
	index := newIndex()
	for _, r := range recs[:1000] {
		index.Add(r)
	}
	part := index.View()
	q := query{text: "room-00", sort: colName}.index()
	before := part.Search(q)
	for _, r := range recs[1000:] {
		index.Add(r)
	}
	step := index.View()
	if !slices.Equal(step.Search(q), whole.Search(q)) || step.Bytes() != whole.Bytes() ||
		!slices.Equal(step.Tags(), whole.Tags()) || !slices.Equal(step.Sources(), whole.Sources()) {
		t.Error("an index grown in steps differs from one built at once")
	}
	if after := part.Search(q); !slices.Equal(before, after) || part.Len() != 1000 {
		t.Error("growing an index changed an older view")
	}
}
