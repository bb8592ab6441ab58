package provenance

import (
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"
)

// sealedAndOpenings returns ev's sealed form and its openings of every field.
func sealedAndOpenings(t *testing.T, ev *Event) ([]byte, []Opening) {
	t.Helper()
	p, _ := marshalParsed(t, ev)
	sealed, err := p.Seal()
	if err != nil {
		t.Fatal(err)
	}
	open, err := p.Openings(OpenAll)
	if err != nil {
		t.Fatal(err)
	}
	return sealed, open
}

// find returns the index in open of field's element i.
func find(t *testing.T, open []Opening, field string, i int) int {
	t.Helper()
	for k, o := range open {
		if o.Field == field && o.I == i {
			return k
		}
	}
	t.Fatalf("no opening of %s element %d", field, i)
	return -1
}

func TestOpenEventAccepts(t *testing.T) {
	ev := fullEvents()[3] // an export of a, b and c
	sealed, all := sealedAndOpenings(t, ev)
	// Only b (element 1 of docs) and the note.
	some := []Opening{all[find(t, all, "docs", 1)], all[find(t, all, "note", 0)]}
	v, err := OpenEvent(sealed, some)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(v.Docs, []string{hexID(docID("b"))}) || v.Note != "note" || v.Bundle != "" {
		t.Errorf("disclosed %+v", v.Event)
	}
	if v.Type != Export || v.Actor != "archivist" || v.Time != "2025-03-14T09:26:53Z" || v.CheckpointSize != 4 || v.V != 2 {
		t.Errorf("public fields %+v", v.Event)
	}
	if !slices.Equal(v.Withheld, []string{"bundle", "docs"}) || v.Total["docs"] != 3 || len(v.Total) != 1 {
		t.Errorf("withheld %v, total %v; want [bundle docs], docs 3", v.Withheld, v.Total)
	}
	if v.Disclosed("docs") || v.Disclosed("bundle") || !v.Disclosed("note") {
		t.Error("Disclosed disagrees with Withheld")
	}
	// Nothing opened: everything withheld, the counts still visible.
	v, err = OpenEvent(sealed, nil)
	if err != nil || !slices.Equal(v.Withheld, []string{"bundle", "docs", "note"}) || v.Total["docs"] != 3 || v.Docs != nil {
		t.Fatalf("nothing opened: %+v %v", v, err)
	}
	// A derivation: ParentIDs aligned with parent_events, "" where withheld.
	sealed, all = sealedAndOpenings(t, fullEvents()[1])
	v, err = OpenEvent(sealed, []Opening{all[find(t, all, "doc", 0)], all[find(t, all, "parents", 1)]})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(v.ParentIDs, []string{"", hexID(docID("b"))}) || !slices.Equal(v.ParentEvents, []int64{0, 1}) || v.Total["parents"] != 2 {
		t.Errorf("derive: parents %v at %v, total %v", v.ParentIDs, v.ParentEvents, v.Total)
	}
	if !slices.Equal(v.Withheld, []string{"size", "name", "parents", "note"}) || v.Kind != "redaction" {
		t.Errorf("derive: withheld %v, kind %q", v.Withheld, v.Kind)
	}
	// A version 1 event is read whole, with nothing to open.
	v1 := []byte(`{"v":1,"type":"verify","time":"2025-03-14T09:26:53Z","actor":"a","what":"w","verdict":"x","salt":"AAECAwQFBgcICQoLDA0ODw=="}`)
	if v, err := OpenEvent(v1, nil); err != nil || v.What != "w" || len(v.Withheld) != 0 {
		t.Errorf("version 1: %+v %v", v, err)
	}
	if _, err := OpenEvent(v1, []Opening{{Field: "what", Salt: all[0].Salt, Value: "w"}}); err == nil {
		t.Error("an opening of a version 1 event was accepted")
	}
}

