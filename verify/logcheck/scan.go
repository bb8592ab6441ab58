package logcheck

import (
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/note"
	tlog "golang.org/x/mod/sumdb/tlog"

	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/verify/report"
)

func (c *checker) readSize() {
	n, err := logstore.SizeTxn(c.txn)
	if err != nil {
		item, _ := c.txn.Get(logstore.SizeKey)
		found := ""
		if item != nil {
			v, _ := item.ValueCopy(nil)
			found = fmt.Sprintf("%x", v)
		}
		c.add(report.Finding{Code: SizeDamaged, Path: "log/size", Found: found,
			Message: "the stored size of the log is damaged; the events found are checked instead"})
		return
	}
	c.size, c.sizeOK = n, true
}

func (c *checker) readCheckpoints() error {
	var vs note.Verifiers = note.VerifierList()
	if c.opt.Verifier != nil {
		vs = note.VerifierList(c.opt.Verifier)
	}
	opt := badger.DefaultIteratorOptions
	opt.Prefix = logstore.CheckpointPrefix
	it := c.txn.NewIterator(opt)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		size, ok := logstore.KeyInt(it.Item().Key(), logstore.CheckpointPrefix)
		if !ok {
			c.add(report.Finding{Code: CheckpointMalformed, Path: fmt.Sprintf("log/cp/%x", it.Item().Key()[len(logstore.CheckpointPrefix):]),
				Message: "a key under log/cp/ is not a checkpoint size"})
			continue
		}
		text, err := it.Item().ValueCopy(nil)
		if err != nil {
			return fmt.Errorf("reading checkpoint %d: %w", size, err)
		}
		if cp := c.checkpoint(size, text, vs); cp != nil {
			c.cps = append(c.cps, &cpState{size: size, cp: cp})
		}
	}
	return nil
}

// checkpoint verifies one stored checkpoint and returns its content when
// it can be read at all, so its root is still held against the events.
func (c *checker) checkpoint(size int64, text []byte, vs note.Verifiers) *provenance.Checkpoint {
	path := checkpointPath(size)
	cp, err := provenance.ParseCheckpoint(text, vs)
	var unknown *provenance.SignerUnknownError
	switch {
	case err == nil:
	case errors.As(err, &unknown):
		cp = unknown.Checkpoint
		if c.opt.Verifier != nil {
			c.add(report.Finding{Code: CheckpointSignature, Path: path, Expected: c.opt.Verifier.Name(), Found: fmt.Sprint(unknown.Signers),
				Message: fmt.Sprintf("the checkpoint at size %d is not signed by this archive's key: %v", size, err)})
		}
	case errors.Is(err, provenance.ErrBadSignature):
		c.add(report.Finding{Code: CheckpointSignature, Path: path, Message: fmt.Sprintf("checkpoint at size %d: %v", size, err)})
		_, err2 := provenance.ParseCheckpoint(text, note.VerifierList())
		if errors.As(err2, &unknown) {
			cp = unknown.Checkpoint
		}
	default:
		c.add(report.Finding{Code: CheckpointMalformed, Path: path, Message: fmt.Sprintf("checkpoint at size %d: %v", size, err)})
		return nil
	}
	if cp == nil {
		return nil
	}
	if cp.Size != size {
		c.add(report.Finding{Code: CheckpointMalformed, Path: path, Expected: fmt.Sprint(size), Found: fmt.Sprint(cp.Size),
			Message: fmt.Sprintf("the checkpoint stored for size %d says size %d", size, cp.Size)})
		return nil
	}
	if c.opt.Origin != "" && cp.Origin != c.opt.Origin {
		c.add(report.Finding{Code: CheckpointOrigin, Path: path, Expected: c.opt.Origin, Found: cp.Origin,
			Message: fmt.Sprintf("the checkpoint at size %d names another log", size)})
	}
	return cp
}

