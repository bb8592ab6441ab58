package provenance

import "time"

// Prepared is an event marshalled and checked, ready to append: the bytes
// are parsed once (Marshal's check) rather than again when appended.
// Preparing is most of an append's work and needs no store, so an importer
// prepares events on its workers and its single committer only appends
// (archive/logstore's AppendPrepared).
type Prepared struct {
	bytes  []byte
	leaf   []byte // what the leaf hash covers: the sealed form (version 2)
	parsed *Event
	ev     Event // as given, to prepare again at another time
}

// Prepare marshals ev as Marshal does (now is its time, unless set) and
// checks that the bytes parse back.
func Prepare(ev *Event, now time.Time) (*Prepared, error) {
	b, parsed, err := marshalChecked(ev, now)
	if err != nil {
		return nil, err
	}
	leaf := b
	if parsed.V != 1 {
		if leaf, err = parsed.Seal(); err != nil {
			return nil, err
		}
	}
	return &Prepared{b, leaf, parsed, *ev}, nil
}

// Leaf is what the event's leaf hash covers: its sealed form (version 2),
// or its bytes (version 1).
func (p *Prepared) Leaf() []byte { return p.leaf }

// Bytes are the event's exact bytes, as they will be stored and hashed.
func (p *Prepared) Bytes() []byte { return p.bytes }

// Parsed is the event as read back from Bytes.
func (p *Prepared) Parsed() *Event { return p.parsed }

// Time is the event's time, in TimeLayout (which sorts as text).
func (p *Prepared) Time() string { return p.parsed.Time }

// At prepares the same event again with time now (for an event prepared
// earlier that must not claim a time before the log's last event).
func (p *Prepared) At(now time.Time) (*Prepared, error) {
	ev := p.ev
	return Prepare(&ev, now)
}
