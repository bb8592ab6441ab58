package provenance

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// opened lists what Choices.For opens of ev as "field" or "field[i]".
func opened(t *testing.T, c Choices, ev *Event, shown ...string) []string {
	t.Helper()
	p, _ := marshalParsed(t, ev)
	set := map[string]bool{}
	for _, s := range shown {
		set[hexID(docID(s))] = true
	}
	open, err := p.Openings(c.For(p, func(d string) bool { return set[d] }))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, o := range open {
		if listFields[o.Field] {
			out = append(out, o.Field+"["+string(rune('0'+o.I))+"]")
		} else {
			out = append(out, o.Field)
		}
	}
	return out
}

func TestChoicesFor(t *testing.T) {
	a, b, c := hexID(docID("a")), hexID(docID("b")), hexID(docID("c"))
	ingest := &Event{Type: Ingest, Doc: a, Size: 1, Name: "a.txt", Path: "in/a.txt", Source: "src", Note: "n"}
	derive := &Event{Type: Derive, Doc: c, Size: 1, Name: "c.txt", Parents: []string{a, b}, ParentEvents: []int64{0, 1}, Kind: "redaction", Note: "n"}
	annotate := &Event{Type: Annotate, Doc: a, Tags: []string{"t1", "t2"}, Note: "n"}
	export := &Event{Type: Export, Bundle: "b-1", Docs: []string{a, b, c}, CheckpointSize: 3, Note: "n"}
	receive := &Event{Type: Receive, Bundle: "b-0", Origin: "o", Checkpoint: "o\n1\nx\n", Docs: []string{c, b}, Names: []string{"c.txt", "b.txt"}, Note: "n"}
	verify := &Event{Type: Verify, What: "archive", Verdict: "INTACT"}
	none, all := Choices{}, Choices{Sources: true, Notes: true, Tags: true}
	for _, tc := range []struct {
		name  string
		c     Choices
		ev    *Event
		shown []string
		want  string
	}{
		// A shown document's own record: its ID, size and names.
		{"ingest, default", none, ingest, []string{"a"}, "doc size name path"},
		{"ingest, sources", Choices{Sources: true}, ingest, []string{"a"}, "doc size name path source"},
		{"ingest, notes", Choices{Notes: true}, ingest, []string{"a"}, "doc size name path note"},
		{"ingest, all", all, ingest, []string{"a"}, "doc size name path source note"},
		{"ingest of a withheld document", all, ingest, []string{"b", "c"}, ""},
		// A derivation opens the parents that are shown, no other.
		{"derive, original withheld", none, derive, []string{"c"}, "doc size name"},
		{"derive, one parent shown", none, derive, []string{"c", "b"}, "doc size name parents[1]"},
		{"derive, all", all, derive, []string{"a", "b", "c"}, "doc size name parents[0] parents[1] note"},
		{"derive of a withheld document", all, derive, []string{"a", "b"}, ""},
		{"annotate, default", none, annotate, []string{"a"}, "doc"},
		{"annotate, tags", Choices{Tags: true}, annotate, []string{"a"}, "doc tags[0] tags[1]"},
		{"annotate, all", all, annotate, []string{"a"}, "doc tags[0] tags[1] note"},
		{"annotate of a withheld document", all, annotate, []string{"b"}, ""},
		// An export of three documents opens only the shown one.
		{"export of 3, one shown", none, export, []string{"b"}, "docs[1]"},
		{"export of 3, notes", Choices{Notes: true}, export, []string{"b"}, "docs[1] note"},
		{"export naming no shown document", all, export, []string{"x"}, ""},
		// A receive opens where it came from only when it names a shown document.
		{"receive naming a shown document", none, receive, []string{"b"}, "bundle origin checkpoint docs[1] names[1]"},
		{"receive, notes", Choices{Notes: true}, receive, []string{"c"}, "bundle origin checkpoint docs[0] names[0] note"},
		{"receive naming no shown document", all, receive, []string{"a"}, ""},
		{"verify", all, verify, []string{"a", "b", "c"}, ""},
	} {
		if got := strings.Join(opened(t, tc.c, tc.ev, tc.shown...), " "); got != tc.want {
			t.Errorf("%s: opens %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestParseChoices(t *testing.T) {
	for in, want := range map[string]Choices{
		"":                    {},
		"sources":             {Sources: true},
		"Notes, tags":         {Notes: true, Tags: true},
		"source,note,tag":     {true, true, true},
		"all":                 {true, true, true},
		"all,none":            {},
		"none,sources":        {Sources: true},
		" sources , , notes ": {Sources: true, Notes: true},
	} {
		got, err := ParseChoices(in)
		if err != nil || got != want {
			t.Errorf("ParseChoices(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	_, err := ParseChoices("sources,names")
	var ce *ChoiceError
	if err == nil || !strings.Contains(err.Error(), `"names"`) || !errors.As(err, &ce) || ce.Word != "names" {
		t.Errorf("unknown word: %v", err)
	}
	if s := (Choices{Sources: true, Tags: true}).String(); s != "sources,tags" {
		t.Errorf("String = %q", s)
	}
	if !slices.Equal(strings.Split((Choices{true, true, true}).String(), ","), []string{"sources", "notes", "tags"}) {
		t.Error("String of all")
	}
}

// TestChoicesForRepair: a repair is disclosed like an annotate: its doc
// for the chosen document only, what was damaged and where the copy came
// from only with notes.
func TestChoicesForRepair(t *testing.T) {
	a := hexID(docID("a"))
	repair := &Event{Type: Repair, Doc: a, What: "chunk 1 of 2 was damaged", Source: `import of "a.txt"`, Note: "n"}
	if got := strings.Join(opened(t, Choices{}, repair, "a"), ","); got != "doc" {
		t.Errorf("default: %s", got)
	}
	if got := strings.Join(opened(t, Choices{Notes: true, Sources: true}, repair, "a"), ","); got != "doc,source,what,note" {
		t.Errorf("with notes: %s", got)
	}
	if got := opened(t, Choices{Notes: true, Sources: true, Tags: true}, repair, "b"); len(got) != 0 {
		t.Errorf("another document: %v", got)
	}
}