// scanEvents checks every event in two stages that run at once: this
// goroutine follows the tree (leaf hashes, stored hashes, checkpoint
// roots), which must go in index order; the event stage parses each event
// and checks what it names, in the same order, on another goroutine with
// its own read transaction.
func (c *checker) scanEvents() error {
	parsed := make(chan []rawEvent, 4)
	c.parsed = parsed
	stageDone := make(chan struct{})
	c.evTxn = c.db.NewTransaction(false)
	go func() {
		defer close(stageDone)
		defer c.evTxn.Discard()
		for batch := range parsed {
			for _, e := range batch {
				ev, err := provenance.ParseEvent(e.b)
				if err != nil {
					c.add(report.Finding{Code: EventMalformed, Path: eventPath(e.i), Message: fmt.Sprintf("event %d: %v", e.i, err)})
					continue
				}
				c.event(e.i, ev)
			}
		}
	}()
	c.batch = make([]rawEvent, 0, eventBatch)
	err := c.scanTree()
	if len(c.batch) > 0 && err == nil {
		parsed <- c.batch
	}
	close(parsed)
	<-stageDone
	return err
}

// rawEvent is an event's index and bytes, for the event stage.
type rawEvent struct {
	i int64
	b []byte
}

const eventBatch = 256

// maxGap bounds the run of missing events reported one by one when the
// log's size is unknown: a longer gap is a damaged key.
const maxGap = 1 << 20

func (c *checker) scanTree() error {
	c.rootsAt(0)
	opt := badger.DefaultIteratorOptions
	opt.Prefix = logstore.EventPrefix
	it := c.txn.NewIterator(opt)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		if c.next%1024 == 0 {
			if err := c.ctx.Err(); err != nil {
				return err
			}
		}
		key := it.Item().Key()
		i, ok := logstore.KeyInt(key, logstore.EventPrefix)
		if !ok || i < c.next {
			c.add(report.Finding{Code: EventMalformed, Path: fmt.Sprintf("log/e/%x", key[len(logstore.EventPrefix):]),
				Message: "a key under log/e/ is not an event index"})
			continue
		}
		if i > c.next && (c.sizeOK && i > c.size || i-c.next > maxGap) {
			// A key far past the log's end, after a gap: a damaged key
			// (one flipped bit of its index), not that many missing
			// events. Walking the gap would take for ever.
			c.add(report.Finding{Code: EventMalformed, Path: fmt.Sprintf("log/e/%x", key[len(logstore.EventPrefix):]),
				Message: fmt.Sprintf("a key under log/e/ names event %d, past the log's end after a gap: the key is damaged", i)})
			continue
		}
		for c.next < i {
			if err := c.missing(c.next); err != nil {
				return err
			}
		}
		b, err := it.Item().ValueCopy(nil)
		if err != nil {
			return fmt.Errorf("reading event %d: %w", i, err)
		}
		if err := c.step(i, b); err != nil {
			return err
		}
	}
	for c.sizeOK && c.next < c.size {
		if err := c.missing(c.next); err != nil {
			return err
		}
	}
	if c.pastSize > 0 {
		c.add(report.Finding{Code: EventPastSize, Path: eventPath(c.size), Expected: fmt.Sprint(c.size), Found: fmt.Sprint(c.next),
			Message: fmt.Sprintf("%d events are stored at or past the log's recorded size %d: the size was lowered or the events planted", c.pastSize, c.size)})
	}
	return nil
}

// step checks the event at index i (bytes b).
func (c *checker) step(i int64, b []byte) error {
	if c.sizeOK && i >= c.size {
		c.pastSize++
	}
	stored, found, err := c.storedHash(tlog.StoredHashIndex(0, i))
	if err != nil {
		return err
	}
	leaf := leafHash(b)
	if found && stored != leaf {
		c.add(report.Finding{Code: EventHashMismatch, Path: eventPath(i), Expected: hexHash(stored), Found: hexHash(leaf),
			Message: fmt.Sprintf("event %d does not hash to the hash stored when it was appended: its bytes changed, or it was moved", i)})
	}
	if !found {
		stored = leaf // let the stored-hash tree go on; the missing hash is reported below
	}
	if err := c.addLeaves(i, leaf, stored); err != nil {
		return err
	}
	c.batch = append(c.batch, rawEvent{i, b})
	if len(c.batch) == eventBatch {
		select {
		case c.parsed <- c.batch:
		case <-c.ctx.Done():
			return c.ctx.Err()
		}
		c.batch = make([]rawEvent, 0, eventBatch)
	}
	return nil
}

