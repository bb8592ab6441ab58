// Package tlogproof reads and writes transparency-log proofs in the
// standard c2sp.org/tlog-proof@v1 text format: an optional "extra" line,
// the entry's index, its RFC 6962 inclusion proof, a blank line and the
// checkpoint (with any witness cosignatures) verbatim.
//
// Custody puts the exact bytes of the log event that introduced the
// document (its ingest, derive or receive event, sealed: private fields
// only as commitments) and the opening of its document ID in the extra
// line (Entry), so a reader can hash the event into the proven leaf and
// read the document's SHA-256 from it. The format itself says the extra
// data is not authenticated; here it is, because the event's hash is the
// leaf the inclusion proof proves and the opening matches its commitment.
package tlogproof

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/custody-app/custody/archive/provenance"
	"golang.org/x/mod/sumdb/tlog"
)

// Header is the first line of every proof.
const Header = "c2sp.org/tlog-proof@v1"

// Limits of a proof from a stranger.
const (
	MaxSize   = provenance.MaxCheckpointSize + 2*provenance.MaxEventSize + 8<<10
	maxHashes = 63
)

// ErrMalformed is wrapped by every parse error.
var ErrMalformed = errors.New("malformed tlog-proof")

// Proof is a parsed tlog-proof.
type Proof struct {
	Extra      []byte // nil when the line is absent
	Index      int64
	Path       tlog.RecordProof
	Checkpoint []byte // the signed note, cosignatures included
}

// Bytes writes the proof.
func (p *Proof) Bytes() []byte {
	var b bytes.Buffer
	b.WriteString(Header + "\n")
	if p.Extra != nil {
		b.WriteString("extra " + base64.StdEncoding.EncodeToString(p.Extra) + "\n")
	}
	fmt.Fprintf(&b, "index %d\n", p.Index)
	for _, h := range p.Path {
		b.WriteString(base64.StdEncoding.EncodeToString(h[:]) + "\n")
	}
	b.WriteByte('\n')
	b.Write(p.Checkpoint)
	return b.Bytes()
}

// Parse reads a proof strictly. The checkpoint is returned unverified.
func Parse(data []byte) (*Proof, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, a...)...)
	}
	if len(data) > MaxSize {
		return nil, bad("%d bytes, more than the limit of %d", len(data), MaxSize)
	}
	next := func() (string, bool) {
		line, rest, ok := bytes.Cut(data, []byte("\n"))
		if !ok {
			return "", false
		}
		data = rest
		return string(line), true
	}
	if l, ok := next(); !ok || l != Header {
		return nil, bad("the first line is not %q", Header)
	}
	p := &Proof{}
	l, ok := next()
	if !ok {
		return nil, bad("it ends after its first line")
	}
	if v, isExtra := strings.CutPrefix(l, "extra "); isExtra {
		extra, err := base64.StdEncoding.Strict().DecodeString(v)
		if err != nil || base64.StdEncoding.EncodeToString(extra) != v {
			return nil, bad("the extra line is not standard base64")
		}
		p.Extra = extra
		if l, ok = next(); !ok {
			return nil, bad("no index line")
		}
	}
	v, isIndex := strings.CutPrefix(l, "index ")
	n, err := strconv.ParseInt(v, 10, 64)
	if !isIndex || err != nil || n < 0 || strconv.FormatInt(n, 10) != v {
		return nil, bad("no index line (\"index <n>\", decimal without leading zeros)")
	}
	p.Index = n
	for {
		l, ok := next()
		if !ok {
			return nil, bad("no blank line before the checkpoint")
		}
		if l == "" {
			break
		}
		if len(p.Path) == maxHashes {
			return nil, bad("more than %d proof hashes", maxHashes)
		}
		h, err := base64.StdEncoding.Strict().DecodeString(l)
		if err != nil || len(h) != tlog.HashSize || base64.StdEncoding.EncodeToString(h) != l {
			return nil, bad("proof line %d is not a 32-byte hash in standard base64", len(p.Path)+1)
		}
		p.Path = append(p.Path, tlog.Hash(h))
	}
	if len(data) == 0 {
		return nil, bad("no checkpoint after the blank line")
	}
	p.Checkpoint = bytes.Clone(data)
	return p, nil
}

// Entry is what Custody puts in a proof's extra data: the log event's
// exact bytes (the leaf) and the openings of its document ID, the one
// private field the proof discloses (the reader holds the document).
type Entry struct {
	Event []byte
	Open  []provenance.Opening
}

type entryWire struct {
	Event string               `json:"event"`
	Open  []provenance.Opening `json:"open"`
}

// EncodeEntry is the extra data for an entry.
func EncodeEntry(e *Entry) []byte {
	b, _ := json.Marshal(entryWire{Event: string(e.Event), Open: e.Open}) // strings and ints only
	return b
}

// Entry reads the proof's extra data as Custody's entry.
func (p *Proof) Entry() (*Entry, error) {
	if p.Extra == nil {
		return nil, fmt.Errorf("%w: the proof carries no entry (no extra line)", provenance.ErrIncomplete)
	}
	dec := json.NewDecoder(bytes.NewReader(p.Extra))
	dec.DisallowUnknownFields()
	var w entryWire
	if err := dec.Decode(&w); err != nil || dec.More() {
		return nil, fmt.Errorf("%w: the extra data is not a Custody entry", ErrMalformed)
	}
	if len(w.Open) > 8 {
		return nil, fmt.Errorf("%w: the entry opens %d fields", ErrMalformed, len(w.Open))
	}
	return &Entry{Event: []byte(w.Event), Open: w.Open}, nil
}

// Check checks that the entry's event is the index'th leaf of the tree
// cp (already verified) commits to, and opens it.
func (p *Proof) Check(cp *provenance.Checkpoint) (*provenance.View, error) {
	e, err := p.Entry()
	if err != nil {
		return nil, err
	}
	if err := provenance.CheckEvent(cp, p.Index, e.Event, p.Path); err != nil {
		return nil, err
	}
	return provenance.OpenEvent(e.Event, e.Open)
}
