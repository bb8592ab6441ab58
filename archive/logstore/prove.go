package logstore

import (
	"errors"
	"fmt"
	"slices"

	"github.com/custody-app/custody/archive/provenance"
	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/tlog"
)

// ProofOptions say what a proof discloses: fields beyond the document's
// own record (Choices), and whether its ancestors' records go too (a
// redaction's original is otherwise only "a document recorded at index N").
type ProofOptions struct {
	Choices   provenance.Choices
	Ancestors bool
}

// Prove writes the proof file (provenance.ProofFormat) for doc against
// checkpoint cp (the latest when nil), naming vkey as the signer's
// verifier key, disclosing the default (ProofOptions' zero value).
func Prove(db *badger.DB, doc [32]byte, cp *provenance.Checkpoint, vkey string) ([]byte, error) {
	return ProveWith(db, doc, cp, vkey, ProofOptions{})
}

// ProveWith is Prove disclosing what opt says. Events of doc's chain
// appended after cp are left out; cp must already cover the event that
// introduced doc.
func ProveWith(db *badger.DB, doc [32]byte, cp *provenance.Checkpoint, vkey string, opt ProofOptions) ([]byte, error) {
	p := &provenance.Proof{Doc: doc, Key: vkey}
	err := db.View(func(txn *badger.Txn) error {
		stored, err := checkpointFor(txn, cp)
		if err != nil {
			return err
		}
		cp = stored
		p.Checkpoint = cp.Note
		hr := txnHashes{txn}
		root, err := tlog.TreeHash(cp.Size, hr)
		if err != nil {
			return err
		}
		if root != cp.Root {
			return fmt.Errorf("log: the stored tree no longer matches its checkpoint of size %d; run verify", cp.Size)
		}
		chain, shownIDs, err := newChainWalker(txn).chain(doc, opt.Ancestors)
		if err != nil {
			return err
		}
		shown := func(id string) bool {
			d, err := provenance.ParseDocID(id)
			return err == nil && shownIDs[d]
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
			ev, err := provenance.ParseEvent(b)
			if err != nil {
				return fmt.Errorf("log: event %d: %w", i, err)
			}
			if slices.Contains(ev.Introduces(), doc) {
				introduced = true
			}
			pe, err := Disclosed(ev, b, opt.Choices.For(ev, shown))
			if err != nil {
				return fmt.Errorf("log: event %d: %w", i, err)
			}
			pe.Index, pe.Proof = i, rp
			p.Events = append(p.Events, pe)
		}
		if !introduced {
			return fmt.Errorf("log: document %x has no ingest, derive or receive event covered by the checkpoint of size %d", doc, cp.Size)
		}
		p.Consistency, err = consistencyFor(txn, cp.Size)
		return err
	})
	if err != nil {
		return nil, err
	}
	return provenance.MarshalProof(p)
}

// checkpointFor returns the stored checkpoint matching cp, or the latest.
func checkpointFor(txn *badger.Txn, cp *provenance.Checkpoint) (*provenance.Checkpoint, error) {
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

// consistencyFor proves the tree of size extends each earlier signed one.
func consistencyFor(txn *badger.Txn, size int64) ([]provenance.Consistency, error) {
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
	var out []provenance.Consistency
	for _, from := range froms {
		tp, err := tlog.ProveTree(size, from, txnHashes{txn})
		if err != nil {
			return nil, err
		}
		out = append(out, provenance.Consistency{From: from, Proof: tp})
	}
	return out, nil
}

// Disclosed returns event ev (stored bytes b) as it leaves the archive:
// its leaf bytes and the openings choose accepts.
func Disclosed(ev *provenance.Event, b []byte, choose provenance.Disclosure) (provenance.ProvenEvent, error) {
	if ev.V == 1 {
		return provenance.ProvenEvent{Event: b}, nil
	}
	leaf, err := ev.Seal()
	if err != nil {
		return provenance.ProvenEvent{}, err
	}
	open, err := ev.Openings(choose)
	return provenance.ProvenEvent{Event: leaf, Open: open}, err
}
