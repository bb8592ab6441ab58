package provenance

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/archive/strictjson"
	"strconv"
	"time"
	"unicode/utf8"
)

// Version is the event format this package writes. It reads versions 1
// and 2: version 2 added field commitments (seal.go) and parent_events.
const Version = 2

// readable says which versions ParseEvent interprets.
func readable(v int64) bool { return v == 1 || v == 2 }

// MaxEventSize bounds one event's bytes. An export or receive event lists
// its documents, 67 bytes each, so one event names at most about 60,000;
// larger sets are recorded as several events.
const MaxEventSize = 4 << 20

// TimeLayout is the one accepted form of an event's time: RFC 3339, UTC,
// whole seconds, with a literal Z.
const TimeLayout = "2006-01-02T15:04:05Z"

// Event types.
const (
	Ingest   = "ingest"
	Derive   = "derive"
	Annotate = "annotate"
	Export   = "export"
	Receive  = "receive"
	Verify   = "verify"
	// Repair (version 2) records that a damaged document's bytes were
	// rewritten from an intact copy whose SHA-256 is the document's ID.
	Repair = "repair"
	// DKIM (version 2) records the outcome of a DKIM check of a message
	// (doc): verdict is the result, what the signature, key record hash,
	// time judged and verifier (archive/dkimrecord), source where the key
	// record came from.
	DKIM = "dkim"
)

// Derivation kinds.
var deriveKinds = map[string]bool{
	"redaction": true, "conversion": true, "extraction": true, "translation": true, "other": true,
}

// ErrVersion is wrapped by ParseEvent's error for an event written in a
// format version this package cannot interpret.
var ErrVersion = errors.New("unknown event version")

// Event is one entry of the log. Only the fields of its Type are set; doc
// IDs are 64 lowercase hex digits (the SHA-256 of the document's bytes).
// Time is a claim by the writer, not a proof: the order of events is their
// index in the log.
type Event struct {
	V     int    `json:"v"`
	Type  string `json:"type"`
	Time  string `json:"time"`
	Actor string `json:"actor"`
	Salt  string `json:"salt"`

	Doc    string `json:"doc,omitempty"`    // ingest, derive, annotate
	Size   int64  `json:"size,omitempty"`   // ingest, derive (always written for them)
	Name   string `json:"name,omitempty"`   // ingest, derive
	Path   string `json:"path,omitempty"`   // ingest: relative path it was imported from
	Source string `json:"source,omitempty"` // ingest: source label; repair: where the intact copy came from; dkim: where the key record came from

	Parents []string `json:"parents,omitempty"` // derive
	// ParentEvents holds, for each parent, the index of the event of this
	// log that introduced it (version 2): public, so a redaction can say
	// which recorded document it came from without naming it.
	ParentEvents []int64  `json:"parent_events,omitempty"`
	Kind         string   `json:"kind,omitempty"` // derive
	Tags         []string `json:"tags,omitempty"` // annotate

	Bundle string   `json:"bundle,omitempty"` // export, receive
	Docs   []string `json:"docs,omitempty"`   // export, receive; verify: the damaged documents
	// Names are, for a receive (version 2), the name each of Docs was
	// recorded under, so the next hop's names are signed too.
	Names          []string `json:"names,omitempty"`
	CheckpointSize int64    `json:"checkpoint_size,omitempty"` // export (always written for it)
	Origin         string   `json:"origin,omitempty"`          // receive: sender's log origin
	Checkpoint     string   `json:"checkpoint,omitempty"`      // receive: sender's signed note
	Forced         bool     `json:"forced,omitempty"`          // receive: accepted despite a problem

	What    string `json:"what,omitempty"`    // verify; repair: what was damaged
	Verdict string `json:"verdict,omitempty"` // verify

	Note string `json:"note,omitempty"` // any type but verify
}

