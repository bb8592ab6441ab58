package provenance

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Sealing: what a version 2 event's leaf hash covers.
//
// The archive keeps every event in its open form (all values, and a
// 32-byte secret seed in "salt"). What the Merkle tree hashes is the
// event's sealed form: the public fields as they are (v, type, time, actor,
// a derivation's kind and parent_events, an export's checkpoint_size, a
// receive's forced) and, for every private field, a commitment instead of
// its value, one per element for a list (parents, tags, docs):
//
//	commitment = SHA-256("custody-commit-v2" 0x00 field 0x00 salt value)
//	salt       = first 16 bytes of HMAC-SHA256(seed, field 0x00 decimal(element))
//
// A bundle or proof carries sealed bytes and opens only the fields it
// discloses (an Opening: field, element, salt, value). Revealing one salt
// reveals nothing of the seed or of any other field, so one element of an
// export's list of 194 documents can be shown while the other 193 stay
// commitments nobody can test a guess against.

// commitTag separates commitments from every other hash in the format.
const commitTag = "custody-commit-v2"

// CommitSaltSize is the length of a field's commitment salt.
const CommitSaltSize = 16

// privateFields lists, in the order they are sealed, the fields whose
// values are committed to rather than shown; listFields are committed one
// element at a time.
var privateFields = []string{"doc", "size", "name", "path", "source", "parents", "tags",
	"bundle", "origin", "checkpoint", "docs", "names", "what", "verdict", "note"}

var listFields = set("parents", "tags", "docs", "names")

var privateSet = set(privateFields...)

// Commit returns the commitment to value as element i of field (0 for a
// field that is not a list) under salt.
func Commit(field string, salt []byte, value string) [32]byte {
	h := sha256.New()
	h.Write([]byte(commitTag))
	h.Write([]byte{0})
	h.Write([]byte(field))
	h.Write([]byte{0})
	h.Write(salt)
	h.Write([]byte(value))
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// fieldSalt derives the commitment salt of element i of field from an
// event's seed.
func fieldSalt(seed []byte, field string, i int) []byte {
	m := hmac.New(sha256.New, seed)
	m.Write([]byte(field))
	m.Write([]byte{0})
	m.Write([]byte(strconv.Itoa(i)))
	return m.Sum(nil)[:CommitSaltSize]
}

// fieldValues returns the values of ev's private field, one per element
// (nil when the field is empty or absent from ev's type).
func (ev *Event) fieldValues(field string) []string {
	one := func(s string) []string {
		if s == "" {
			return nil
		}
		return []string{s}
	}
	switch field {
	case "doc":
		return one(ev.Doc)
	case "size":
		if ev.Type == Ingest || ev.Type == Derive {
			return []string{strconv.FormatInt(ev.Size, 10)}
		}
	case "name":
		return one(ev.Name)
	case "path":
		return one(ev.Path)
	case "source":
		return one(ev.Source)
	case "parents":
		return ev.Parents
	case "tags":
		return ev.Tags
	case "bundle":
		return one(ev.Bundle)
	case "origin":
		return one(ev.Origin)
	case "checkpoint":
		return one(ev.Checkpoint)
	case "docs":
		return ev.Docs
	case "names":
		return ev.Names
	case "what":
		return one(ev.What)
	case "verdict":
		return one(ev.Verdict)
	case "note":
		return one(ev.Note)
	}
	return nil
}

// LeafData returns the bytes whose hash is a stored event's leaf: the
// bytes themselves for version 1, the sealed form for version 2.
func LeafData(stored []byte) ([]byte, error) {
	ev, err := ParseEvent(stored)
	if err != nil {
		return nil, err
	}
	if ev.V == 1 {
		return stored, nil
	}
	return ev.Seal()
}

// Seal returns the sealed form of a version 2 event (see the comment at
// the top of this file). It is a pure function of the open form: the same
// event always seals to the same bytes.
func (ev *Event) Seal() ([]byte, error) {
	if ev.V != 2 {
		return nil, fmt.Errorf("event: only version 2 events are sealed (this is version %d)", ev.V)
	}
	seed, err := base64.StdEncoding.DecodeString(ev.Salt)
	if err != nil || len(seed) != saltSize(2) {
		return nil, errors.New("event: a version 2 event needs its 32-byte seed to be sealed")
	}
	var b bytes.Buffer
	b.WriteString(`{"v":2,"type":`)
	writeJSONString(&b, ev.Type)
	b.WriteString(`,"time":`)
	writeJSONString(&b, ev.Time)
	b.WriteString(`,"actor":`)
	writeJSONString(&b, ev.Actor)
	switch ev.Type {
	case Derive:
		b.WriteString(`,"kind":`)
		writeJSONString(&b, ev.Kind)
		b.WriteString(`,"parent_events":[`)
		for i, p := range ev.ParentEvents {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatInt(p, 10))
		}
		b.WriteByte(']')
	case Export:
		b.WriteString(`,"checkpoint_size":`)
		b.WriteString(strconv.FormatInt(ev.CheckpointSize, 10))
	case Receive:
		if ev.Forced {
			b.WriteString(`,"forced":true`)
		}
	}
	b.WriteString(`,"sealed":{`)
	first := true
	for _, f := range privateFields {
		vals := ev.fieldValues(f)
		if len(vals) == 0 {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeJSONString(&b, f)
		b.WriteByte(':')
		if listFields[f] {
			b.WriteByte('[')
		}
		for i, v := range vals {
			if i > 0 {
				b.WriteByte(',')
			}
			c := Commit(f, fieldSalt(seed, f, i), v)
			b.WriteByte('"')
			b.WriteString(base64.StdEncoding.EncodeToString(c[:]))
			b.WriteByte('"')
		}
		if listFields[f] {
			b.WriteByte(']')
		}
	}
	b.WriteString("}}")
	return b.Bytes(), nil
}

// writeJSONString writes s as a JSON string the way events are written:
// encoding/json's escaping without HTML escapes.
func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a string always encodes
	b.Truncate(b.Len() - 1)
}
