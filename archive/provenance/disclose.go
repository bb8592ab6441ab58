package provenance

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/archive/strictjson"
)

// Opening discloses one committed value of a sealed event: element I of
// Field (0 for a field that is not a list), with the salt that opens its
// commitment.
type Opening struct {
	Field string `json:"field"`
	I     int    `json:"i"`
	Salt  string `json:"salt"`
	Value string `json:"value"`
}

// Disclosure chooses what of an event leaves the archive: called for each
// private field value (element i of field), it says whether to open it.
type Disclosure func(field string, i int, value string) bool

// Openings returns the openings of a version 2 event's fields that choose
// accepts, in sealed order. A version 1 event has none: it is shown whole.
func (ev *Event) Openings(choose Disclosure) ([]Opening, error) {
	if ev.V == 1 {
		return nil, nil
	}
	seed, err := base64.StdEncoding.DecodeString(ev.Salt)
	if err != nil || len(seed) != saltSize(2) {
		return nil, errors.New("event: a version 2 event needs its 32-byte seed to be opened")
	}
	var out []Opening
	for _, f := range privateFields {
		for i, v := range ev.fieldValues(f) {
			if choose(f, i, v) {
				out = append(out, Opening{Field: f, I: i, Salt: base64.StdEncoding.EncodeToString(fieldSalt(seed, f, i)), Value: v})
			}
		}
	}
	return out, nil
}

// OpenAll discloses every field.
func OpenAll(string, int, string) bool { return true }

// View is what a holder of an event's sealed bytes and some of its
// openings can read: the public fields, and the private ones that were
// opened. For a version 1 event everything is disclosed.
type View struct {
	Event // disclosed values only; list fields hold their disclosed elements

	// Withheld lists the private fields recorded but not disclosed, in
	// sealed order; a list field appears when any element is withheld.
	Withheld []string
	// Total is the number of committed elements of each list field.
	Total map[string]int
	// ParentIDs is Parents aligned with ParentEvents: "" where withheld.
	ParentIDs []string
	// DocNames maps each disclosed document of a receive to the name
	// recorded for it, when that was disclosed too.
	DocNames map[string]string
}

// Disclosed says whether field (any element of it) was opened.
func (v *View) Disclosed(field string) bool { return !slices.Contains(v.Withheld, field) }

// sealedWire is a version 2 event's sealed form as read.
type sealedWire struct {
	V              json.RawMessage            `json:"v"`
	Type           string                     `json:"type"`
	Time           string                     `json:"time"`
	Actor          string                     `json:"actor"`
	Kind           string                     `json:"kind"`
	ParentEvents   []int64                    `json:"parent_events"`
	CheckpointSize *int64                     `json:"checkpoint_size"`
	Forced         bool                       `json:"forced"`
	Sealed         map[string]json.RawMessage `json:"sealed"`
}

var sealedTop = set("v", "type", "time", "actor", "kind", "parent_events", "checkpoint_size", "forced", "sealed")

// publicOf lists the public fields each type may carry besides v, type,
// time, actor and sealed.
var publicOf = map[string]map[string]bool{
	Derive:  set("kind", "parent_events"),
	Export:  set("checkpoint_size"),
	Receive: set("forced"),
}

// OpenEvent reads an event as a bundle or proof carries it: its leaf bytes
// (a version 1 event, or a version 2 sealed form) and the openings given
// for it. Every opening must match its commitment; an opening that does
// not is an error (the value is not the one that was signed).
func OpenEvent(leaf []byte, openings []Opening) (*View, error) {
	v, err := openEvent(leaf, openings)
	if err != nil {
		return nil, fmt.Errorf("event: %w", err)
	}
	return v, nil
}

func openEvent(leaf []byte, openings []Opening) (*View, error) {
	var head struct{ V int64 }
	if len(leaf) > MaxEventSize {
		return nil, fmt.Errorf("event is %d bytes, more than the limit of %d", len(leaf), MaxEventSize)
	}
	// What this package writes starts with its version; anything else
	// is read whole for it (the strict parse that follows refuses a
	// second "v").
	switch {
	case bytes.HasPrefix(leaf, []byte(`{"v":2,`)):
		head.V = 2
	case bytes.HasPrefix(leaf, []byte(`{"v":1,`)):
		head.V = 1
	default:
		json.Unmarshal(leaf, &head)
	}
	if head.V == 1 {
		if len(openings) > 0 {
			return nil, errors.New("a version 1 event has nothing to open")
		}
		ev, err := parseEvent(leaf)
		if err != nil {
			return nil, err
		}
		return &View{Event: *ev, ParentIDs: ev.Parents}, nil
	}
	w, commits, err := parseSealed(leaf)
	if err != nil {
		return nil, err
	}
	values := map[string][]string{}
	for f, cs := range commits {
		values[f] = make([]string, len(cs))
	}
	opened := map[string][]bool{}
	for f, cs := range commits {
		opened[f] = make([]bool, len(cs))
	}
	for _, o := range openings {
		cs, ok := commits[o.Field]
		if !ok || o.I < 0 || o.I >= len(cs) {
			return nil, fmt.Errorf("an opening names %s element %d, which the event does not commit to", quote.Clip(o.Field), o.I)
		}
		if opened[o.Field][o.I] {
			return nil, fmt.Errorf("field %s element %d is opened twice", o.Field, o.I)
		}
		salt, err := base64.StdEncoding.DecodeString(o.Salt)
		if err != nil || len(salt) != CommitSaltSize || base64.StdEncoding.EncodeToString(salt) != o.Salt {
			return nil, fmt.Errorf("the opening of %s is not a %d-byte salt in standard base64", o.Field, CommitSaltSize)
		}
		if !utf8.ValidString(o.Value) {
			return nil, fmt.Errorf("the opening of %s is not valid UTF-8", o.Field)
		}
		if Commit(o.Field, salt, o.Value) != cs[o.I] {
			return nil, fmt.Errorf("the disclosed %s does not match what was signed: %w", o.Field, ErrOpeningMismatch)
		}
		opened[o.Field][o.I] = true
		values[o.Field][o.I] = o.Value
	}
	return buildView(w, commits, values, opened)
}

