package logstore

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	"github.com/custody-app/custody/archive/provenance"
	"github.com/dgraph-io/badger/v4"
)

// Bounds of a provenance chain walk. A chain longer than this is refused
// rather than walked forever (parents can form cycles in a damaged log).
const (
	MaxChainDocs   = 10000
	MaxChainEvents = 100000
)

// ErrChainTooLong is wrapped when a chain exceeds MaxChainDocs or MaxChainEvents.
var ErrChainTooLong = errors.New("provenance chain too long")

// Chain returns, oldest first, the indexes of the events that make up
// doc's provenance: every event naming doc itself (its ingest or derive,
// annotations, exports, receives) and, recursively through the parents of
// each derive, the ingest, derive and receive events of its ancestors.
// Derivations made from doc (its descendants) are not part of its chain.
func Chain(db *badger.DB, doc [32]byte) ([]int64, error) {
	var out []int64
	err := db.View(func(txn *badger.Txn) error {
		var err error
		out, _, err = newChainWalker(txn).chain(doc, true)
		return err
	})
	return out, err
}

// ChainUnion returns, oldest first, every event in the chain of any of
// docs. Each event naming many documents (an export or a receive of a
// whole bundle) is parsed once for all of them, not once per document.
func ChainUnion(db *badger.DB, docs [][32]byte) ([]int64, error) {
	sel, err := Select(db, docs, true)
	if err != nil {
		return nil, err
	}
	return sel.Events, nil
}

// Selection is what leaves the archive with some documents: the events of
// their chains and the documents whose records are shown (the chosen
// ones, and their ancestors when those go too).
type Selection struct {
	Events []int64 // sorted
	Shown  map[string]bool
}

// Select returns the union of docs' chains. With ancestors, each chain
// goes on through the parents of every derivation, as Chain does, and the
// ancestors are shown. Without, a version 2 derivation's parents are
// represented only by the events that introduced them (at its
// parent_events), which go sealed: "derived from a document recorded at
// index N", nothing more. (A version 1 derivation names its parents in
// the open, so their chains go as before.)
func Select(db *badger.DB, docs [][32]byte, ancestors bool) (*Selection, error) {
	set := map[int64]bool{}
	sel := &Selection{Shown: map[string]bool{}}
	err := db.View(func(txn *badger.Txn) error {
		w := newChainWalker(txn)
		for _, d := range docs {
			idx, shown, err := w.chain(d, ancestors)
			if err != nil {
				return fmt.Errorf("%w (document %x)", err, d[:6])
			}
			for _, i := range idx {
				set[i] = true
			}
			for s := range shown {
				sel.Shown[hex.EncodeToString(s[:])] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sel.Events = make([]int64, 0, len(set))
	for i := range set {
		sel.Events = append(sel.Events, i)
	}
	slices.Sort(sel.Events)
	return sel, nil
}

// chainWalker walks chains in one transaction and keeps the events that
// name several documents, with their names as a set, since every one of
// those documents' chains reaches them again.
type chainWalker struct {
	txn  *badger.Txn
	many map[int64]*manyEvent
}

type manyEvent struct {
	ev   *provenance.Event
	docs map[string]bool
}

func newChainWalker(txn *badger.Txn) *chainWalker {
	return &chainWalker{txn: txn, many: map[int64]*manyEvent{}}
}

// event returns event i and, for an event naming several documents, the
// set of their IDs.
func (w *chainWalker) event(i int64) (*provenance.Event, map[string]bool, error) {
	if m, ok := w.many[i]; ok {
		return m.ev, m.docs, nil
	}
	b, err := eventTxn(w.txn, i)
	if err != nil {
		return nil, nil, err
	}
	ev, err := provenance.ParseEvent(b)
	if err != nil {
		return nil, nil, fmt.Errorf("log: event %d: %w", i, err)
	}
	if len(ev.Docs) < 2 {
		return ev, nil, nil
	}
	docs := make(map[string]bool, len(ev.Docs))
	for _, d := range ev.Docs {
		docs[d] = true
	}
	w.many[i] = &manyEvent{ev: ev, docs: docs}
	return ev, docs, nil
}

// chain returns the events of doc's chain (see Select for ancestors) and
// the documents it shows.
func (w *chainWalker) chain(doc [32]byte, ancestors bool) ([]int64, map[[32]byte]bool, error) {
	visited := map[[32]byte]bool{doc: true}
	queue := [][32]byte{doc}
	events := map[int64]bool{}
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		idx, err := docEventsTxn(w.txn, d)
		if err != nil {
			return nil, nil, err
		}
		hexID := hex.EncodeToString(d[:])
		for _, i := range idx {
			if events[i] {
				continue
			}
			ev, docs, err := w.event(i)
			if err != nil {
				return nil, nil, err
			}
			if !inChain(ev, docs, hexID, d == doc) {
				continue
			}
			events[i] = true
			if len(events) > MaxChainEvents {
				return nil, nil, fmt.Errorf("log: document %x has more than %d provenance events: %w", doc, MaxChainEvents, ErrChainTooLong)
			}
			if ev.Type != provenance.Derive || ev.Doc != hexID {
				continue
			}
			if !ancestors && ev.V >= 2 {
				for _, pe := range ev.ParentEvents {
					events[pe] = true
				}
				continue
			}
			for _, p := range ev.Parents {
				pid, _ := provenance.ParseDocID(p)
				if visited[pid] {
					continue
				}
				visited[pid] = true
				if len(visited) > MaxChainDocs {
					return nil, nil, fmt.Errorf("log: document %x has more than %d ancestors: %w", doc, MaxChainDocs, ErrChainTooLong)
				}
				queue = append(queue, pid)
			}
		}
	}
	out := make([]int64, 0, len(events))
	for i := range events {
		out = append(out, i)
	}
	slices.Sort(out)
	return out, visited, nil
}

// inChain says whether ev belongs to the chain of the document with hex ID
// id; self is true for the document the chain was asked for.
// docs, when not nil, is ev.Docs as a set.
func inChain(ev *provenance.Event, docs map[string]bool, id string, self bool) bool {
	named := func() bool {
		if docs != nil {
			return docs[id]
		}
		return slices.Contains(ev.Docs, id)
	}
	switch ev.Type {
	case provenance.Ingest, provenance.Derive:
		return ev.Doc == id
	case provenance.Receive:
		return named()
	case provenance.Annotate, provenance.Repair, provenance.DKIM:
		return self && ev.Doc == id
	case provenance.Export:
		return self && named()
	}
	return false
}

// IntroducedAt returns the index of the first event that introduced doc
// (its ingest, derive or receive): what a version 2 derivation records
// in parent_events for each parent.
func IntroducedAt(db *badger.DB, doc [32]byte) (int64, error) {
	at := int64(-1)
	err := db.View(func(txn *badger.Txn) error {
		idx, err := docEventsTxn(txn, doc)
		if err != nil {
			return err
		}
		w := newChainWalker(txn)
		id := hex.EncodeToString(doc[:])
		for _, i := range idx {
			ev, docs, err := w.event(i)
			if err != nil {
				return err
			}
			if ev.Type != provenance.Annotate && ev.Type != provenance.Export && inChain(ev, docs, id, false) {
				at = i
				return nil
			}
		}
		return fmt.Errorf("log: no event introduces document %x: %w", doc[:6], ErrMissing)
	})
	return at, err
}
