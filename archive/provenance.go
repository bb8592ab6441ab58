package archive

import (
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/provenance"
	badger "github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/tlog"
)

// appendEvent appends ev to the provenance log inside txn, naming docs so
// each document's events can be found. The caller holds a.wmu.
func (a *Archive) appendEvent(txn *badger.Txn, ev *provenance.Event, docs ...[32]byte) (int64, error) {
	id, err := a.signer()
	if err != nil {
		return 0, err
	}
	ev.Actor = id.Public().KeyName
	p, err := provenance.Prepare(ev, time.Now())
	if err != nil {
		return 0, err
	}
	return a.appendPrepared(txn, p, docs...)
}

// appendPrepared appends p, first preparing it again with the current
// time if it claims a time before the last event appended: events are
// prepared on import workers and committed in whatever order they finish,
// and a log whose times go backwards draws a warning from every check.
// The caller holds a.wmu.
func (a *Archive) appendPrepared(txn *badger.Txn, p *provenance.Prepared, docs ...[32]byte) (int64, error) {
	if p.Time() < a.lastEventTime {
		var err error
		if p, err = p.At(time.Now()); err != nil {
			return 0, err
		}
	}
	n, err := logstore.AppendPrepared(txn, p, docs...)
	if err == nil && p.Time() > a.lastEventTime {
		a.lastEventTime = p.Time()
	}
	return n, err
}

// prepareIngest prepares the ingest event of one arrival of a document
// (every import of it, under whatever name), for logIngest.
func (a *Archive) prepareIngest(id [32]byte, size int64, name catalog.Name) (*provenance.Prepared, error) {
	return provenance.Prepare(&provenance.Event{
		Type: provenance.Ingest, Doc: hex.EncodeToString(id[:]), Size: size, Name: baseName(name.Path), Path: name.Path,
		Source: name.Source, Note: name.Note, Actor: a.pub.KeyName,
	}, time.Now())
}

// logIngest appends a prepared ingest event inside the transaction that
// commits its document. The caller holds a.wmu.
func (a *Archive) logIngest(txn *badger.Txn, ev *provenance.Prepared, doc [32]byte) error {
	if _, err := a.signer(); err != nil {
		return err
	}
	_, err := a.appendPrepared(txn, ev, doc)
	return err
}

func baseName(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[i+1:]
		}
	}
	return p
}

// afterCommit runs after a batch of events was committed, under the write
// lock. Checkpoints are signed once per operation (see Checkpoint), not
// per batch: signing syncs the store.
func (a *Archive) afterCommit() error { return nil }

// Checkpoint signs a checkpoint over every event appended so far (a no-op
// when nothing was appended since the last one) and returns the latest.
func (a *Archive) Checkpoint() (*provenance.Checkpoint, error) {
	id, err := a.identity()
	if err != nil {
		return nil, err
	}
	if id == nil {
		return logstore.Latest(a.db)
	}
	a.wmu.Lock()
	defer a.wmu.Unlock()
	size, err := logstore.Size(a.db)
	if err != nil {
		return nil, err
	}
	if size == 0 {
		return nil, nil
	}
	return logstore.SignCheckpoint(a.db, id.Signer(), id.Origin())
}

// CurrentCheckpoint returns a signed checkpoint of the whole log, like
// Checkpoint. When the latest one already covers every event (as after any
// command that recorded something), it is returned as stored, without
// waiting for a check of the passphrase in the background; only a log
// with unsigned events needs the key.
func (a *Archive) CurrentCheckpoint() (*provenance.Checkpoint, error) {
	if !a.Writable() {
		return logstore.Latest(a.db)
	}
	a.wmu.Lock()
	size, err := logstore.Size(a.db)
	var latest *provenance.Checkpoint
	if err == nil {
		latest, err = logstore.Latest(a.db)
	}
	a.wmu.Unlock()
	if err != nil {
		return nil, err
	}
	if size > 0 && latest != nil && latest.Size == size {
		return latest, nil
	}
	return a.Checkpoint()
}

// recoverLog signs a checkpoint for events a crash left unsigned.
func (a *Archive) recoverLog(id *keys.Identity) error {
	if id == nil {
		return nil
	}
	_, err := logstore.Recover(a.db, id.Signer(), id.Origin())
	if errors.Is(err, provenance.ErrRolledBack) {
		return fmt.Errorf("the archive's log is shorter than a checkpoint it signed: it was rolled back or damaged. Run \"custody verify\"; nothing was changed: %w", err)
	}
	return err
}

// LogSize returns the number of events in the provenance log.
func (a *Archive) LogSize() (int64, error) { return logstore.Size(a.db) }

// LogEvent returns the exact bytes of event i of the log.
func (a *Archive) LogEvent(i int64) ([]byte, error) { return logstore.ReadEvent(a.db, i) }

// LogEvents calls fn with the index and bytes of every event in [from,
// to), in order, stopping at fn's first error.
func (a *Archive) LogEvents(from, to int64, fn func(i int64, event []byte) error) error {
	return logstore.Events(a.db, from, to, fn)
}

// LatestCheckpoint returns the latest signed checkpoint as stored (nil
// when none was signed), without signing one; see CurrentCheckpoint.
func (a *Archive) LatestCheckpoint() (*provenance.Checkpoint, error) { return logstore.Latest(a.db) }

// LogTreeHash returns the root hash of the log's first n events.
func (a *Archive) LogTreeHash(n int64) (tlog.Hash, error) { return logstore.TreeHash(a.db, n) }

// LogConsistencyProof proves that the log's tree of size to extends the
// tree of size from.
func (a *Archive) LogConsistencyProof(from, to int64) (tlog.TreeProof, error) {
	return logstore.ConsistencyProof(a.db, from, to)
}

// Chain returns, oldest first, the indexes of the events of doc's
// provenance chain (see logstore.Chain).
func (a *Archive) Chain(doc [32]byte) ([]int64, error) { return logstore.Chain(a.db, doc) }

// ChainSteps returns doc's provenance chain as steps to show: each event
// with the checkpoint that first covers it and its generation.
func (a *Archive) ChainSteps(doc [32]byte) ([]provenance.Step, error) {
	return logstore.ChainSteps(a.db, doc)
}

// Prove writes a proof file of doc's provenance against the latest
// checkpoint, naming this archive's verifier key, and remembers that
// checkpoint as published (RecordPublished), so that every later bundle
// proves it extends it. An archive open read-only cannot remember it.
func (a *Archive) Prove(doc [32]byte) ([]byte, error) {
	return a.ProveWith(doc, logstore.ProofOptions{})
}

// ProveWith is Prove disclosing what opt says (fields beyond the
// document's names; its ancestors' records).
func (a *Archive) ProveWith(doc [32]byte, opt logstore.ProofOptions) ([]byte, error) {
	b, err := logstore.ProveWith(a.db, doc, nil, a.pub.VerifierKey, opt)
	if err != nil {
		return b, err
	}
	p, err := provenance.ParseProof(b)
	if err != nil {
		return nil, err
	}
	cp, err := provenance.ParseUnverified(p.Checkpoint)
	if err != nil {
		return nil, err
	}
	if b, err = a.withStamps(b, p, cp.Size); err != nil || a.cfg.ReadOnly {
		return b, err
	}
	if err := a.RecordPublished(cp.Size, "proof"); err != nil {
		return nil, fmt.Errorf("the proof's checkpoint could not be remembered as published: %w", err)
	}
	return a.withCosignatures(b)
}
