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
	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// ProofFormat names the proof file format written by Prove:
//
//	{
//	  "format": "custody-proof-v1",
//	  "doc": "<64 hex: the document's SHA-256>",
//	  "checkpoint": "<the signed checkpoint note>",
//	  "key": "<the signer's verifier key, name+hash+base64>",
//	  "events": [
//	    {"index": N, "event": "<the event's exact bytes, as a JSON string>",
//	     "proof": ["<base64 hash>", ...]}
//	  ],
//	  "consistency": [{"from": M, "proof": ["<base64 hash>", ...]}]
//	}
//
// events holds the document's provenance chain (see Chain), each with its
// inclusion proof in the checkpoint's tree, oldest first. consistency holds,
// for every earlier checkpoint the archive signed, the proof that this
// checkpoint's tree extends the tree of size M, so a verifier who already
// holds an earlier published checkpoint can tell continuation from a fork.
// The key is informative only: it never makes a signer trusted.
const ProofFormat = "custody-proof-v1"

// Bounds on a proof file, so reading one costs bounded memory and time.
const (
	MaxProofSize   = 64 << 20
	MaxProofEvents = 100000
	MaxProofHashes = 64 // a proof in a tree of 2⁶² events has at most 62
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

	cp *Checkpoint // parsed but unverified
}

// ProvenEvent is one event of a proof with its inclusion proof.
type ProvenEvent struct {
	Index int64
	Event []byte // exact bytes
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
}

type proofEventWire struct {
	Index int64    `json:"index"`
	Event string   `json:"event"`
	Proof []string `json:"proof"`
}

type consistencyWire struct {
	From  int64    `json:"from"`
	Proof []string `json:"proof"`
}

var proofFields = map[string]map[string]bool{
	"":            set("format", "doc", "checkpoint", "key", "events", "consistency"),
	"events":      set("index", "event", "proof"),
	"consistency": set("from", "proof"),
}

// Prove writes the proof file for doc against checkpoint cp (the latest
// when nil), naming vkey as the signer's verifier key. Events of doc's
// chain appended after cp are left out; cp must already cover the event
// that introduced doc.
func Prove(db *badger.DB, doc [32]byte, cp *Checkpoint, vkey string) ([]byte, error) {
	w := proofWire{Format: ProofFormat, Doc: hex.EncodeToString(doc[:]), Key: vkey}
	err := db.View(func(txn *badger.Txn) error {
		stored, err := checkpointFor(txn, cp)
		if err != nil {
			return err
		}
		cp = stored
		w.Checkpoint = string(cp.Note)
		hr := txnHashes{txn}
		root, err := tlog.TreeHash(cp.Size, hr)
		if err != nil {
			return err
		}
		if root != cp.Root {
			return fmt.Errorf("log: the stored tree no longer matches its checkpoint of size %d; run verify", cp.Size)
		}
		chain, err := newChainWalker(txn).chain(doc)
		if err != nil {
			return err
		}
		introduced := false
		for _, i := range chain {
			if i >= cp.Size {
				break
			}
			b, err := eventTxn(txn, i)
			if err != nil {
				return err
			}
			rp, err := tlog.ProveRecord(cp.Size, i, hr)
			if err != nil {
				return err
			}
			if ev, err := ParseEvent(b); err == nil && containsDoc(ev.Introduces(), doc) {
				introduced = true
			}
			w.Events = append(w.Events, proofEventWire{Index: i, Event: string(b), Proof: hashStrings(rp)})
		}
		if !introduced {
			return fmt.Errorf("log: document %x has no ingest, derive or receive event covered by the checkpoint of size %d", doc, cp.Size)
		}
		return consistencyFor(txn, cp.Size, &w)
	})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(&w); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// checkpointFor returns the stored checkpoint matching cp, or the latest.
func checkpointFor(txn *badger.Txn, cp *Checkpoint) (*Checkpoint, error) {
	if cp == nil {
		latest, err := latestTxn(txn)
		if err != nil {
			return nil, err
		}
		if latest == nil {
			return nil, errors.New("log: no checkpoint has been signed yet")
		}
		return latest, nil
	}
	item, err := txn.Get(CheckpointKey(cp.Size))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, fmt.Errorf("log: this archive never signed a checkpoint of size %d", cp.Size)
	}
	if err != nil {
		return nil, err
	}
	stored, err := storedCheckpoint(item)
	if err != nil {
		return nil, err
	}
	if stored.Root != cp.Root || stored.Origin != cp.Origin {
		return nil, fmt.Errorf("log: the checkpoint of size %d differs from the one this archive signed", cp.Size)
	}
	return stored, nil
}

// MaxProofConsistency bounds how many earlier checkpoints a proof carries
// consistency proofs from: the newest ones, so a proof stays a few
// megabytes however many checkpoints the archive has signed (one per
// operation). A verifier holding an older published checkpoint can ask the
// archivist for a proof made against it.
const MaxProofConsistency = 1000

func consistencyFor(txn *badger.Txn, size int64, w *proofWire) error {
	opt := badger.DefaultIteratorOptions
	opt.Prefix = CheckpointPrefix
	opt.PrefetchValues = false
	it := txn.NewIterator(opt)
	var froms []int64
	for it.Rewind(); it.Valid(); it.Next() {
		from, ok := KeyInt(it.Item().Key(), CheckpointPrefix)
		if !ok || from < 1 || from >= size {
			continue
		}
		froms = append(froms, from)
	}
	it.Close()
	if len(froms) > MaxProofConsistency {
		froms = froms[len(froms)-MaxProofConsistency:]
	}
	for _, from := range froms {
		tp, err := tlog.ProveTree(size, from, txnHashes{txn})
		if err != nil {
			return err
		}
		w.Consistency = append(w.Consistency, consistencyWire{From: from, Proof: hashStrings(tp)})
	}
	return nil
}

func hashStrings(hs []tlog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	return out
}

func containsDoc(list [][32]byte, d [32]byte) bool {
	for _, x := range list {
		if x == d {
			return true
		}
	}
	return false
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
	err := checkKeys(b, func(container, key string) bool { return proofFields[container][key] }, nil)
	if err != nil {
		return nil, err
	}
	var w proofWire
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, jsonTypeError(err)
	}
	if w.Format != ProofFormat {
		return nil, fmt.Errorf("format %q is not %q", quote.Clip(w.Format), ProofFormat)
	}
	p := &Proof{Checkpoint: []byte(w.Checkpoint), Key: w.Key}
	if p.Doc, err = ParseDocID(w.Doc); err != nil {
		return nil, err
	}
	if _, err := note.NewVerifier(w.Key); err != nil {
		return nil, fmt.Errorf("key %q is not a verifier key", quote.Clip(w.Key))
	}
	if p.cp, err = parseUnverified(p.Checkpoint); err != nil {
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
		p.Events = append(p.Events, ProvenEvent{Index: e.Index, Event: []byte(e.Event), Proof: rp})
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
