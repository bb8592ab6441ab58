// Package history is the record of an archive's fixity checks: it writes
// the "what" of the verify event every check leaves in the provenance log,
// reads those events back into a list (custody history, the window's
// History view), and says how recently every byte was checked.
//
// The log is the history: a check's scope, counts, verdict and damaged
// documents are in its signed verify event, so a report of any past run
// can be reproduced from the log alone, and nobody can remove a failed
// check from the history without the log's checks noticing.
package history

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/verify/fixity"
)

// Scopes of a check, the first words of its event's what.
const (
	ScopeArchive = "archive"         // every byte
	ScopeRolling = "archive rolling" // followed by " P%"
	ScopeDocs    = "documents"       // named documents
)

// Counts are what a check covered and found.
type Counts struct {
	Docs       int   `json:"documents"`
	TotalDocs  int   `json:"documents_total"`
	Bytes      int64 `json:"bytes"`
	TotalBytes int64 `json:"bytes_total"`
	Damaged    int   `json:"damaged"`
	LogEvents  int64 `json:"log_events"` // events checked; 0 when the log was not
}

// What writes a verify event's what: the scope, then the counts, in one
// fixed form that Parse reads back, for example
//
//	archive rolling 25%: documents 10/40, bytes 1048576/4194304, damaged 0, log events 52
func What(scope string, c Counts) string {
	return fmt.Sprintf("%s: documents %d/%d, bytes %d/%d, damaged %d, log events %d",
		scope, c.Docs, c.TotalDocs, c.Bytes, c.TotalBytes, c.Damaged, c.LogEvents)
}

// Scope names a check's scope from its options.
func Scope(rolling float64, named bool) string {
	switch {
	case named:
		return ScopeDocs
	case rolling > 0 && rolling < 100:
		return ScopeRolling + " " + fixity.Percent(rolling) + "%"
	}
	return ScopeArchive
}

// FromCoverage turns a fixity check's coverage into counts.
func FromCoverage(cov *fixity.Coverage, logEvents int64) Counts {
	return Counts{Docs: cov.Docs, TotalDocs: cov.TotalDocs, Bytes: cov.Bytes, TotalBytes: cov.TotalBytes,
		Damaged: len(cov.Damaged), LogEvents: logEvents}
}

var whatRE = regexp.MustCompile(`^(archive|archive rolling [0-9.]+%|documents): documents ([0-9]+)/([0-9]+), bytes ([0-9]+)/([0-9]+), damaged ([0-9]+), log events ([0-9]+)$`)

// Parse reads a what written by What. ok is false for any other what (a
// bundle's verification, or an event written by an older Custody).
func Parse(what string) (scope string, c Counts, ok bool) {
	m := whatRE.FindStringSubmatch(what)
	if m == nil {
		return "", Counts{}, false
	}
	n := func(s string) int64 { v, _ := strconv.ParseInt(s, 10, 64); return v }
	c = Counts{Docs: int(n(m[2])), TotalDocs: int(n(m[3])), Bytes: n(m[4]), TotalBytes: n(m[5]),
		Damaged: int(n(m[6])), LogEvents: n(m[7])}
	return m[1], c, true
}

// Entry is one recorded check.
type Entry struct {
	Index   int64    `json:"index"` // the verify event's index in the log
	Time    string   `json:"time"`
	What    string   `json:"what"`
	Verdict string   `json:"verdict"`
	Scope   string   `json:"scope,omitempty"`
	Counts  *Counts  `json:"counts,omitempty"`
	Damaged []string `json:"damaged_documents"`
}

// List returns every recorded check, oldest first.
func List(a *archive.Archive) ([]Entry, error) {
	n, err := a.LogSize()
	if err != nil {
		return nil, err
	}
	out := []Entry{}
	err = a.LogEvents(0, n, func(i int64, raw []byte) error {
		ev, err := provenance.ParseEvent(raw)
		if err != nil || ev.Type != provenance.Verify {
			return nil // the log check reports unreadable events
		}
		e := Entry{Index: i, Time: ev.Time, What: ev.What, Verdict: ev.Verdict, Damaged: []string{}}
		if ev.Docs != nil {
			e.Damaged = ev.Docs
		}
		if scope, c, ok := Parse(ev.What); ok {
			e.Scope, e.Counts = scope, &c
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// Freshness says how recently every document was checked.
type Freshness struct {
	Docs int `json:"documents"`
	// Never counts documents never checked (nor hashed by a repair).
	Never int `json:"never_checked"`
	// Oldest is the oldest last check of a document (zero if none).
	Oldest time.Time `json:"oldest_check"`
	// Damaged counts documents whose last check found them damaged.
	Damaged int `json:"damaged"`
}

// Within is the whole days since the oldest check, or -1 when some
// document was never checked (or the archive is empty).
func (f Freshness) Within(now time.Time) int {
	if f.Never > 0 || f.Oldest.IsZero() {
		return -1
	}
	return int(now.Sub(f.Oldest).Hours()/24) + 1
}

// Sentence is the line people read: "every byte verified within 3 days
// (oldest check 2025-03-14 09:26 UTC)".
func (f Freshness) Sentence(now time.Time) string {
	switch {
	case f.Docs == 0:
		return "the archive holds no documents yet"
	case f.Never == f.Docs:
		return "no document has been verified yet"
	case f.Never > 0:
		return fmt.Sprintf("%d of %d documents never verified; oldest check %s", f.Never, f.Docs, f.Oldest.Format("2006-01-02 15:04 UTC"))
	}
	d := f.Within(now)
	days := "days"
	if d == 1 {
		days = "day"
	}
	s := fmt.Sprintf("every byte verified within %d %s (oldest check %s)", d, days, f.Oldest.Format("2006-01-02 15:04 UTC"))
	if f.Damaged > 0 {
		s += fmt.Sprintf("; %d document(s) damaged at their last check", f.Damaged)
	}
	return s
}

// Fresh computes the archive's Freshness.
func Fresh(a *archive.Archive) (Freshness, error) {
	last, err := a.LastChecks()
	if err != nil {
		return Freshness{}, err
	}
	var f Freshness
	err = a.Each(func(r *catalog.Record) error {
		f.Docs++
		lc, ok := last[r.Sum()]
		if !ok {
			f.Never++
			return nil
		}
		if !lc.OK {
			f.Damaged++
		}
		if f.Oldest.IsZero() || lc.Time.Before(f.Oldest) {
			f.Oldest = lc.Time
		}
		return nil
	}, nil)
	return f, err
}
