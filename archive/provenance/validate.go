package provenance

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/custody-app/custody/archive/quote"
	"sort"
	"time"
)

// checkWire checks the decoded fields of an event against its type.
// present holds every key the JSON object had, and whether it was null.
func checkWire(w *wire, present map[string]bool, v int64) error {
	keys := make([]string, 0, len(present))
	for k := range present {
		keys = append(keys, k)
	}
	sort.Strings(keys) // report the same field first every time
	for _, k := range keys {
		if present[k] {
			return fmt.Errorf("field %q is null", k)
		}
	}
	if w.Type == "" {
		return errors.New(`missing field "type"`)
	}
	allowed, ok := fieldsOf[w.Type]
	if !ok {
		return fmt.Errorf("unknown event type %q", w.Type)
	}
	for _, k := range keys {
		if !commonFields[k] && !allowed[k] {
			return fmt.Errorf("field %q does not belong in %s events", k, w.Type)
		}
	}
	if err := checkTime(w.Time); err != nil {
		return err
	}
	if w.Actor == "" {
		return errors.New(`missing field "actor"`)
	}
	if err := checkSalt(w.Salt, v); err != nil {
		return err
	}
	switch w.Type {
	case Ingest, Derive:
		if err := checkDocField("doc", w.Doc); err != nil {
			return err
		}
		if w.Size == nil {
			return errors.New(`missing field "size"`)
		}
		if *w.Size < 0 {
			return fmt.Errorf(`field "size" is negative (%d)`, *w.Size)
		}
		if w.Type == Derive {
			return checkDerive(w, v)
		}
	case Annotate:
		if err := checkDocField("doc", w.Doc); err != nil {
			return err
		}
		if len(w.Tags) == 0 && w.Note == "" {
			return errors.New(`an annotate event needs "tags" or "note"`)
		}
		for _, t := range w.Tags {
			if t == "" {
				return errors.New(`field "tags" has an empty tag`)
			}
		}
	case Export, Receive:
		if w.Bundle == "" {
			return errors.New(`missing field "bundle"`)
		}
		if err := checkDocList("docs", w.Docs); err != nil {
			return err
		}
		if w.Type == Export {
			if w.CheckpointSize == nil {
				return errors.New(`missing field "checkpoint_size"`)
			}
			if *w.CheckpointSize < 0 {
				return fmt.Errorf(`field "checkpoint_size" is negative (%d)`, *w.CheckpointSize)
			}
			break
		}
		if w.Origin == "" {
			return errors.New(`missing field "origin"`)
		}
		if w.Checkpoint == "" {
			return errors.New(`missing field "checkpoint"`)
		}
		if err := checkNames(w.Names, len(w.Docs), v); err != nil {
			return err
		}
	case Repair:
		if v < 2 {
			return errors.New("repair events exist from version 2 on")
		}
		if err := checkDocField("doc", w.Doc); err != nil {
			return err
		}
		if w.What == "" {
			return errors.New(`missing field "what" (what was damaged)`)
		}
		if w.Source == "" {
			return errors.New(`missing field "source" (where the intact copy came from)`)
		}
	case DKIM:
		if v < 2 {
			return errors.New("dkim events exist from version 2 on")
		}
		if err := checkDocField("doc", w.Doc); err != nil {
			return err
		}
		if w.What == "" {
			return errors.New(`missing field "what" (the signature and key checked)`)
		}
		if w.Verdict == "" {
			return errors.New(`missing field "verdict" (the DKIM result)`)
		}
	case Verify:
		if w.What == "" {
			return errors.New(`missing field "what"`)
		}
		if w.Verdict == "" {
			return errors.New(`missing field "verdict"`)
		}
		if w.Docs != nil {
			if err := checkDocList("docs", w.Docs); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkDerive(w *wire, v int64) error {
	if err := checkDocList("parents", w.Parents); err != nil {
		return err
	}
	if err := checkParentEvents(w.ParentEvents, len(w.Parents), v); err != nil {
		return err
	}
	for _, p := range w.Parents {
		if p == w.Doc {
			return errors.New("a derived document cannot be its own parent")
		}
	}
	if w.Kind == "" {
		return errors.New(`missing field "kind"`)
	}
	if !deriveKinds[w.Kind] {
		return fmt.Errorf(`field "kind" is %q; expected redaction, conversion, extraction, translation or other`, w.Kind)
	}
	return nil
}

func checkTime(s string) error {
	if s == "" {
		return errors.New(`missing field "time"`)
	}
	t, err := time.Parse(TimeLayout, s)
	if err != nil || t.Format(TimeLayout) != s {
		return fmt.Errorf(`time %q is not in the required format (UTC, whole seconds, like 2025-01-31T09:30:00Z)`, quote.Clip(s))
	}
	return nil
}

// saltSize is the length of an event's salt: 16 bytes in version 1; in
// version 2 the 32-byte seed every field's commitment salt comes from.
func saltSize(v int64) int {
	if v == 1 {
		return 16
	}
	return 32
}

func checkSalt(s string, v int64) error {
	if s == "" {
		return errors.New(`missing field "salt"`)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != saltSize(v) || base64.StdEncoding.EncodeToString(b) != s {
		return fmt.Errorf(`field "salt" must be %d random bytes in standard base64`, saltSize(v))
	}
	return nil
}

// checkParentEvents checks a derive's parent_events: absent in version 1;
// in version 2 one log index per parent, each at least 0.
func checkParentEvents(pe []int64, parents int, v int64) error {
	if v == 1 {
		if pe != nil {
			return errors.New(`field "parent_events" does not belong in version 1 events`)
		}
		return nil
	}
	if len(pe) != parents {
		return fmt.Errorf(`field "parent_events" has %d entries for %d parents`, len(pe), parents)
	}
	for _, i := range pe {
		if i < 0 {
			return fmt.Errorf(`field "parent_events" holds a negative index (%d)`, i)
		}
	}
	return nil
}

func checkDocList(field string, docs []string) error {
	if len(docs) == 0 {
		return fmt.Errorf("missing field %q", field)
	}
	seen := make(map[string]bool, len(docs))
	for _, d := range docs {
		if err := checkDocField(field, d); err != nil {
			return err
		}
		if seen[d] {
			return fmt.Errorf("field %q names document %s twice", field, d)
		}
		seen[d] = true
	}
	return nil
}

func checkDocField(field, s string) error {
	if s == "" {
		return fmt.Errorf("missing field %q", field)
	}
	if _, err := ParseDocID(s); err != nil {
		return fmt.Errorf("field %q: %w", field, err)
	}
	return nil
}

// ParseDocID reads a document ID: exactly 64 lowercase hex digits.
func ParseDocID(s string) ([32]byte, error) {
	var id [32]byte
	if len(s) != 64 {
		return id, fmt.Errorf("document ID %q is not 64 hex digits", quote.Clip(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return id, fmt.Errorf("document ID %q is not 64 lowercase hex digits", quote.Clip(s))
		}
	}
	hex.Decode(id[:], []byte(s))
	return id, nil
}

// Timestamp returns the event's claimed time. It is zero for an event that
// did not come from ParseEvent or Marshal.
func (ev *Event) Timestamp() time.Time {
	t, _ := time.Parse(TimeLayout, ev.Time)
	return t
}

// DocIDs returns every document the event names: its doc, a derivation's
// parents, and the documents of an export or receive. The log indexes the
// event under each of them.
func (ev *Event) DocIDs() [][32]byte {
	var out [][32]byte
	add := func(s string) {
		if id, err := ParseDocID(s); err == nil {
			out = append(out, id)
		}
	}
	if ev.Doc != "" {
		add(ev.Doc)
	}
	for _, p := range ev.Parents {
		add(p)
	}
	for _, d := range ev.Docs {
		add(d)
	}
	return out
}

// Introduces returns the documents whose arrival in the archive this event
// records: the doc of an ingest or derive, the documents of a receive.
// Every document in an archive must be introduced by some event.
func (ev *Event) Introduces() [][32]byte {
	var out [][32]byte
	switch ev.Type {
	case Ingest, Derive:
		if id, err := ParseDocID(ev.Doc); err == nil {
			out = append(out, id)
		}
	case Receive:
		for _, d := range ev.Docs {
			if id, err := ParseDocID(d); err == nil {
				out = append(out, id)
			}
		}
	}
	return out
}

// checkNames checks a receive's names: absent in version 1; in version 2,
// when present, one non-empty name per document.
func checkNames(names []string, docs int, v int64) error {
	if names == nil {
		return nil
	}
	if v == 1 {
		return errors.New(`field "names" does not belong in version 1 events`)
	}
	if len(names) != docs {
		return fmt.Errorf(`field "names" has %d entries for %d documents`, len(names), docs)
	}
	for _, n := range names {
		if n == "" {
			return errors.New(`field "names" has an empty name`)
		}
	}
	return nil
}
