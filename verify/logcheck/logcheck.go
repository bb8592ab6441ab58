// Package logcheck checks an archive's provenance log against itself.
//
// The log (archive/tlog) stores each event's exact bytes, the Merkle tree
// hashes computed when it was appended, and every checkpoint ever signed.
// Stored hashes can be damaged or rewritten along with the events, so this
// check trusts none of them: it recomputes the tree from the event bytes,
// compares every stored hash with the recomputed one, and holds each
// signed checkpoint against the recomputed tree at its size. A checkpoint
// is the only part an attacker without the signing key cannot redo, which
// is why every checkpoint is kept and checked, not only the latest.
//
// Each problem is reported as a finding with a stable code and the event
// index, stored-hash index or checkpoint size it concerns, so a person can
// see exactly which record is wrong. What a check inside the archive cannot
// see: a whole archive folder restored from an old backup is consistent
// with itself. Receivers of earlier bundles detect that, by the checkpoints
// they remember.
package logcheck

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/note"
	tlog "golang.org/x/mod/sumdb/tlog"

	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/verify/report"
)

// Finding codes. They are part of the public interface; never rename one.
const (
	// An event's bytes do not hash to the leaf hash stored for it.
	EventHashMismatch = "LOG_EVENT_HASH_MISMATCH"
	// An index below the log's size has no event.
	EventMissing = "LOG_EVENT_MISSING"
	// An event's bytes are not a readable event (or of an unknown version).
	EventMalformed = "LOG_EVENT_MALFORMED"
	// Events are stored past the log's recorded size.
	EventPastSize = "LOG_EVENT_PAST_SIZE"
	// A stored interior hash does not match the hashes below it.
	StoredHashMismatch = "LOG_STORED_HASH_MISMATCH"
	// A hash the tree needs is not stored.
	StoredHashMissing = "LOG_STORED_HASH_MISSING"
	// The stored tree size is unreadable.
	SizeDamaged = "LOG_SIZE_DAMAGED"
	// A checkpoint's signature is invalid, or not by the archive's key.
	CheckpointSignature = "LOG_CHECKPOINT_SIGNATURE"
	// A stored checkpoint cannot be read as a checkpoint.
	CheckpointMalformed = "LOG_CHECKPOINT_MALFORMED"
	// A checkpoint names another log's origin.
	CheckpointOrigin = "LOG_CHECKPOINT_ORIGIN"
	// A checkpoint's root differs from the tree recomputed from the events.
	CheckpointRootMismatch = "LOG_CHECKPOINT_ROOT_MISMATCH"
	// A checkpoint disagrees with a later one that matches the events:
	// history was rewritten and signed again.
	CheckpointInconsistent = "LOG_CHECKPOINT_INCONSISTENT"
	// The log is smaller than a checkpoint signed for it, or hashes remain
	// for events past its end.
	RolledBack = "LOG_ROLLED_BACK"
	// A document in the archive has no event recording where it came from.
	DocWithoutEvent = "LOG_DOC_WITHOUT_EVENT"
	// An event names a document the archive does not hold.
	EventWithoutDoc = "LOG_EVENT_WITHOUT_DOC"
	// The index entry that finds an event by document is missing.
	DocIndexMissing = "LOG_DOC_INDEX_MISSING"
	// Warning: events not yet covered by a signed checkpoint (a crash
	// before signing; opening the archive signs them).
	UnsignedEvents = "LOG_UNSIGNED_EVENTS"
	// Warning: an event claims a time earlier than the event before it.
	TimeBackwards = "LOG_TIME_BACKWARDS"
	// Warning: an event claims a time more than a day after the check ran.
	TimeFuture = "LOG_TIME_FUTURE"
	// The log could not be read (an I/O error, not a wrong record).
	ReadError = "LOG_READ_ERROR"
	// More findings of one code than are listed one by one.
	TooManyFindings = "LOG_TOO_MANY_FINDINGS"
)

// maxPerCode bounds how many findings of one code are listed one by one.
const maxPerCode = 1000

// Options says what the log is checked against.
type Options struct {
	// Verifier is the archive's own key; checkpoints must be signed by it.
	// nil skips the signature check (the roots are still checked).
	Verifier note.Verifier
	// Origin is the archive's log origin; every checkpoint must name it.
	Origin string
	// DocExists reports whether the archive holds a document; nil skips
	// the check that every event's documents exist.
	DocExists func(doc [32]byte) (bool, error)
	// ListDocs calls fn for every document in the archive; nil skips the
	// check that every document has an event.
	ListDocs func(fn func(doc [32]byte) error) error
	// Now is the clock for the "time in the future" warning; nil is time.Now.
	Now func() time.Time
}