// ErrOpeningMismatch is wrapped when a disclosed value is not the one
// the event committed to: the bundle or proof was altered.
var ErrOpeningMismatch = errors.New("disclosed value does not match its commitment")

// parseSealed reads a sealed event strictly, returning its public fields
// and its commitments per field.
func parseSealed(b []byte) (*sealedWire, map[string][][32]byte, error) {
	if !utf8.Valid(b) {
		return nil, nil, errors.New("not valid UTF-8")
	}
	allowed := func(container, key string) bool {
		switch container {
		case "":
			return sealedTop[key]
		case "sealed":
			return privateSet[key]
		}
		return false
	}
	present := map[string]bool{}
	if err := strictjson.CheckKeys(b, allowed, func(k string, null bool) { present[k] = null }); err != nil {
		return nil, nil, err
	}
	var w sealedWire
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, nil, strictjson.ExplainType(err)
	}
	for k, null := range present {
		if null {
			return nil, nil, fmt.Errorf("field %q is null", k)
		}
	}
	if v, err := strconv.ParseInt(string(w.V), 10, 64); err != nil || v != 2 {
		if err == nil && !readable(v) {
			return nil, nil, fmt.Errorf("cannot interpret version %d events (this Custody reads versions 1 and 2; a newer Custody may): %w", v, ErrVersion)
		}
		return nil, nil, fmt.Errorf(`field "v" is %s; a sealed event is version 2`, quote.Clip(string(w.V)))
	}
	allowedFields, ok := fieldsOf[w.Type]
	if !ok {
		return nil, nil, fmt.Errorf("unknown event type %q", quote.Clip(w.Type))
	}
	for k := range present {
		if !commonFields[k] && k != "sealed" && !publicOf[w.Type][k] {
			return nil, nil, fmt.Errorf("field %q does not belong in sealed %s events", k, w.Type)
		}
	}
	if err := checkTime(w.Time); err != nil {
		return nil, nil, err
	}
	if w.Actor == "" {
		return nil, nil, errors.New(`missing field "actor"`)
	}
	if _, ok := present["sealed"]; !ok {
		return nil, nil, errors.New(`missing field "sealed"`)
	}
	commits := map[string][][32]byte{}
	for f, raw := range w.Sealed {
		if !allowedFields[f] {
			return nil, nil, fmt.Errorf("field %q does not belong in %s events", f, w.Type)
		}
		var list []string
		if listFields[f] {
			if err := json.Unmarshal(raw, &list); err != nil || len(list) == 0 {
				return nil, nil, fmt.Errorf("sealed field %q is not a list of commitments", f)
			}
		} else {
			var one string
			if err := json.Unmarshal(raw, &one); err != nil {
				return nil, nil, fmt.Errorf("sealed field %q is not a commitment", f)
			}
			list = []string{one}
		}
		cs := make([][32]byte, len(list))
		for i, s := range list {
			c, err := base64.StdEncoding.DecodeString(s)
			if err != nil || len(c) != 32 || base64.StdEncoding.EncodeToString(c) != s {
				return nil, nil, fmt.Errorf("sealed field %q holds %q, not a 32-byte commitment in standard base64", f, quote.Clip(s))
			}
			copy(cs[i][:], c)
		}
		commits[f] = cs
	}
	if err := checkSealedShape(&w, commits); err != nil {
		return nil, nil, err
	}
	return &w, commits, nil
}

