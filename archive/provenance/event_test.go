package provenance

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// invalidEvents maps each file in testdata/events/invalid to a phrase its
// error must contain.
var invalidEvents = map[string]string{
	"actor_missing":        `missing field "actor"`,
	"annotate_empty":       `needs "tags" or "note"`,
	"bom":                  "not valid JSON",
	"derive_bad_kind":      `field "kind" is "summary"`,
	"derive_no_parents":    `missing field "parents"`,
	"derive_self_parent":   "its own parent",
	"doc_short":            "not 64 hex digits",
	"doc_upper":            "not 64 lowercase hex digits",
	"empty":                "empty input",
	"export_duplicate_doc": "twice",
	"field_case":           `unknown field "What"`,
	"field_duplicate":      `field "doc" appears twice`,
	"field_duplicate_case": `field "WHAT" appears twice`,
	"field_null":           `field "name" is null`,
	"field_other_type":     `field "parents" does not belong in ingest events`,
	"field_unknown":        `unknown field "extra"`,
	"field_wrong_type":     `field "size" has the wrong type`,
	"nested_object":        `unknown field "a" in "tags"`,
	"not_object":           "not a JSON object",
	"not_utf8":             "not valid UTF-8",
	"receive_no_origin":    `missing field "origin"`,
	"salt_short":           `field "salt" must be 16 random bytes`,
	"size_missing":         `missing field "size"`,
	"size_negative":        `field "size" is negative`,
	"time_fraction":        "not in the required format",
	"time_leap_second":     "not in the required format",
	"time_no_seconds":      "not in the required format",
	"time_offset":          "not in the required format",
	"trailing":             "unexpected data after the JSON object",
	"truncated":            "JSON ends too early",
	"type_unknown":         `unknown event type "delete"`,
	"version_99":           "cannot interpret version 99",
	"version_float":        `field "v" is 1.5, not a whole number`,
	"version_missing":      `missing field "v"`,

	"version_3":                  "cannot interpret version 3",
	"v1_parent_events":           `field "parent_events" does not belong in version 1 events`,
	"v2_salt_short":              `field "salt" must be 32 random bytes`,
	"v2_derive_no_parent_events": `field "parent_events" has 0 entries for 2 parents`,
	"v2_parent_events_count":     `field "parent_events" has 1 entries for 2 parents`,
	"v2_parent_events_negative":  `field "parent_events" holds a negative index (-1)`,
	"v2_parent_events_string":    `field "parent_events" has the wrong type`,
	"v2_parent_events_ingest":    `field "parent_events" does not belong in ingest events`,
	"v2_sealed_form":             `unknown field "sealed"`,
	"v2_names_count":             `field "names" has 1 entries for 2 documents`,
	"v1_names":                   `field "names" does not belong in version 1 events`,
	"v1_repair":                  "repair events exist from version 2 on",
	"v2_repair_no_source":        `missing field "source"`,
	"v2_repair_tags":             `field "tags" does not belong in repair events`,
}

func TestParseEventGolden(t *testing.T) {
	valid, _ := filepath.Glob("testdata/events/valid/*.json")
	if len(valid) == 0 {
		t.Fatal("no valid event fixtures")
	}
	for _, f := range valid {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := ParseEvent(b)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		// Version 1 vectors are still read as version 1.
		if want := map[bool]int{true: 2, false: 1}[strings.HasPrefix(filepath.Base(f), "v2_")]; ev.V != want {
			t.Errorf("%s: read as version %d, want %d", filepath.Base(f), ev.V, want)
		}
	}
	invalid, _ := filepath.Glob("testdata/events/invalid/*.json")
	if len(invalid) != len(invalidEvents) {
		t.Errorf("%d invalid fixtures, %d expectations", len(invalid), len(invalidEvents))
	}
	for _, f := range invalid {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want, ok := invalidEvents[name]
		if !ok {
			t.Errorf("%s: no expectation", name)
			continue
		}
		_, err = ParseEvent(b)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, want)
		}
	}
}

