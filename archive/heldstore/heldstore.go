// Package heldstore keeps, in the archive's Badger store, the proof
// material of documents received from other archives: each sender's
// signed checkpoint, the verifier key that signed it, and the sender's
// events of the documents' chains with the openings and inclusion proofs
// received (and likewise for every upstream log the sender's bundle
// carried). A later bundle of those documents carries this material on
// unchanged, so that a receiver several hops away checks every signer's
// part itself (see docs/bundle-format.md, "hops").
//
// # Layout
//
//	held/cp/<h>             {"checkpoint": note, "key": verifier key line}
//	held/ev/<h><index>      {"event": leaf bytes, "open": […], "proof": […]}
//	held/doc/<doc><h>       {"depth": d, "events": [index, …]}
//
// h is the SHA-256 of the checkpoint note (32 bytes), index 8 bytes big
// endian, doc the document's 32-byte SHA-256. An event is kept once per
// checkpoint however many documents' chains hold it; its openings are
// the union of those received. A document keeps at most MaxLogsPerDoc
// logs. Everything is written in the transaction that records the
// document's receive event, so a crash leaves it wholly kept or absent.
//
// The material is kept as received. What leaves again is chosen by the
// bundle writer: only the chains of the documents that go, with the
// openings its disclosure choices allow of what was received.
package heldstore

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/custody-app/custody/archive/bundleformat"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/tlog"
)

// Key prefixes of the held material.
var (
	Prefix    = []byte("held/")
	cpPrefix  = []byte("held/cp/")
	evPrefix  = []byte("held/ev/")
	docPrefix = []byte("held/doc/")
)

// MaxLogsPerDoc bounds the logs kept for one document (one per receive
// of it, plus the hops each bundle carried); later ones are not kept.
const MaxLogsPerDoc = 4 * bundleformat.MaxHops

type cpValue struct {
	Checkpoint string `json:"checkpoint"`
	Key        string `json:"key"`
}

type evValue struct {
	Event string               `json:"event"`
	Open  []provenance.Opening `json:"open,omitempty"`
	Proof [][]byte             `json:"proof"`
}

type docValue struct {
	Depth  int     `json:"depth"`
	Events []int64 `json:"events"`
}

func cpKey(h [32]byte) []byte { return append(slices.Clone(cpPrefix), h[:]...) }

func evKey(h [32]byte, i int64) []byte {
	k := append(slices.Clone(evPrefix), h[:]...)
	return binary.BigEndian.AppendUint64(k, uint64(i))
}

func docKey(doc, h [32]byte) []byte {
	k := append(slices.Clone(docPrefix), doc[:]...)
	return append(k, h[:]...)
}

// Keeper writes the material of one received bundle.
type Keeper struct {
	logs   []bundleformat.HeldLog
	hashes [][32]byte
	// written holds the keys this receive wrote whole already: an event
	// shared by many documents' chains is merged and written once.
	written map[string]bool
}

// NewKeeper returns a Keeper of logs (Incoming.Held).
func NewKeeper(logs []bundleformat.HeldLog) *Keeper {
	k := &Keeper{logs: logs, written: map[string]bool{}}
	for _, l := range logs {
		k.hashes = append(k.hashes, sha256.Sum256(l.Checkpoint))
	}
	return k
}

// Put keeps doc's chains inside txn. The caller commits txn with the
// document's receive event; a receive that fails stops, so what Put
// remembers having written is never relied on after a failed commit.
func (k *Keeper) Put(txn *badger.Txn, doc [32]byte, chains []bundleformat.HeldChain) error {
	if len(chains) == 0 {
		return nil
	}
	have, err := logsOf(txn, doc)
	if err != nil {
		return err
	}
	for _, c := range chains {
		if c.Log < 0 || c.Log >= len(k.logs) || len(c.Events) == 0 {
			return fmt.Errorf("held material: document %x names log %d of %d", doc[:6], c.Log, len(k.logs))
		}
		l, h := &k.logs[c.Log], k.hashes[c.Log]
		old, known := have[h]
		if !known && len(have) >= MaxLogsPerDoc {
			continue
		}
		if err := k.putCheckpoint(txn, l, h); err != nil {
			return err
		}
		for _, i := range c.Events {
			if err := k.putEvent(txn, l, h, i); err != nil {
				return err
			}
		}
		v := docValue{Depth: l.Depth, Events: c.Events}
		if known {
			v.Depth = min(v.Depth, old.Depth)
			v.Events = union(old.Events, c.Events)
		}
		b, _ := json.Marshal(v)
		if err := txn.Set(docKey(doc, h), b); err != nil {
			return err
		}
		have[h] = v
	}
	return nil
}

