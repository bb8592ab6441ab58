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
		out, err = newChainWalker(txn).chain(doc)
		return err
	})
	return out, err
}

// ChainUnion returns, oldest first, every event in the chain of any of
// docs. Each event naming many documents (an export or a receive of a
// whole bundle) is parsed once for all of them, not once per document.
func ChainUnion(db *badger.DB, docs [][32]byte) ([]int64, error) {
	set := map[int64]bool{}
	err := db.View(func(txn *badger.Txn) error {
		w := newChainWalker(txn)
		for _, d := range docs {
			idx, err := w.chain(d)
			if err != nil {
				return fmt.Errorf("%w (document %x)", err, d[:6])
			}
			for _, i := range idx {
				set[i] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]int64, 0, len(set))
	for i := range set {
		out = append(out, i)
	}
	slices.Sort(out)
	return out, nil
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

func (w *chainWalker) chain(doc [32]byte) ([]int64, error) {
	visited := map[[32]byte]bool{doc: true}
	queue := [][32]byte{doc}
	events := map[int64]bool{}
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		idx, err := docEventsTxn(w.txn, d)
		if err != nil {
			return nil, err
		}
		hexID := hex.EncodeToString(d[:])
		for _, i := range idx {
			if events[i] {
				continue
			}
			ev, docs, err := w.event(i)
			if err != nil {
				return nil, err
			}
			if !inChain(ev, docs, hexID, d == doc) {
				continue
			}
			events[i] = true
			if len(events) > MaxChainEvents {
				return nil, fmt.Errorf("log: document %x has more than %d provenance events: %w", doc, MaxChainEvents, ErrChainTooLong)
			}
			if ev.Type != provenance.Derive || ev.Doc != hexID {
				continue
			}
			for _, p := range ev.Parents {
				pid, _ := provenance.ParseDocID(p)
				if visited[pid] {
					continue
				}
				visited[pid] = true
				if len(visited) > MaxChainDocs {
					return nil, fmt.Errorf("log: document %x has more than %d ancestors: %w", doc, MaxChainDocs, ErrChainTooLong)
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
	return out, nil
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
	case provenance.Annotate:
		return self && ev.Doc == id
	case provenance.Export:
		return self && named()
	}
	return false
}