func TestParseEventFields(t *testing.T) {
	b, err := os.ReadFile("testdata/events/valid/derive.json")
	if err != nil {
		t.Fatal(err)
	}
	ev, err := ParseEvent(b)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Type != Derive || ev.Size != 99 || ev.Kind != "redaction" || len(ev.Parents) != 2 || ev.Actor != "archivist" {
		t.Fatalf("parsed %+v", ev)
	}
	if !ev.Timestamp().Equal(testClock) {
		t.Fatalf("Timestamp %v", ev.Timestamp())
	}
	if got := ev.Introduces(); len(got) != 1 || got[0] != docID("a") {
		t.Fatalf("Introduces %x", got)
	}
	if got := ev.DocIDs(); len(got) != 3 || got[1] != docID("b") || got[2] != docID("c") {
		t.Fatalf("DocIDs %x", got)
	}
	for _, b := range []string{`{"v":3,"type":"ingest"}`, `{"v":3,"type":"seal","new_field":[1]}`} {
		if _, err := ParseEvent([]byte(b)); !errors.Is(err, ErrVersion) {
			t.Fatalf("%s: %v, want ErrVersion", b, err)
		}
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	cases := []*Event{
		{Type: Ingest, Doc: hexID(docID("x")), Size: 0, Name: "empty.txt", Path: "a/empty.txt"},
		{Type: Derive, Doc: hexID(docID("y")), Size: 7, Parents: []string{hexID(docID("x"))}, ParentEvents: []int64{0}, Kind: "conversion"},
		{Type: Annotate, Doc: hexID(docID("x")), Tags: []string{"<b>&amp;"}},
		{Type: Export, Bundle: "b-1", Docs: []string{hexID(docID("x"))}, CheckpointSize: 0},
		{Type: Receive, Bundle: "b-1", Origin: "o", Checkpoint: "o\n1\nx\n", Docs: []string{hexID(docID("x"))}},
		{Type: Verify, What: "archive", Verdict: "INTACT"},
	}
	for _, ev := range cases {
		ev.Actor = "archivist"
		b, err := MarshalAt(ev, time.Date(2030, 1, 2, 3, 4, 5, 999, time.FixedZone("x", 3600)))
		if err != nil {
			t.Fatalf("%s: %v", ev.Type, err)
		}
		got, err := ParseEvent(b)
		if err != nil {
			t.Fatalf("%s: %v\n%s", ev.Type, err, b)
		}
		if got.Time != "2030-01-02T02:04:05Z" {
			t.Errorf("%s: time %q", ev.Type, got.Time)
		}
		if got.Type != ev.Type || got.Size != ev.Size || got.V != Version {
			t.Errorf("%s: round trip gave %+v", ev.Type, got)
		}
		// A version 2 event's salt is the 32-byte seed of its commitments.
		if seed, err := base64.StdEncoding.DecodeString(got.Salt); err != nil || len(seed) != 32 {
			t.Errorf("%s: salt %q is not 32 bytes", ev.Type, got.Salt)
		}
		if bytes.Contains(b, []byte(`\u003c`)) {
			t.Errorf("%s: HTML-escaped: %s", ev.Type, b)
		}
	}
	// size 0 is written, since an empty document is a real document.
	b, _ := MarshalAt(cases[0], testClock)
	if !bytes.Contains(b, []byte(`"size":0`)) {
		t.Fatalf("size 0 left out: %s", b)
	}
}

// A version 1 event is still written when asked for (V: 1), with its
// 16-byte salt, and read back as version 1; parent_events does not belong
// in it, and a version 2 derivation needs one per parent.
func TestMarshalVersions(t *testing.T) {
	x, y := hexID(docID("x")), hexID(docID("y"))
	b, err := MarshalAt(&Event{V: 1, Type: Derive, Actor: "a", Doc: y, Size: 1, Parents: []string{x}, Kind: "other"}, testClock)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseEvent(b)
	if err != nil || got.V != 1 || len(got.Salt) != 24 || got.ParentEvents != nil {
		t.Fatalf("version 1: %+v, %v\n%s", got, err, b)
	}
	if !bytes.HasPrefix(b, []byte(`{"v":1,`)) {
		t.Fatalf("version 1 event written as %s", b)
	}
	for name, tc := range map[string]struct {
		ev   Event
		want string
	}{
		"v1 with parent_events": {Event{V: 1, Type: Derive, Actor: "a", Doc: y, Size: 1, Parents: []string{x}, ParentEvents: []int64{0}, Kind: "other"}, `"parent_events" does not belong in version 1`},
		"v2 without":            {Event{Type: Derive, Actor: "a", Doc: y, Size: 1, Parents: []string{x}, Kind: "other"}, `"parent_events" has 0 entries for 1 parents`},
		"v2 too many":           {Event{Type: Derive, Actor: "a", Doc: y, Size: 1, Parents: []string{x}, ParentEvents: []int64{0, 1}, Kind: "other"}, `has 2 entries for 1 parents`},
		"v2 negative":           {Event{Type: Derive, Actor: "a", Doc: y, Size: 1, Parents: []string{x}, ParentEvents: []int64{-1}, Kind: "other"}, `negative index`},
		"v2 short seed":         {Event{Type: Verify, Actor: "a", What: "w", Verdict: "v", Salt: "AAECAwQFBgcICQoLDA0ODw=="}, `must be 32 random bytes`},
		"v1 long salt":          {Event{V: 1, Type: Verify, Actor: "a", What: "w", Verdict: "v", Salt: base64.StdEncoding.EncodeToString(make([]byte, 32))}, `must be 16 random bytes`},
	} {
		if b, err := MarshalAt(&tc.ev, testClock); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: wrote %s (%v), want an error containing %q", name, b, err, tc.want)
		}
	}
}

func TestMarshalRefuses(t *testing.T) {
	for name, ev := range map[string]*Event{
		"invalid UTF-8 name": {Type: Ingest, Actor: "a", Doc: hexID(docID("x")), Name: "bad\xffname"},
		"missing doc":        {Type: Ingest, Actor: "a"},
		"unknown type":       {Type: "erase", Actor: "a"},
		"bad time":           {Type: Verify, Actor: "a", What: "w", Verdict: "v", Time: "yesterday"},
	} {
		if b, err := Marshal(ev); err == nil {
			t.Errorf("%s: Marshal wrote %s", name, b)
		}
	}
}

func TestSaltMakesIdenticalEventsHashDifferently(t *testing.T) {
	ev := Event{Type: Ingest, Actor: "a", Doc: hexID(docID("same")), Size: 4, Name: "same.txt"}
	a, err := MarshalAt(&ev, testClock)
	if err != nil {
		t.Fatal(err)
	}
	b, err := MarshalAt(&ev, testClock)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, b) || tlog.RecordHash(a) == tlog.RecordHash(b) {
		t.Fatalf("two identical events hash the same:\n%s\n%s", a, b)
	}
	// What the tree hashes, the sealed forms, differ too.
	la, err := LeafData(a)
	if err != nil {
		t.Fatal(err)
	}
	lb, _ := LeafData(b)
	if bytes.Equal(la, lb) {
		t.Fatalf("two identical events seal the same:\n%s", la)
	}
	pa, _ := ParseEvent(a)
	pb, _ := ParseEvent(b)
	pa.Salt, pb.Salt = "", ""
	if pa.Doc != pb.Doc || pa.Time != pb.Time || pa.Name != pb.Name {
		t.Fatal("events differ in more than their salt")
	}
}