func TestOpenEventRefuses(t *testing.T) {
	sealed, all := sealedAndOpenings(t, fullEvents()[3])
	docs0, docs1 := all[find(t, all, "docs", 0)], all[find(t, all, "docs", 1)]
	note := all[find(t, all, "note", 0)]
	otherSalt := func(o Opening) Opening {
		s, _ := base64.StdEncoding.DecodeString(o.Salt)
		s[15] ^= 1
		o.Salt = base64.StdEncoding.EncodeToString(s)
		return o
	}
	for name, tc := range map[string]struct {
		open     []Opening
		want     string
		mismatch bool
	}{
		"changed value":               {[]Opening{{Field: "note", Salt: note.Salt, Value: "note!"}}, "the disclosed note does not match", true},
		"another document":            {[]Opening{{Field: "docs", I: 0, Salt: docs0.Salt, Value: docs1.Value}}, "the disclosed docs does not match", true},
		"wrong salt":                  {[]Opening{otherSalt(note)}, "the disclosed note does not match", true},
		"another field's salt":        {[]Opening{{Field: "note", Salt: docs0.Salt, Value: note.Value}}, "the disclosed note does not match", true},
		"wrong index":                 {[]Opening{{Field: "docs", I: 1, Salt: docs0.Salt, Value: docs0.Value}}, "the disclosed docs does not match", true},
		"an element's opening, moved": {[]Opening{{Field: "docs", I: 0, Salt: docs1.Salt, Value: docs1.Value}}, "the disclosed docs does not match", true},
		"index past the list":         {[]Opening{{Field: "docs", I: 3, Salt: docs0.Salt, Value: docs0.Value}}, "docs element 3, which the event does not commit to", false},
		"negative index":              {[]Opening{{Field: "docs", I: -1, Salt: docs0.Salt, Value: docs0.Value}}, "which the event does not commit to", false},
		"field not committed to":      {[]Opening{{Field: "source", Salt: note.Salt, Value: "x"}}, `source element 0, which the event does not commit to`, false},
		"duplicate":                   {[]Opening{docs1, note, docs1}, "docs element 1 is opened twice", false},
		"short salt":                  {[]Opening{{Field: "note", Salt: "AAAA", Value: "note"}}, "not a 16-byte salt", false},
		"salt without padding":        {[]Opening{{Field: "note", Salt: strings.TrimRight(note.Salt, "="), Value: "note"}}, "not a 16-byte salt", false},
		"invalid UTF-8":               {[]Opening{{Field: "note", Salt: note.Salt, Value: "\xff"}}, "not valid UTF-8", false},
	} {
		_, err := OpenEvent(sealed, tc.open)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", name, err, tc.want)
			continue
		}
		if errors.Is(err, ErrOpeningMismatch) != tc.mismatch {
			t.Errorf("%s: %v; ErrOpeningMismatch %v, want %v", name, err, errors.Is(err, ErrOpeningMismatch), tc.mismatch)
		}
	}
	// A matching opening whose value the format refuses (a size that
	// is not a whole number) is refused even though it opens.
	ing, _ := marshalParsed(t, &Event{Type: Ingest, Doc: hexID(docID("a")), Size: 1})
	seed, _ := base64.StdEncoding.DecodeString(ing.Salt)
	s, _ := ing.Seal()
	forged := Opening{Field: "size", Salt: base64.StdEncoding.EncodeToString(fieldSalt(seed, "size", 0)), Value: "1"}
	if _, err := OpenEvent(s, []Opening{forged}); err != nil {
		t.Fatalf("the true size: %v", err)
	}
	forged.Value = "01"
	if _, err := OpenEvent(s, []Opening{forged}); !errors.Is(err, ErrOpeningMismatch) {
		t.Fatalf("size 01: %v", err)
	}
}

func TestParseOpenings(t *testing.T) {
	got, err := ParseOpenings([]byte(`[{"field":"name","i":0,"salt":"AAECAwQFBgcICQoLDA0ODw==","value":"a.txt"}]`))
	if err != nil || len(got) != 1 || got[0] != (Opening{"name", 0, "AAECAwQFBgcICQoLDA0ODw==", "a.txt"}) {
		t.Fatalf("%+v %v", got, err)
	}
	if got, err := ParseOpenings(nil); err != nil || got != nil {
		t.Fatalf("no openings: %+v %v", got, err)
	}
	for _, bad := range []string{
		`[{"field":"name","i":0,"salt":"x","value":"a","extra":1}]`,
		`[{"field":"name","field":"doc","i":0,"salt":"x","value":"a"}]`,
		`[{"Field":"name","i":0,"salt":"x","value":"a"}]`,
		`[{"field":"name","i":"0","salt":"x","value":"a"}]`,
		`{"field":"name"}`,
		`[]x`,
	} {
		if _, err := ParseOpenings([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
