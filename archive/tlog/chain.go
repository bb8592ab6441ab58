package tlog

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

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
		out, err = chainTxn(txn, doc)
		return err
	})
	return out, err
}

func chainTxn(txn *badger.Txn, doc [32]byte) ([]int64, error) {
	visited := map[[32]byte]bool{doc: true}
	queue := [][32]byte{doc}
	events := map[int64]bool{}
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		idx, err := docEventsTxn(txn, d)
		if err != nil {
			return nil, err
		}
		hexID := hex.EncodeToString(d[:])
		for _, i := range idx {
			if events[i] {
				continue
			}
			b, err := eventTxn(txn, i)
			if err != nil {
				return nil, err
			}
			ev, err := ParseEvent(b)
			if err != nil {
				return nil, fmt.Errorf("log: event %d: %w", i, err)
			}
			if !inChain(ev, hexID, d == doc) {
				continue
			}
			events[i] = true
			if len(events) > MaxChainEvents {
				return nil, fmt.Errorf("log: document %x has more than %d provenance events: %w", doc, MaxChainEvents, ErrChainTooLong)
			}
			if ev.Type != Derive || ev.Doc != hexID {
				continue
			}
			for _, p := range ev.Parents {
				pid, _ := ParseDocID(p)
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
func inChain(ev *Event, id string, self bool) bool {
	switch ev.Type {
	case Ingest, Derive:
		return ev.Doc == id
	case Receive:
		return slices.Contains(ev.Docs, id)
	case Annotate:
		return self && ev.Doc == id
	case Export:
		return self && slices.Contains(ev.Docs, id)
	}
	return false
}