// missing records that the event at index i is absent. The tree goes on
// with the stored leaf hash when there is one, so the checkpoints can still
// be checked.
func (c *checker) missing(i int64) error {
	c.add(report.Finding{Code: EventMissing, Path: eventPath(i), Message: fmt.Sprintf("event %d is missing from the log", i)})
	stored, found, err := c.storedHash(tlog.StoredHashIndex(0, i))
	if err != nil {
		return err
	}
	if !found {
		if c.events != nil {
			c.add(report.Finding{Code: StoredHashMissing, Path: hashPath(tlog.StoredHashIndex(0, i)),
				Message: fmt.Sprintf("the hash of missing event %d is gone too, so the tree cannot be recomputed past it and later checkpoints are not checked", i)})
		}
		c.events, c.stored = nil, nil
		c.next = i + 1
		return nil
	}
	return c.addLeaves(i, stored, stored)
}

// addLeaves adds leaf i to both recomputed trees, compares the stored
// hashes with the stored-hash tree, and the checkpoints of the new size
// with the event tree.
func (c *checker) addLeaves(i int64, fromEvent, fromStore tlog.Hash) error {
	c.next = i + 1
	if c.stored != nil {
		hs, err := c.stored.add(fromStore)
		if err != nil {
			return err
		}
		base := tlog.StoredHashIndex(0, i)
		for k, h := range hs {
			idx := base + int64(k)
			got, found, err := c.storedHash(idx)
			if err != nil {
				return err
			}
			if !found {
				c.add(report.Finding{Code: StoredHashMissing, Path: hashPath(idx),
					Message: fmt.Sprintf("the tree hash %d, written with event %d, is missing", idx, i)})
				continue
			}
			if k > 0 && got != h {
				level, n := tlog.SplitStoredHashIndex(idx)
				c.add(report.Finding{Code: StoredHashMismatch, Path: hashPath(idx), Expected: hexHash(h), Found: hexHash(got),
					Message: fmt.Sprintf("the stored tree hash over events %d to %d does not match the hashes below it", n<<level, (n+1)<<level-1)})
			}
		}
	}
	if c.events != nil {
		if _, err := c.events.add(fromEvent); err != nil {
			return err
		}
		c.rootsAt(c.next)
	}
	return nil
}

// rootsAt compares the checkpoints of size n with the event tree.
func (c *checker) rootsAt(n int64) {
	for _, s := range c.cps {
		if s.size != n || c.events == nil {
			continue
		}
		root, err := c.events.root()
		if err != nil {
			continue
		}
		s.checked, s.computed, s.matched = true, root, root == s.cp.Root
	}
}

func (c *checker) storedHash(idx int64) (tlog.Hash, bool, error) {
	var h tlog.Hash
	item, err := c.txn.Get(logstore.HashKey(idx))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return h, false, nil
	}
	if err != nil {
		return h, false, fmt.Errorf("reading tree hash %d: %w", idx, err)
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		return h, false, fmt.Errorf("reading tree hash %d: %w", idx, err)
	}
	if len(v) != len(h) {
		c.add(report.Finding{Code: StoredHashMismatch, Path: hashPath(idx), Found: fmt.Sprintf("%d bytes", len(v)),
			Message: fmt.Sprintf("the stored tree hash %d is not 32 bytes", idx)})
		return h, false, nil
	}
	copy(h[:], v)
	return h, true, nil
}

func hexHash(h tlog.Hash) string { return fmt.Sprintf("%x", h[:]) }

func b64(h tlog.Hash) string { return base64.StdEncoding.EncodeToString(h[:]) }

// leafHash is the leaf hash of stored event bytes: of their sealed form
// for a version 2 event (provenance.LeafData). Bytes that do not parse are
// hashed as they are; the parse workers report them.
func leafHash(b []byte) tlog.Hash {
	if data, err := provenance.LeafData(b); err == nil {
		return tlog.RecordHash(data)
	}
	return tlog.RecordHash(b)
}
