package logstore

import (
	"fmt"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/tlog"
)

// Prover proves many events against one tree size in one read
// transaction. Inclusion proofs of the events of one bundle share most of
// their hashes (every proof climbs to the same root), so each stored hash
// is read from the store once and kept: for 30,000 events, some 60,000
// reads instead of 450,000.
type Prover struct {
	txn   *badger.Txn
	n     int64
	cache map[int64]tlog.Hash
}

// maxProverCache bounds the hashes a Prover keeps (~20 MB); past it the
// cache starts over.
const maxProverCache = 256 << 10

// NewProver returns a Prover for the tree of size n. Close it when done.
func NewProver(db *badger.DB, n int64) (*Prover, error) {
	txn := db.NewTransaction(false)
	size, err := sizeTxn(txn)
	if err != nil {
		txn.Discard()
		return nil, err
	}
	if n <= 0 || n > size {
		txn.Discard()
		return nil, fmt.Errorf("log: cannot prove events in a tree of size %d (the log has %d events)", n, size)
	}
	return &Prover{txn: txn, n: n, cache: map[int64]tlog.Hash{}}, nil
}

// Close ends the Prover's read transaction.
func (p *Prover) Close() { p.txn.Discard() }

// Event returns the exact bytes of event i.
func (p *Prover) Event(i int64) ([]byte, error) { return eventTxn(p.txn, i) }

// Prove proves that event i is in the tree.
func (p *Prover) Prove(i int64) (tlog.RecordProof, error) {
	if i < 0 || i >= p.n {
		return nil, fmt.Errorf("log: cannot prove event %d in a tree of size %d", i, p.n)
	}
	return tlog.ProveRecord(p.n, i, p)
}

// ReadHashes is tlog.HashReader, through the cache.
func (p *Prover) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var missing []int64
	for k, idx := range indexes {
		h, ok := p.cache[idx]
		if !ok {
			missing = append(missing, idx)
			continue
		}
		out[k] = h
	}
	if len(missing) == 0 {
		return out, nil
	}
	read, err := txnHashes{p.txn}.ReadHashes(missing)
	if err != nil {
		return nil, err
	}
	if len(p.cache)+len(read) > maxProverCache {
		clear(p.cache)
	}
	for k, idx := range missing {
		p.cache[idx] = read[k]
	}
	for k, idx := range indexes {
		out[k] = p.cache[idx]
	}
	return out, nil
}
