package bundlewriter

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/custody-app/custody/archive/catalog"
)

func rec(id byte, name string) *catalog.Record {
	r := &catalog.Record{ID: strings.Repeat(string("0123456789abcdef"[id%16]), 64)}
	if name != "" {
		r.Names = []catalog.Name{catalog.NewName(name, "", "", catalog.Name{}.Time)}
	}
	return r
}

func TestAssignPaths(t *testing.T) {
	long := strings.Repeat("é", 130) + ".txt" // 264 bytes
	cases := []struct {
		names []string
		want  []string
	}{
		{[]string{"leak/a.txt", "leak/b.txt"}, []string{"data/leak/a.txt", "data/leak/b.txt"}},
		{[]string{"Report.txt", "report.txt", "REPORT.TXT"}, []string{"data/Report.txt", "data/report (2).txt", "data/REPORT (3).TXT"}},
		{[]string{"café.txt", "cafe\u0301.txt"}, []string{"data/café.txt", "data/cafe\u0301 (2).txt"}},
		{[]string{"x", "x/y.txt"}, []string{"data/x", "data/x (2)/y.txt"}},
		{[]string{"x/y.txt", "x"}, []string{"data/x/y.txt", "data/x (2)"}},
		{[]string{"aux.txt", "CON", "notes.", "a:b?.txt"}, []string{"data/aux_.txt", "data/CON_", "data/notes_", "data/a_b_.txt"}},
		{[]string{"../../etc/passwd", "/abs/path", "a//b"}, []string{"data/etc/passwd", "data/abs/path", "data/a/b"}},
		{[]string{""}, []string{"data/" + strings.Repeat("0", 64)}},
		{[]string{"a.txt", "a.txt", "a.txt"}, []string{"data/a.txt", "data/a (2).txt", "data/a (3).txt"}},
		{[]string{"100% draft.txt", "100_ draft.txt", "50%/%0A.txt"}, []string{"data/100_ draft.txt", "data/100_ draft (2).txt", "data/50_/_0A.txt"}},
		{[]string{"line\nbreak.txt", "cr\rname.txt", "nbsp\u00a0", "wide\u3000 \u00a0/x"}, []string{"data/line_break.txt", "data/cr_name.txt", "data/nbsp_", "data/wide___/x"}},
	}
	for _, c := range cases {
		var recs []*catalog.Record
		for i, n := range c.names {
			recs = append(recs, rec(byte(i), n))
		}
		got := assignPaths(recs)
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%q: %q, want %q", c.names, got, c.want)
				break
			}
		}
	}
	got := assignPaths([]*catalog.Record{rec(0, long), rec(1, long)})
	for _, p := range got {
		base := p[strings.LastIndexByte(p, '/')+1:]
		if len(base) > 255 || !utf8.ValidString(base) || !strings.HasSuffix(base, ".txt") {
			t.Errorf("long name %q (%d bytes)", base, len(base))
		}
	}
	if got[0] == got[1] {
		t.Errorf("two long names clash: %q", got)
	}
}

func TestFolderSpans(t *testing.T) {
	many := make([]string, maxSpan+3)
	manySizes := make([]int64, len(many))
	for i := range many {
		many[i] = "data/big/f" + strings.Repeat("x", i)
		manySizes[i] = 10
	}
	tests := []struct {
		name  string
		paths []string
		sizes []int64
		want  [][2]int
	}{
		{"none", nil, nil, nil},
		{"one", []string{"data/a"}, []int64{5}, [][2]int{{0, 1}}},
		{"folders in turn", []string{"data/a/1", "data/a/2", "data/b/1", "data/a/3", "data/c"}, []int64{1, 1, 1, 1, 1},
			[][2]int{{0, 2}, {2, 3}, {3, 4}, {4, 5}}},
		{"a folder longer than a span", many, manySizes, [][2]int{{0, maxSpan}, {maxSpan, maxSpan + 3}}},
		{"large files go alone", []string{"data/v/1", "data/v/2", "data/v/3", "data/v/4"},
			[]int64{maxSpanBytes + 1, 10, maxSpanBytes - 20, 15},
			[][2]int{{0, 1}, {1, 3}, {3, 4}}},
	}
	for _, tc := range tests {
		got := folderSpans(tc.paths, tc.sizes)
		if len(got) != len(tc.want) {
			t.Fatalf("%s: %v, want %v", tc.name, got, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Fatalf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
	}
}
