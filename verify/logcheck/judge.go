package logcheck

import (
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
	tlog "golang.org/x/mod/sumdb/tlog"

	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/verify/report"
)

// event checks what one readable event says: its documents, its index
// entries and its claimed time.
func (c *checker) event(i int64, ev *provenance.Event) {
	for _, d := range ev.Introduces() {
		c.introduced[d] = true
	}
	for _, d := range ev.DocIDs() {
		if _, err := c.evTxn.Get(logstore.DocKey(d, i)); errors.Is(err, badger.ErrKeyNotFound) {
			c.add(report.Finding{Code: DocIndexMissing, Path: eventPath(i), Doc: hex.EncodeToString(d[:]),
				Message: fmt.Sprintf("event %d is not indexed under a document it names, so that document's provenance would miss it", i)})
		}
		if c.opt.DocExists == nil {
			continue
		}
		exists, seen := c.exists[d]
		if !seen {
			var err error
			if exists, err = c.opt.DocExists(d); err != nil {
				c.add(report.Finding{Code: ReadError, Severity: report.IOError, Path: eventPath(i), Doc: hex.EncodeToString(d[:]),
					Message: fmt.Sprintf("could not look up a document named by event %d: %v", i, err)})
				exists = true
			}
			c.exists[d] = exists
		}
		if !exists {
			c.add(report.Finding{Code: EventWithoutDoc, Path: eventPath(i), Doc: hex.EncodeToString(d[:]),
				Message: fmt.Sprintf("event %d (%s) names a document the archive does not hold", i, ev.Type)})
		}
	}
	t := ev.Timestamp()
	if !c.lastTime.IsZero() && t.Before(c.lastTime) {
		c.add(report.Finding{Code: TimeBackwards, Severity: report.Warning, Path: eventPath(i),
			Expected: "not before " + c.lastTime.Format(provenance.TimeLayout), Found: ev.Time,
			Message: fmt.Sprintf("event %d claims an earlier time than the event before it (times are claims; the order is the index)", i)})
	}
	if now := c.opt.Now(); t.After(now.Add(24 * time.Hour)) {
		c.add(report.Finding{Code: TimeFuture, Severity: report.Warning, Path: eventPath(i), Found: ev.Time,
			Message: fmt.Sprintf("event %d claims a time more than a day in the future (the writer's clock was wrong?)", i)})
	}
	c.lastTime = t
}

// judgeCheckpoints reports the checkpoints that do not match the events,
// telling a rewritten-and-re-signed history (inconsistent with a later
// checkpoint) from damage after the last signature.
func (c *checker) judgeCheckpoints() {
	var latestValid int64
	for k, s := range c.cps {
		path := checkpointPath(s.size)
		if c.sizeOK && s.size > c.size || s.size > c.next {
			have := c.next
			if c.sizeOK {
				have = min(c.size, c.next)
			}
			c.add(report.Finding{Code: RolledBack, Path: path, Expected: fmt.Sprint(s.size), Found: fmt.Sprint(have),
				Message: fmt.Sprintf("a checkpoint was signed for %d events, but the log now has %d: it was rolled back", s.size, have)})
			continue
		}
		latestValid = max(latestValid, s.size)
		if !s.checked || s.matched {
			continue
		}
		lastGood := int64(0)
		for _, p := range c.cps[:k] {
			if p.checked && p.matched {
				lastGood = p.size
			}
		}
		c.add(report.Finding{Code: CheckpointRootMismatch, Path: path, Expected: b64(s.cp.Root), Found: b64(s.computed),
			Message: fmt.Sprintf("the checkpoint at size %d does not match the log's events: events %d to %d changed after it was signed", s.size, lastGood, s.size-1)})
		for _, later := range c.cps[k+1:] {
			if later.checked && later.matched {
				c.add(report.Finding{Code: CheckpointInconsistent, Path: path, Expected: fmt.Sprintf("size %d root %s", s.size, b64(s.cp.Root)),
					Found:   fmt.Sprintf("size %d root %s", later.size, b64(later.cp.Root)),
					Message: fmt.Sprintf("the checkpoint at size %d disagrees with the later checkpoint at size %d, which matches the events: the history was rewritten and signed again", s.size, later.size)})
				break
			}
		}
	}
	have := c.next
	if c.sizeOK {
		have = c.size
	}
	if have > latestValid && c.counts[RolledBack] == 0 {
		c.add(report.Finding{Code: UnsignedEvents, Severity: report.Warning, Path: "log", Expected: fmt.Sprint(have), Found: fmt.Sprint(latestValid),
			Message: fmt.Sprintf("events %d to %d are not covered by a signed checkpoint yet; opening the archive for writing signs them", latestValid, have-1)})
	}
}

// checkStrayHashes looks for tree hashes stored past the end of the log,
// which a rollback that deleted events and lowered the size leaves behind.
func (c *checker) checkStrayHashes() error {
	from := tlog.StoredHashCount(c.next)
	opt := badger.DefaultIteratorOptions
	opt.Prefix = logstore.HashPrefix
	opt.PrefetchValues = false
	it := c.txn.NewIterator(opt)
	defer it.Close()
	it.Seek(logstore.HashKey(from))
	if !it.Valid() {
		return nil
	}
	idx, _ := logstore.KeyInt(it.Item().Key(), logstore.HashPrefix)
	c.add(report.Finding{Code: RolledBack, Path: hashPath(idx), Expected: fmt.Sprintf("fewer than %d hashes", from),
		Message: fmt.Sprintf("tree hashes are stored for events past the log's end (%d events): events were removed", c.next)})
	return nil
}

// checkDocs reports documents in the archive that no event introduces.
func (c *checker) checkDocs() error {
	if c.opt.ListDocs == nil {
		return nil
	}
	n := 0
	return c.opt.ListDocs(func(d [32]byte) error {
		if n++; n%1024 == 0 {
			if err := c.ctx.Err(); err != nil {
				return err
			}
		}
		if !c.introduced[d] {
			c.add(report.Finding{Code: DocWithoutEvent, Doc: hex.EncodeToString(d[:]), Path: "log",
				Message: "the archive holds this document, but no ingest, derive or receive event records where it came from"})
		}
		return nil
	})
}
