package docindex

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/custody-app/custody/archive/catalog"
)

// record makes a record for document k, named like the small corpus.
func record(k int, src string, tags ...string) *catalog.Record {
	id := sha256.Sum256(fmt.Appendf(nil, "doc %d", k))
	mt := "application/octet-stream"
	if k%3 == 0 {
		mt = "message/rfc822"
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return &catalog.Record{
		ID: fmt.Sprintf("%x", id), Size: int64(1000 + k%7000), MediaType: mt, Source: src,
		Imported: t0.Add(time.Duration(k%1000) * time.Second), Tags: tags,
		Names: []catalog.Name{{Path: fmt.Sprintf("d%04d/F%06d.bin", k%1000, k), Source: src, Time: t0}},
	}
}

func kindOf(mt string) string {
	if mt == "message/rfc822" {
		return "Email"
	}
	return "Other"
}

// naive answers a query the slow way, from the records, for comparison.
func naive(recs []*catalog.Record, q Query) []int32 {
	var out []int32
	for i, r := range recs {
		if q.Kind != "" && kindOf(r.MediaType) != q.Kind || q.Tag != "" && !slices.Contains(r.Tags, q.Tag) {
			continue
		}
		if q.Source != "" && r.Source != q.Source {
			continue
		}
		ok := true
		for _, t := range splitLower(q.Text) {
			text := ""
			for _, n := range r.Names {
				text += lower(n.Path) + "\n" + lower(n.Source) + "\n"
			}
			for _, tg := range r.Tags {
				text += lower(tg) + "\n"
			}
			if !contains(text, t) && !hasPrefix(r.ID, t) {
				ok = false
			}
		}
		if ok {
			out = append(out, int32(i))
		}
	}
	return out
}

func build(recs []*catalog.Record) *View {
	ix := New(kindOf)
	for _, r := range recs {
		ix.Add(r)
	}
	return ix.View()
}

func TestSearchMatchesNaive(t *testing.T) {
	var recs []*catalog.Record
	for k := range 3000 {
		var tags []string
		if k%10 == 0 {
			tags = []string{"Urgent"}
		}
		src := "leak A"
		if k%2 == 1 {
			src = "Leak B"
		}
		recs = append(recs, record(k, src, tags...))
	}
	v := build(recs)
	defer func(n int) { parallelFrom = n }(parallelFrom)
	parallelFrom = 64 // the split scan too, on small ranges
	if v.Len() != 3000 || v.Tags()[0] != "Urgent" || !slices.Equal(v.Sources(), []string{"Leak B", "leak A"}) {
		t.Fatalf("len %d tags %q sources %q", v.Len(), v.Tags(), v.Sources())
	}
	for _, q := range []Query{
		{}, {Text: "f000123"}, {Text: "F000123"}, {Text: "d0012 leak"}, {Text: "leak b"}, {Text: "urgent"},
		{Text: recs[77].ID[:9]}, {Text: recs[77].ID[:10] + " d0077"}, {Text: "nothing-like-this"},
		{Kind: "Email"}, {Tag: "Urgent"}, {Source: "Leak B", Text: "d001"}, {Tag: "missing"}, {Text: "bin\nd0"},
		{Text: ".bin d0999", Kind: "Email", Tag: "Urgent"},
	} {
		got, want := v.Search(q), naive(recs, q)
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("%+v: %d rows, want %d (%v…)", q, len(got), len(want), head(got))
		}
		// The same rows in each column's order (few rows are sorted by
		// their places, many by a walk through the order).
		for c := ByName; c <= BySource; c++ {
			q.Sort = c
			var inOrder []int32
			for _, i := range v.Order(c) {
				if slices.Contains(want, i) {
					inOrder = append(inOrder, i)
				}
			}
			if got := v.Search(q); !slices.Equal(got, inOrder) && !(len(got) == 0 && len(inOrder) == 0) {
				t.Errorf("%+v: %v…, want %v…", q, head(got), head(inOrder))
			}
		}
	}
}

func TestOrders(t *testing.T) {
	recs := []*catalog.Record{record(5, "b"), record(3, "a"), record(4, "c"), record(1, "a")}
	recs[0].Names[0].Path = "zeta"
	recs[1].Names[0].Path = "Alpha"
	recs[2].Names[0].Path = "alpha"
	recs[3].Names[0].Path = "Beta"
	v := build(recs)
	for _, c := range []struct {
		q    Query
		want []int32
	}{
		{Query{Sort: ByName}, []int32{1, 2, 3, 0}},
		{Query{Sort: ByName, Desc: true}, []int32{0, 3, 2, 1}},
		{Query{Sort: BySource}, []int32{1, 3, 0, 2}},
		{Query{Sort: BySize}, []int32{3, 1, 2, 0}},
		{Query{Sort: ByKind}, []int32{1, 0, 2, 3}},
		{Query{Sort: ByName, Text: "alpha"}, []int32{1, 2}},
		{Query{}, []int32{0, 1, 2, 3}},
	} {
		if got := v.Search(c.q); !slices.Equal(got, c.want) {
			t.Errorf("%+v: %v, want %v", c.q, got, c.want)
		}
	}
	if v.Name(1) != "Alpha" || v.Size(3) != 1001 || v.Kind(1) != "Email" || v.Source(2) != "c" || v.ID(0) != recs[0].Sum() {
		t.Errorf("row fields: %q %d %q %q", v.Name(1), v.Size(3), v.Kind(1), v.Source(2))
	}
	if !v.HasTag(0, "x") == false || v.Imported(1) != recs[1].Imported {
		t.Errorf("tag or time")
	}
}

// A view taken before more rows were added keeps answering for its own.
func TestViewStaysWhileIndexGrows(t *testing.T) {
	ix := New(kindOf)
	ix.Add(record(1, "s"))
	v := ix.View()
	for k := 2; k < 5000; k++ {
		ix.Add(record(k, "s"))
	}
	if v.Len() != 1 || len(v.Search(Query{Text: "d00"})) != 1 || len(ix.View().Search(Query{Text: "d00"})) != 499 {
		t.Fatalf("old view: %d rows, search %v", v.Len(), v.Search(Query{Text: "d00"}))
	}
}

func TestNonASCIINames(t *testing.T) {
	r := record(1, "s")
	r.Names[0].Path = "Über ДОКУМЕНТ.txt"
	v := build([]*catalog.Record{r, record(2, "s")})
	if got := v.Search(Query{Text: "über документ"}); !slices.Equal(got, []int32{0}) {
		t.Fatalf("got %v", got)
	}
}

func head(s []int32) []int32 { return s[:min(len(s), 5)] }