// wire is Event as encoded, with pointers where a zero value must still be
// written (an empty document has size 0) or its absence noticed.
type wire struct {
	V              json.RawMessage `json:"v"`
	Type           string          `json:"type"`
	Time           string          `json:"time"`
	Actor          string          `json:"actor"`
	Doc            string          `json:"doc,omitempty"`
	Size           *int64          `json:"size,omitempty"`
	Name           string          `json:"name,omitempty"`
	Path           string          `json:"path,omitempty"`
	Source         string          `json:"source,omitempty"`
	Parents        []string        `json:"parents,omitempty"`
	ParentEvents   []int64         `json:"parent_events,omitempty"`
	Kind           string          `json:"kind,omitempty"`
	Tags           []string        `json:"tags,omitempty"`
	Bundle         string          `json:"bundle,omitempty"`
	Origin         string          `json:"origin,omitempty"`
	Checkpoint     string          `json:"checkpoint,omitempty"`
	CheckpointSize *int64          `json:"checkpoint_size,omitempty"`
	Docs           []string        `json:"docs,omitempty"`
	Names          []string        `json:"names,omitempty"`
	Forced         bool            `json:"forced,omitempty"`
	What           string          `json:"what,omitempty"`
	Verdict        string          `json:"verdict,omitempty"`
	Note           string          `json:"note,omitempty"`
	Salt           string          `json:"salt"`
}

// fieldsOf lists, per type, the fields an event may carry beyond
// v, type, time, actor and salt.
var fieldsOf = map[string]map[string]bool{
	Ingest:   set("doc", "size", "name", "path", "source", "note"),
	Derive:   set("doc", "size", "name", "parents", "parent_events", "kind", "note"),
	Annotate: set("doc", "tags", "note"),
	Export:   set("bundle", "docs", "checkpoint_size", "note"),
	Receive:  set("bundle", "origin", "checkpoint", "docs", "names", "forced", "note"),
	Verify:   set("what", "verdict", "docs"),
	Repair:   set("doc", "what", "source", "note"),
	DKIM:     set("doc", "what", "verdict", "source"),
}

var commonFields = set("v", "type", "time", "actor", "salt")

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// Marshal encodes ev as the bytes to append, filling V, a fresh random Salt
// and the current time when they are empty. It checks the result with
// ParseEvent, so an event that could not be read back is never written.
func Marshal(ev *Event) ([]byte, error) {
	return MarshalAt(ev, time.Now())
}

// MarshalAt is Marshal with the time taken from now (an injected clock)
// when ev.Time is empty.
func MarshalAt(ev *Event, now time.Time) ([]byte, error) {
	b, _, err := marshalChecked(ev, now)
	return b, err
}