// checkSealedShape checks what can be checked without the values: the
// required fields of the type are committed to, and the public ones fit.
func checkSealedShape(w *sealedWire, commits map[string][][32]byte) error {
	need := func(fields ...string) error {
		for _, f := range fields {
			if len(commits[f]) == 0 {
				return fmt.Errorf("missing field %q", f)
			}
		}
		return nil
	}
	switch w.Type {
	case Ingest:
		return need("doc", "size")
	case Derive:
		if err := need("doc", "size", "parents"); err != nil {
			return err
		}
		if !deriveKinds[w.Kind] {
			return fmt.Errorf(`field "kind" is %q; expected redaction, conversion, extraction, translation or other`, quote.Clip(w.Kind))
		}
		return checkParentEvents(w.ParentEvents, len(commits["parents"]), 2)
	case Annotate:
		if err := need("doc"); err != nil {
			return err
		}
		if len(commits["tags"]) == 0 && len(commits["note"]) == 0 {
			return errors.New(`an annotate event needs "tags" or "note"`)
		}
	case Export:
		if w.CheckpointSize == nil || *w.CheckpointSize < 0 {
			return errors.New(`missing or negative field "checkpoint_size"`)
		}
		return need("bundle", "docs")
	case Receive:
		if n := len(commits["names"]); n > 0 && n != len(commits["docs"]) {
			return fmt.Errorf(`field "names" has %d entries for %d documents`, n, len(commits["docs"]))
		}
		return need("bundle", "origin", "checkpoint", "docs")
	case Verify:
		return need("what", "verdict")
	case Repair:
		return need("doc", "what", "source")
	case DKIM:
		return need("doc", "what", "verdict")
	}
	return nil
}

// buildView fills a View from the sealed event and the opened values,
// checking each opened value as ParseEvent would check it.
func buildView(w *sealedWire, commits map[string][][32]byte, values map[string][]string, opened map[string][]bool) (*View, error) {
	v := &View{Total: map[string]int{}}
	v.V, v.Type, v.Time, v.Actor, v.Kind, v.Forced = 2, w.Type, w.Time, w.Actor, w.Kind, w.Forced
	v.ParentEvents = w.ParentEvents
	if w.CheckpointSize != nil {
		v.CheckpointSize = *w.CheckpointSize
	}
	for _, f := range privateFields {
		cs := commits[f]
		if len(cs) == 0 {
			continue
		}
		if listFields[f] {
			v.Total[f] = len(cs)
		}
		var disclosed []string
		for i := range cs {
			if opened[f][i] {
				disclosed = append(disclosed, values[f][i])
			}
		}
		if len(disclosed) < len(cs) {
			v.Withheld = append(v.Withheld, f)
		}
		if err := v.set(f, disclosed); err != nil {
			return nil, err
		}
	}
	if v.Type == Receive && len(commits["names"]) > 0 {
		v.DocNames = map[string]string{}
		for i := range commits["docs"] {
			if opened["docs"][i] && i < len(opened["names"]) && opened["names"][i] {
				v.DocNames[values["docs"][i]] = values["names"][i]
			}
		}
	}
	if v.Type == Derive {
		v.ParentIDs = make([]string, len(commits["parents"]))
		for i := range v.ParentIDs {
			if opened["parents"][i] {
				v.ParentIDs[i] = values["parents"][i]
			}
		}
		for _, p := range v.Parents {
			if p == v.Doc {
				return nil, errors.New("a derived document cannot be its own parent")
			}
		}
	}
	return v, nil
}

// set stores the disclosed values of one private field, checked.
func (v *View) set(field string, vals []string) error {
	if len(vals) == 0 {
		return nil
	}
	switch field {
	case "doc":
		v.Doc = vals[0]
		return checkDocField("doc", v.Doc)
	case "size":
		n, err := strconv.ParseInt(vals[0], 10, 64)
		if err != nil || n < 0 || strconv.FormatInt(n, 10) != vals[0] {
			return fmt.Errorf(`disclosed size %q is not a whole number of bytes`, quote.Clip(vals[0]))
		}
		v.Size = n
	case "name":
		v.Name = vals[0]
	case "path":
		v.Path = vals[0]
	case "source":
		v.Source = vals[0]
	case "parents":
		v.Parents = vals
		return checkDocList("parents", vals)
	case "tags":
		for _, t := range vals {
			if t == "" {
				return errors.New(`field "tags" has an empty tag`)
			}
		}
		v.Tags = vals
	case "bundle":
		v.Bundle = vals[0]
	case "origin":
		v.Origin = vals[0]
	case "checkpoint":
		v.Checkpoint = vals[0]
	case "docs":
		v.Docs = vals
		return checkDocList("docs", vals)
	case "names":
		v.Names = vals
	case "what":
		v.What = vals[0]
	case "verdict":
		v.Verdict = vals[0]
	case "note":
		v.Note = vals[0]
	}
	return nil
}

// ParseOpenings reads the openings of one event as a bundle or proof
// carries them: a JSON array of {"field","i","salt","value"} objects.
func ParseOpenings(raw json.RawMessage) ([]Opening, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var out []Opening
	wrapped := append(append([]byte(`{"open":`), raw...), '}')
	allowed := func(container, key string) bool {
		switch container {
		case "":
			return key == "open"
		case "open":
			return key == "field" || key == "i" || key == "salt" || key == "value"
		}
		return false
	}
	if err := strictjson.CheckKeys(wrapped, allowed, nil); err != nil {
		return nil, fmt.Errorf("openings: %w", err)
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("openings: %w", strictjson.ExplainType(err))
	}
	return out, nil
}
