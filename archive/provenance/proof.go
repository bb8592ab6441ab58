package provenance

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/archive/strictjson"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// ProofFormat names the proof file format written by MarshalProof (for
// archive/logstore's Prove):
//
//	{
//	  "format": "custody-proof-v2",
//	  "doc": "<64 hex: the document's SHA-256>",
//	  "checkpoint": "<the signed checkpoint note>",
//	  "key": "<the signer's verifier key, name+hash+base64>",
//	  "events": [
//	    {"index": N, "event": "<the event's leaf bytes, as a JSON string>",
//	     "open": [{"field": F, "i": I, "salt": "<base64>", "value": V}, ...],
//	     "proof": ["<base64 hash>", ...]}
//	  ],
//	  "consistency": [{"from": M, "proof": ["<base64 hash>", ...]}]
//	}
//
// events holds the document's provenance chain (see archive/logstore's
// Chain), each as its leaf bytes (the sealed form of a version 2 event)
// with the openings of the fields it discloses and its inclusion proof in
// the checkpoint's tree, oldest first. consistency holds,
// for every earlier checkpoint the archive signed, the proof that this
// checkpoint's tree extends the tree of size M, so a verifier who already
// holds an earlier published checkpoint can tell continuation from a fork.
// The key is informative only: it never makes a signer trusted.
const ProofFormat = "custody-proof-v2"

// ProofFormatV1 is the format before field commitments; it is still read.
const ProofFormatV1 = "custody-proof-v1"

// Bounds on a proof file, so reading one costs bounded memory and time.
const (
	MaxProofSize   = 64 << 20
	MaxProofEvents = 100000
	MaxProofHashes = 64 // a proof in a tree of 2⁶² events has at most 62
	// MaxProofTimestamps and MaxTimestampSize bound the optional
	// time stamps of the checkpoint (as in a bundle).
	MaxProofTimestamps = 16
	MaxTimestampSize   = 64 << 10
)

// ErrMalformedProof is wrapped by ParseProof's errors.
var ErrMalformedProof = errors.New("malformed proof")

// Proof is a parsed proof file. Its checkpoint is not yet verified.
type Proof struct {
	Doc         [32]byte
	Checkpoint  []byte // the signed note, as given
	Key         string
	Events      []ProvenEvent
	Consistency []Consistency
	// Timestamps are RFC 3161 tokens (DER) over the checkpoint's exact
	// bytes, at most MaxProofTimestamps (optional; checked by
	// archive/tsa, not here).
	Timestamps [][]byte

	cp *Checkpoint // parsed but unverified
}

// ProvenEvent is one event of a proof with its inclusion proof.
type ProvenEvent struct {
	Index int64
	Event []byte // exact leaf bytes: a version 1 event, or a sealed one
	Open  []Opening
	Proof tlog.RecordProof
}

// Consistency proves that the proof's checkpoint extends the tree of size From.
type Consistency struct {
	From  int64
	Proof tlog.TreeProof
}

type proofWire struct {
	Format      string            `json:"format"`
	Doc         string            `json:"doc"`
	Checkpoint  string            `json:"checkpoint"`
	Key         string            `json:"key"`
	Events      []proofEventWire  `json:"events"`
	Consistency []consistencyWire `json:"consistency,omitempty"`
	Timestamps  [][]byte          `json:"timestamps,omitempty"`
}

type proofEventWire struct {
	Index int64     `json:"index"`
	Event string    `json:"event"`
	Open  []Opening `json:"open,omitempty"`
	Proof []string  `json:"proof"`
}

type consistencyWire struct {
	From  int64    `json:"from"`
	Proof []string `json:"proof"`
}

var proofFields = map[string]map[string]bool{
	"":            set("format", "doc", "checkpoint", "key", "events", "consistency", "timestamps"),
	"events":      set("index", "event", "open", "proof"),
	"open":        set("field", "i", "salt", "value"),
	"consistency": set("from", "proof"),
}

// MarshalProof writes p as a proof file: indented JSON, HTML characters
// unescaped, each event's exact bytes as a JSON string. Its checkpoint
// and key are written as given; the caller made them.
func MarshalProof(p *Proof) ([]byte, error) {
	w := proofWire{Format: ProofFormat, Doc: hex.EncodeToString(p.Doc[:]), Checkpoint: string(p.Checkpoint), Key: p.Key}
	for _, e := range p.Events {
		w.Events = append(w.Events, proofEventWire{Index: e.Index, Event: string(e.Event), Open: e.Open, Proof: hashStrings(e.Proof)})
	}
	for _, c := range p.Consistency {
		w.Consistency = append(w.Consistency, consistencyWire{From: c.From, Proof: hashStrings(c.Proof)})
	}
	w.Timestamps = p.Timestamps
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(&w); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func hashStrings(hs []tlog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	return out
}

// ParseProof reads a proof file strictly and within bounds (MaxProofSize,
// MaxProofEvents, MaxProofHashes per proof, every index below the
// checkpoint's size). It does not verify anything; see CheckProof.
func ParseProof(b []byte) (*Proof, error) {
	p, err := parseProof(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedProof, err)
	}
	return p, nil
}

