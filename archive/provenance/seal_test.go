package provenance

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the sealed event vectors in testdata/events/sealed/valid")

// invalidSealed maps each file in testdata/events/sealed/invalid to a
// phrase OpenEvent's error must contain.
var invalidSealed = map[string]string{
	"open_form":                 `unknown field "what"`,
	"missing_sealed":            `missing field "sealed"`,
	"value_in_sealed":           `sealed field "doc" holds "ca978112`,
	"private_at_top":            `unknown field "doc"`,
	"public_in_sealed":          `unknown field "kind" in "sealed"`,
	"list_not_list":             `sealed field "docs" is not a list of commitments`,
	"list_empty":                `sealed field "tags" is not a list of commitments`,
	"missing_size":              `missing field "size"`,
	"annotate_empty":            `needs "tags" or "note"`,
	"export_no_checkpoint_size": `missing or negative field "checkpoint_size"`,
	"parent_events_count":       `"parent_events" has 1 entries for 2 parents`,
	"parent_events_negative":    `"parent_events" holds a negative index (-4)`,
	"derive_bad_kind":           `field "kind" is "summary"`,
	"field_of_other_type":       `field "tags" does not belong in ingest events`,
	"public_of_other_type":      `field "checkpoint_size" does not belong in sealed ingest events`,
	"commitment_short":          `sealed field "what" holds "AAAA", not a 32-byte commitment`,
	"commitment_noncanonical":   `not a 32-byte commitment in standard base64`,
	"commitment_url_alphabet":   `not a 32-byte commitment in standard base64`,
	"actor_null":                `field "actor" is null`,
	"key_twice":                 `field "what" appears twice`,
	"unknown_in_sealed":         `unknown field "salt" in "sealed"`,
	"version_1":                 `unknown field "sealed"`,
	"version_3":                 "cannot interpret version 3",
	"version_string":            `field "v" is "2"; a sealed event is version 2`,
	"time_offset":               "not in the required format",
	"type_unknown":              `unknown event type "delete"`,
	"trailing":                  "unexpected data after the JSON object",
	"names_count":               `field "names" has 1 entries for 2 documents`,
}