func (k *Keeper) putCheckpoint(txn *badger.Txn, l *bundleformat.HeldLog, h [32]byte) error {
	key := cpKey(h)
	if k.written[string(key)] {
		return nil
	}
	if _, err := txn.Get(key); errors.Is(err, badger.ErrKeyNotFound) {
		b, _ := json.Marshal(cpValue{Checkpoint: string(l.Checkpoint), Key: l.Key})
		if err := txn.Set(key, b); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	k.written[string(key)] = true
	return nil
}

func (k *Keeper) putEvent(txn *badger.Txn, l *bundleformat.HeldLog, h [32]byte, i int64) error {
	key := evKey(h, i)
	if k.written[string(key)] {
		return nil
	}
	at, ok := slices.BinarySearchFunc(l.Events, i, func(e provenance.ProvenEvent, i int64) int { return cmpInt(e.Index, i) })
	if !ok {
		return fmt.Errorf("held material: event %d is not in the log it is listed in", i)
	}
	e := l.Events[at]
	v := evValue{Event: string(e.Event), Open: e.Open}
	for _, p := range e.Proof {
		v.Proof = append(v.Proof, p[:])
	}
	old, err := readEvent(txn, key)
	switch {
	case errors.Is(err, badger.ErrKeyNotFound):
	case err != nil:
		return err
	case old.Event != v.Event:
		return fmt.Errorf("held material: event %d of one checkpoint differs from the one kept", i)
	default:
		v.Open = mergeOpenings(old.Open, v.Open)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := txn.Set(key, b); err != nil {
		return err
	}
	k.written[string(key)] = true
	return nil
}

func readEvent(txn *badger.Txn, key []byte) (*evValue, error) {
	item, err := txn.Get(key)
	if err != nil {
		return nil, err
	}
	var v evValue
	err = item.Value(func(b []byte) error { return json.Unmarshal(b, &v) })
	return &v, err
}

// logsOf returns doc's kept logs by checkpoint hash.
func logsOf(txn *badger.Txn, doc [32]byte) (map[[32]byte]docValue, error) {
	prefix := append(slices.Clone(docPrefix), doc[:]...)
	opt := badger.DefaultIteratorOptions
	opt.Prefix = prefix
	it := txn.NewIterator(opt)
	defer it.Close()
	out := map[[32]byte]docValue{}
	for it.Rewind(); it.Valid(); it.Next() {
		key := it.Item().Key()
		if len(key) != len(prefix)+32 {
			continue
		}
		var v docValue
		if err := it.Item().Value(func(b []byte) error { return json.Unmarshal(b, &v) }); err != nil {
			return nil, fmt.Errorf("held material of document %x: %w", doc[:6], err)
		}
		out[[32]byte(key[len(prefix):])] = v
	}
	return out, nil
}

// scanOver is the number of documents above which keptFor reads every
// document's entries in one pass instead of seeking each: a bundle of
// thousands of documents of which none or few were received.
const scanOver = 64

// keptFor returns the kept logs of each of docs that has any.
func keptFor(txn *badger.Txn, docs [][32]byte) ([]map[[32]byte]docValue, error) {
	var out []map[[32]byte]docValue
	if len(docs) <= scanOver {
		for _, d := range docs {
			have, err := logsOf(txn, d)
			if err != nil {
				return nil, err
			}
			if len(have) > 0 {
				out = append(out, have)
			}
		}
		return out, nil
	}
	want := make(map[[32]byte]bool, len(docs))
	for _, d := range docs {
		want[d] = true
	}
	byDoc := map[[32]byte]map[[32]byte]docValue{}
	opt := badger.DefaultIteratorOptions
	opt.Prefix = docPrefix
	opt.PrefetchValues = false
	it := txn.NewIterator(opt)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		key := it.Item().Key()
		if len(key) != len(docPrefix)+64 {
			continue
		}
		d := [32]byte(key[len(docPrefix) : len(docPrefix)+32])
		if !want[d] {
			continue
		}
		var v docValue
		if err := it.Item().Value(func(b []byte) error { return json.Unmarshal(b, &v) }); err != nil {
			return nil, fmt.Errorf("held material of document %x: %w", d[:6], err)
		}
		if byDoc[d] == nil {
			byDoc[d] = map[[32]byte]docValue{}
		}
		byDoc[d][[32]byte(key[len(docPrefix)+32:])] = v
	}
	for _, have := range byDoc {
		out = append(out, have)
	}
	return out, nil
}

// ForDocs returns the kept logs of docs, each with the events of any of
// their chains (sorted by index), the logs sorted by depth, then by
// checkpoint hash. Nothing is filtered: the caller chooses what leaves.
func ForDocs(db *badger.DB, docs [][32]byte) ([]bundleformat.HeldLog, error) {
	var out []bundleformat.HeldLog
	err := db.View(func(txn *badger.Txn) error {
		type acc struct {
			depth int
			idx   []int64
		}
		logs := map[[32]byte]*acc{}
		kept, err := keptFor(txn, docs)
		if err != nil {
			return err
		}
		for _, have := range kept {
			for h, v := range have {
				a := logs[h]
				if a == nil {
					a = &acc{depth: v.Depth}
					logs[h] = a
				}
				a.depth = min(a.depth, v.Depth)
				a.idx = union(a.idx, v.Events)
			}
		}
		hs := make([][32]byte, 0, len(logs))
		for h := range logs {
			hs = append(hs, h)
		}
		slices.SortFunc(hs, func(x, y [32]byte) int {
			if c := cmpInt(int64(logs[x].depth), int64(logs[y].depth)); c != 0 {
				return c
			}
			return bytes.Compare(x[:], y[:])
		})
		for _, h := range hs {
			l, err := readLog(txn, h, logs[h].depth, logs[h].idx)
			if err != nil {
				return err
			}
			out = append(out, *l)
		}
		return nil
	})
	return out, err
}

func readLog(txn *badger.Txn, h [32]byte, depth int, idx []int64) (*bundleformat.HeldLog, error) {
	item, err := txn.Get(cpKey(h))
	if err != nil {
		return nil, fmt.Errorf("held material: checkpoint %x: %w", h[:6], err)
	}
	var cp cpValue
	if err := item.Value(func(b []byte) error { return json.Unmarshal(b, &cp) }); err != nil {
		return nil, fmt.Errorf("held material: checkpoint %x: %w", h[:6], err)
	}
	l := &bundleformat.HeldLog{Checkpoint: []byte(cp.Checkpoint), Key: cp.Key, Depth: depth}
	for _, i := range idx {
		v, err := readEvent(txn, evKey(h, i))
		if err != nil {
			return nil, fmt.Errorf("held material: event %d of checkpoint %x: %w", i, h[:6], err)
		}
		pe := provenance.ProvenEvent{Index: i, Event: []byte(v.Event), Open: v.Open}
		for _, p := range v.Proof {
			if len(p) != tlog.HashSize {
				return nil, fmt.Errorf("held material: event %d of checkpoint %x has a malformed proof", i, h[:6])
			}
			pe.Proof = append(pe.Proof, tlog.Hash(p))
		}
		l.Events = append(l.Events, pe)
	}
	return l, nil
}

// mergeOpenings returns the union of two lists of openings of one event,
// one per field element, in sealed order as far as a holds it.
func mergeOpenings(a, b []provenance.Opening) []provenance.Opening {
	type at struct {
		f string
		i int
	}
	seen := map[at]bool{}
	var out []provenance.Opening
	for _, o := range append(slices.Clone(a), b...) {
		if !seen[at{o.Field, o.I}] {
			seen[at{o.Field, o.I}] = true
			out = append(out, o)
		}
	}
	return out
}

func union(a, b []int64) []int64 {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