// Check checks the log in db and adds its checks and findings to rep. It
// does not set rep's verdict. It returns an error only when the check could
// not be completed: the context was cancelled, or the store could not be
// read (also added to rep as a LOG_READ_ERROR finding).
func Check(ctx context.Context, db *badger.DB, opt Options, rep *report.Report) error {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	c := &checker{ctx: ctx, db: db, opt: opt, rep: rep, counts: map[string]int{},
		events: newFrontier(), stored: newFrontier(),
		introduced: map[[32]byte]bool{}, exists: map[[32]byte]bool{}}
	err := db.View(func(txn *badger.Txn) error {
		c.txn = txn
		c.readSize()
		if err := c.readCheckpoints(); err != nil {
			return err
		}
		if err := c.scanEvents(); err != nil {
			return err
		}
		c.judgeCheckpoints()
		if err := c.checkStrayHashes(); err != nil {
			return err
		}
		return c.checkDocs()
	})
	c.summarise()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rep.Add(report.Finding{Code: ReadError, Severity: report.IOError, Path: "log",
			Message: "could not read the provenance log: " + err.Error()})
		return err
	}
	return nil
}

// checker holds the state of one check.
type checker struct {
	ctx    context.Context
	db     *badger.DB
	txn    *badger.Txn
	mu     sync.Mutex // guards counts: the event stage adds findings too
	opt    Options
	rep    *report.Report
	counts map[string]int // findings per code

	size   int64 // recorded size
	sizeOK bool
	cps    []*cpState
	next   int64 // index of the next event expected

	// events is the tree recomputed from event bytes (for checkpoint
	// roots); stored is the tree recomputed from the stored leaf hashes
	// (to check the stored interior hashes). nil once broken.
	events, stored *frontier

	// Read by the event stage (see scanEvents) only, until it ends.
	introduced map[[32]byte]bool
	exists     map[[32]byte]bool
	lastTime   time.Time
	evTxn      *badger.Txn // the event stage's own read transaction
	parsed     chan<- []rawEvent
	batch      []rawEvent
	pastSize   int64 // events found at or past the recorded size
}

type cpState struct {
	size     int64
	cp       *provenance.Checkpoint
	checked  bool // its root was compared with the recomputed tree
	matched  bool
	computed tlog.Hash
}

func (c *checker) add(f report.Finding) {
	if f.Severity == "" {
		f.Severity = report.Problem
	}
	c.mu.Lock()
	c.counts[f.Code]++
	listed := c.counts[f.Code] <= maxPerCode
	c.mu.Unlock()
	if listed {
		c.rep.Add(f)
	}
}

func (c *checker) summarise() {
	codes := make([]string, 0, len(c.counts))
	for code := range c.counts {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		if n := c.counts[code]; n > maxPerCode {
			c.rep.Add(report.Finding{Code: TooManyFindings, Path: "log",
				Message: fmt.Sprintf("%d more %s findings are not listed", n-maxPerCode, code)})
		}
	}
	problems := func(codes ...string) bool {
		for _, code := range codes {
			if c.counts[code] > 0 {
				return false
			}
		}
		return true
	}
	c.rep.AddCheck("provenance log: events and hashes",
		problems(EventHashMismatch, EventMissing, EventMalformed, EventPastSize, StoredHashMismatch, StoredHashMissing, SizeDamaged, DocIndexMissing),
		fmt.Sprintf("%d events", c.next))
	latest := int64(0)
	if n := len(c.cps); n > 0 {
		latest = c.cps[n-1].size
	}
	c.rep.AddCheck("provenance log: signed checkpoints",
		problems(CheckpointSignature, CheckpointMalformed, CheckpointOrigin, CheckpointRootMismatch, CheckpointInconsistent, RolledBack),
		fmt.Sprintf("%d checkpoints, the latest at size %d", len(c.cps), latest))
	if c.opt.DocExists != nil || c.opt.ListDocs != nil {
		c.rep.AddCheck("provenance log: documents", problems(DocWithoutEvent, EventWithoutDoc), "")
	}
}

func eventPath(i int64) string      { return fmt.Sprintf("log/event/%d", i) }
func hashPath(i int64) string       { return fmt.Sprintf("log/hash/%d", i) }
func checkpointPath(n int64) string { return fmt.Sprintf("log/checkpoint/%d", n) }