// marshalChecked is MarshalAt, also returning the event parsed back from
// the bytes (the check that they read back as they were meant).
func marshalChecked(ev *Event, now time.Time) ([]byte, *Event, error) {
	w := wire{
		Type: ev.Type, Time: ev.Time, Actor: ev.Actor, Salt: ev.Salt,
		Doc: ev.Doc, Name: ev.Name, Path: ev.Path, Source: ev.Source,
		Parents: ev.Parents, ParentEvents: ev.ParentEvents, Kind: ev.Kind, Tags: ev.Tags,
		Bundle: ev.Bundle, Origin: ev.Origin, Checkpoint: ev.Checkpoint,
		Docs: ev.Docs, Names: ev.Names, Forced: ev.Forced, What: ev.What, Verdict: ev.Verdict, Note: ev.Note,
	}
	v := ev.V
	if v == 0 {
		v = Version
	}
	w.V = json.RawMessage(strconv.Itoa(v))
	if w.Time == "" {
		w.Time = now.UTC().Format(TimeLayout)
	}
	if w.Salt == "" {
		salt := make([]byte, saltSize(int64(v)))
		if _, err := rand.Read(salt); err != nil {
			return nil, nil, fmt.Errorf("event: cannot make a random salt: %w", err)
		}
		w.Salt = base64.StdEncoding.EncodeToString(salt)
	}
	switch ev.Type {
	case Ingest, Derive:
		size := ev.Size
		w.Size = &size
	case Export:
		cs := ev.CheckpointSize
		w.CheckpointSize = &cs
	}
	if err := checkStrings(ev); err != nil {
		return nil, nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&w); err != nil {
		return nil, nil, fmt.Errorf("event: %w", err)
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	parsed, err := ParseEvent(b)
	if err != nil {
		return nil, nil, err
	}
	return b, parsed, nil
}

// checkStrings refuses text that JSON cannot carry unchanged: encoding/json
// would silently replace invalid UTF-8 with U+FFFD, and the event would
// then record a name that is not the file's.
func checkStrings(ev *Event) error {
	fields := map[string]string{
		"actor": ev.Actor, "name": ev.Name, "path": ev.Path, "source": ev.Source,
		"kind": ev.Kind, "bundle": ev.Bundle, "origin": ev.Origin, "checkpoint": ev.Checkpoint,
		"what": ev.What, "verdict": ev.Verdict, "note": ev.Note,
	}
	for name, s := range fields {
		if !utf8.ValidString(s) {
			return fmt.Errorf("event: field %q is not valid UTF-8; escape it before recording it", name)
		}
	}
	for _, s := range ev.Tags {
		if !utf8.ValidString(s) {
			return errors.New(`event: a tag is not valid UTF-8; escape it before recording it`)
		}
	}
	for _, s := range ev.Names {
		if !utf8.ValidString(s) {
			return errors.New(`event: a name is not valid UTF-8; escape it before recording it`)
		}
	}
	return nil
}

// ParseEvent reads one event's bytes strictly. It reports, never panics:
// input over MaxEventSize, invalid UTF-8, anything but one JSON object,
// duplicate or unknown fields, a version it cannot interpret, an unknown
// type, fields that do not belong to the type, missing required fields,
// malformed document IDs, and a time not in TimeLayout.
func ParseEvent(b []byte) (*Event, error) {
	ev, err := parseEvent(b)
	if err != nil {
		return nil, fmt.Errorf("event: %w", err)
	}
	return ev, nil
}

func parseEvent(b []byte) (*Event, error) {
	if len(b) > MaxEventSize {
		return nil, fmt.Errorf("event is %d bytes, more than the limit of %d", len(b), MaxEventSize)
	}
	if !utf8.Valid(b) {
		return nil, errors.New("not valid UTF-8")
	}
	allKnown := func(container, key string) bool {
		if container != "" {
			return false
		}
		if commonFields[key] {
			return true
		}
		for _, f := range fieldsOf {
			if f[key] {
				return true
			}
		}
		return false
	}
	present := map[string]bool{} // key → its value is null
	if err := strictjson.CheckKeys(b, allKnown, func(k string, null bool) { present[k] = null }); err != nil {
		// A newer version may add fields: say that rather than "unknown field".
		var head struct{ V int64 }
		if json.Unmarshal(b, &head) == nil && head.V != 0 && !readable(head.V) {
			return nil, fmt.Errorf("cannot interpret version %d events (this Custody reads versions 1 and 2; a newer Custody may): %w", head.V, ErrVersion)
		}
		return nil, err
	}
	var w wire
	// Unmarshal fills what it can even when a field has the wrong type,
	// so the version is judged first: it decides how to read the rest.
	uerr := json.Unmarshal(b, &w)
	if null, ok := present["v"]; !ok || null {
		return nil, errors.New(`missing field "v" (the format version)`)
	}
	var v int64
	if err := json.Unmarshal(w.V, &v); err != nil {
		return nil, fmt.Errorf(`field "v" is %s, not a whole number`, quote.Clip(string(w.V)))
	}
	if !readable(v) {
		return nil, fmt.Errorf("cannot interpret version %d events (this Custody reads versions 1 and 2; a newer Custody may): %w", v, ErrVersion)
	}
	if uerr != nil {
		return nil, strictjson.ExplainType(uerr)
	}
	if err := checkWire(&w, present, v); err != nil {
		return nil, err
	}
	ev := &Event{
		V: int(v), Type: w.Type, Time: w.Time, Actor: w.Actor, Salt: w.Salt,
		Doc: w.Doc, Name: w.Name, Path: w.Path, Source: w.Source,
		Parents: w.Parents, ParentEvents: w.ParentEvents, Kind: w.Kind, Tags: w.Tags,
		Bundle: w.Bundle, Origin: w.Origin, Checkpoint: w.Checkpoint,
		Docs: w.Docs, Names: w.Names, Forced: w.Forced, What: w.What, Verdict: w.Verdict, Note: w.Note,
	}
	if w.Size != nil {
		ev.Size = *w.Size
	}
	if w.CheckpointSize != nil {
		ev.CheckpointSize = *w.CheckpointSize
	}
	return ev, nil
}