// TestSealedVectors: each version 2 event of testdata/events/valid seals
// to exactly the bytes of testdata/events/sealed/valid (vectors for other
// implementations), and opening every field gives the event back.
func TestSealedVectors(t *testing.T) {
	opens, _ := filepath.Glob("testdata/events/valid/v2_*.json")
	if len(opens) < 8 {
		t.Fatalf("%d version 2 event vectors", len(opens))
	}
	for _, f := range opens {
		name := strings.TrimPrefix(filepath.Base(f), "v2_")
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := ParseEvent(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sealed, err := ev.Seal()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		golden := filepath.Join("testdata", "events", "sealed", "valid", name)
		if *update {
			if err := os.WriteFile(golden, sealed, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(sealed, want) {
			t.Errorf("%s seals to\n%s\nwant\n%s", name, sealed, want)
		}
		if got, err := LeafData(b); err != nil || !bytes.Equal(got, sealed) {
			t.Errorf("%s: LeafData is not the sealed form: %v", name, err)
		}
		open, err := ev.Openings(OpenAll)
		if err != nil {
			t.Fatal(err)
		}
		v, err := OpenEvent(want, open)
		if err != nil {
			t.Fatalf("%s: opening every field: %v", name, err)
		}
		back := v.Event
		back.Salt = ev.Salt // the seed never leaves
		if len(v.Withheld) != 0 || !reflect.DeepEqual(&back, ev) {
			t.Errorf("%s opened as %+v (withheld %v), want %+v", name, back, v.Withheld, ev)
		}
	}
}

func TestOpenEventGoldenInvalid(t *testing.T) {
	files, _ := filepath.Glob("testdata/events/sealed/invalid/*.json")
	if len(files) != len(invalidSealed) {
		t.Errorf("%d invalid sealed fixtures, %d expectations", len(files), len(invalidSealed))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want, ok := invalidSealed[name]
		if !ok {
			t.Errorf("%s: no expectation", name)
			continue
		}
		if _, err := OpenEvent(b, nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, want)
		}
	}
}

// fullEvents is one event of each type with every private field set.
func fullEvents() []*Event {
	a, b, c := hexID(docID("a")), hexID(docID("b")), hexID(docID("c"))
	return []*Event{
		{Type: Ingest, Doc: a, Size: 12, Name: "n.txt", Path: "p/n.txt", Source: "src", Note: "note"},
		{Type: Derive, Doc: c, Size: 3, Name: "r.txt", Parents: []string{a, b}, ParentEvents: []int64{0, 1}, Kind: "redaction", Note: "note"},
		{Type: Annotate, Doc: a, Tags: []string{"t1", "t2"}, Note: "note"},
		{Type: Export, Bundle: "b-1", Docs: []string{a, b, c}, CheckpointSize: 4, Note: "note"},
		{Type: Receive, Bundle: "b-0", Origin: "o", Checkpoint: "o\n1\nx\n", Docs: []string{b}, Names: []string{"b.txt"}, Forced: true, Note: "note"},
		{Type: Verify, What: "archive", Verdict: "INTACT"},
	}
}

func marshalParsed(t *testing.T, ev *Event) (*Event, []byte) {
	t.Helper()
	ev.Actor = "archivist"
	b, err := MarshalAt(ev, testClock)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParseEvent(b)
	if err != nil {
		t.Fatal(err)
	}
	return p, b
}

// Seal is deterministic and a pure function of the open form: the same
// event, however its JSON is spaced or ordered, seals to the same bytes;
// any change of a value or of the seed changes them.
func TestSealIsAPureFunction(t *testing.T) {
	for _, ev := range fullEvents() {
		p, b := marshalParsed(t, ev)
		first, err := p.Seal()
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := p.Seal(); !bytes.Equal(first, again) {
			t.Fatalf("%s: two seals differ", ev.Type)
		}
		// The same event written otherwise: reordered and spaced.
		var m map[string]any
		mustUnmarshal(t, b, &m)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		slices.Reverse(keys)
		var other bytes.Buffer
		other.WriteString("{ ")
		for i, k := range keys {
			if i > 0 {
				other.WriteString(" ,\n ")
			}
			other.WriteString(`"` + k + `" : ` + string(mustMarshalJSON(t, m[k])))
		}
		other.WriteString(" }")
		if bytes.Equal(other.Bytes(), b) {
			t.Fatal("the rewritten event is the same bytes")
		}
		q, err := ParseEvent(other.Bytes())
		if err != nil {
			t.Fatalf("%s rewritten: %v\n%s", ev.Type, err, other.Bytes())
		}
		if s, _ := q.Seal(); !bytes.Equal(s, first) {
			t.Errorf("%s: the same event spelled otherwise seals to\n%s\nnot\n%s", ev.Type, s, first)
		}
		// Another seed: every commitment changes.
		seed, _ := base64.StdEncoding.DecodeString(p.Salt)
		seed[0] ^= 1
		r := *p
		r.Salt = base64.StdEncoding.EncodeToString(seed)
		s, err := r.Seal()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range commitments(t, first) {
			if bytes.Contains(s, []byte(c)) {
				t.Errorf("%s: commitment %s survived a change of seed", ev.Type, c)
			}
		}
	}
	// Each private value, changed, changes the sealed form.
	p, _ := marshalParsed(t, fullEvents()[0])
	base, _ := p.Seal()
	for name, edit := range map[string]func(e *Event){
		"doc":    func(e *Event) { e.Doc = hexID(docID("other")) },
		"size":   func(e *Event) { e.Size++ },
		"name":   func(e *Event) { e.Name += "x" },
		"path":   func(e *Event) { e.Path += "x" },
		"source": func(e *Event) { e.Source += "x" },
		"note":   func(e *Event) { e.Note += "x" },
		"time":   func(e *Event) { e.Time = "2025-03-14T09:26:54Z" },
		"actor":  func(e *Event) { e.Actor += "x" },
	} {
		e := *p
		edit(&e)
		if s, _ := e.Seal(); bytes.Equal(s, base) {
			t.Errorf("changing %s left the sealed form as it was", name)
		}
	}
	v1 := *p
	v1.V = 1
	if _, err := v1.Seal(); err == nil {
		t.Error("a version 1 event was sealed")
	}
}

// commitments lists the base64 commitments of a sealed form.
func commitments(t *testing.T, sealed []byte) []string {
	var w struct{ Sealed map[string]any }
	mustUnmarshal(t, sealed, &w)
	var out []string
	for _, v := range w.Sealed {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, e := range v {
				out = append(out, e.(string))
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no commitments in %s", sealed)
	}
	return out
}

// idForms are the ways a document ID could appear: hex, and its 32 bytes
// in standard and URL-safe base64, padded or not.
func idForms(id string) []string {
	raw, _ := hex.DecodeString(id)
	return []string{id, strings.ToUpper(id), base64.StdEncoding.EncodeToString(raw), base64.URLEncoding.EncodeToString(raw),
		base64.RawStdEncoding.EncodeToString(raw), base64.RawURLEncoding.EncodeToString(raw)}
}

// A sealed form contains none of the private values, nor the seed.
func TestSealedHoldsNoPrivateValue(t *testing.T) {
	d1, d2, d3 := hexID(docID("marker-doc-1")), hexID(docID("marker-doc-2")), hexID(docID("marker-doc-3"))
	for _, ev := range []*Event{
		{Type: Ingest, Doc: d1, Size: 987654321, Name: "MARKER-NAME", Path: "MARKER-PATH/x", Source: "MARKER-SOURCE", Note: "MARKER-NOTE"},
		{Type: Derive, Doc: d2, Size: 987654321, Name: "MARKER-NAME", Parents: []string{d1, d3}, ParentEvents: []int64{0, 1}, Kind: "redaction", Note: "MARKER-NOTE"},
		{Type: Annotate, Doc: d1, Tags: []string{"MARKER-TAG-1", "MARKER-TAG-2"}, Note: "MARKER-NOTE"},
		{Type: Export, Bundle: "MARKER-BUNDLE", Docs: []string{d1, d2, d3}, CheckpointSize: 4, Note: "MARKER-NOTE"},
		{Type: Receive, Bundle: "MARKER-BUNDLE", Origin: "MARKER-ORIGIN", Checkpoint: "MARKER-CHECKPOINT\n1\nx\n", Docs: []string{d3}, Names: []string{"MARKER-RNAME"}, Note: "MARKER-NOTE"},
		{Type: Verify, What: "MARKER-WHAT", Verdict: "MARKER-VERDICT"},
	} {
		p, _ := marshalParsed(t, ev)
		sealed, err := p.Seal()
		if err != nil {
			t.Fatal(err)
		}
		markers := []string{"MARKER", "marker", "987654321", p.Salt}
		for _, d := range []string{d1, d2, d3} {
			markers = append(markers, idForms(d)...)
		}
		for _, m := range markers {
			if bytes.Contains(sealed, []byte(m)) {
				t.Errorf("the sealed %s holds %q:\n%s", ev.Type, m, sealed)
			}
		}
		if !bytes.Contains(sealed, []byte(`"actor":"archivist"`)) || !bytes.Contains(sealed, []byte(`"time":"2025-03-14T09:26:53Z"`)) {
			t.Errorf("the sealed %s lacks its public fields:\n%s", ev.Type, sealed)
		}
	}
}