func parseProof(b []byte) (*Proof, error) {
	if len(b) > MaxProofSize {
		return nil, fmt.Errorf("file is %d bytes, more than the limit of %d", len(b), MaxProofSize)
	}
	if !utf8.Valid(b) {
		return nil, errors.New("not valid UTF-8")
	}
	if err := checkArrayLengths(b); err != nil {
		return nil, err
	}
	err := strictjson.CheckKeys(b, func(container, key string) bool { return proofFields[container][key] }, nil)
	if err != nil {
		return nil, err
	}
	var w proofWire
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, strictjson.ExplainType(err)
	}
	if w.Format != ProofFormat && w.Format != ProofFormatV1 {
		return nil, fmt.Errorf("format %q is not %q", quote.Clip(w.Format), ProofFormat)
	}
	p := &Proof{Checkpoint: []byte(w.Checkpoint), Key: w.Key}
	if len(w.Timestamps) > MaxProofTimestamps {
		return nil, fmt.Errorf("has %d time stamps; at most %d are read", len(w.Timestamps), MaxProofTimestamps)
	}
	for i, t := range w.Timestamps {
		if len(t) == 0 || len(t) > MaxTimestampSize {
			return nil, fmt.Errorf("time stamp %d is empty or larger than %d bytes", i+1, MaxTimestampSize)
		}
	}
	p.Timestamps = w.Timestamps
	if p.Doc, err = ParseDocID(w.Doc); err != nil {
		return nil, err
	}
	if _, err := note.NewVerifier(w.Key); err != nil {
		return nil, fmt.Errorf("key %q is not a verifier key", quote.Clip(w.Key))
	}
	if p.cp, err = ParseUnverified(p.Checkpoint); err != nil {
		return nil, err
	}
	size := p.cp.Size
	if len(w.Events) == 0 || len(w.Events) > MaxProofEvents {
		return nil, fmt.Errorf("has %d events; expected 1 to %d", len(w.Events), MaxProofEvents)
	}
	for k, e := range w.Events {
		if e.Index < 0 || e.Index >= size {
			return nil, fmt.Errorf("event index %d is outside the checkpoint's tree of size %d: incomplete proof material", e.Index, size)
		}
		if k > 0 && e.Index <= w.Events[k-1].Index {
			return nil, fmt.Errorf("event indexes are not in increasing order at %d", e.Index)
		}
		if len(e.Event) == 0 || len(e.Event) > MaxEventSize {
			return nil, fmt.Errorf("event %d is empty or larger than %d bytes", e.Index, MaxEventSize)
		}
		rp, err := parseHashes(e.Proof)
		if err != nil {
			return nil, fmt.Errorf("event %d: %w", e.Index, err)
		}
		if w.Format == ProofFormatV1 && e.Open != nil {
			return nil, fmt.Errorf("event %d: a %s file has no openings", e.Index, ProofFormatV1)
		}
		p.Events = append(p.Events, ProvenEvent{Index: e.Index, Event: []byte(e.Event), Open: e.Open, Proof: rp})
	}
	if len(w.Consistency) > MaxProofEvents {
		return nil, fmt.Errorf("has %d consistency proofs; at most %d are read", len(w.Consistency), MaxProofEvents)
	}
	for k, c := range w.Consistency {
		if c.From < 1 || c.From >= size {
			return nil, fmt.Errorf("consistency proof from size %d does not fit the checkpoint's size %d", c.From, size)
		}
		if k > 0 && c.From <= w.Consistency[k-1].From {
			return nil, fmt.Errorf("consistency proofs are not in increasing order at size %d", c.From)
		}
		tp, err := parseHashes(c.Proof)
		if err != nil {
			return nil, fmt.Errorf("consistency proof from size %d: %w", c.From, err)
		}
		p.Consistency = append(p.Consistency, Consistency{From: c.From, Proof: tp})
	}
	return p, nil
}

func parseHashes(list []string) ([]tlog.Hash, error) {
	if len(list) > MaxProofHashes {
		return nil, fmt.Errorf("proof has %d hashes; at most %d are possible", len(list), MaxProofHashes)
	}
	out := make([]tlog.Hash, len(list))
	for i, s := range list {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(b) != tlog.HashSize || base64.StdEncoding.EncodeToString(b) != s {
			return nil, fmt.Errorf("hash %q is not 32 bytes of standard base64", quote.Clip(s))
		}
		copy(out[i][:], b)
	}
	return out, nil
}
