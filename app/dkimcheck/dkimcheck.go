// Package dkimcheck checks the DKIM signatures of an archive's messages
// and records each outcome: the one procedure behind `custody dkim check`
// and the window's Check DKIM. verify/dkim does the check itself (pure,
// also in the recipient's bundle check); this package joins it to the
// archive: the time each message was recorded (x= is judged then), the
// key records held, the message's verified bytes, and the dkim events.
package dkimcheck

import (
	"context"
	"io"
	"strings"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/dkimrecord"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/verify/dkim"
)

// Options of a run.
type Options struct {
	// Lookup, when set, is asked for the key of a NO KEY outcome (DNS,
	// only when the person asked for it); a record it returns is kept and
	// the message checked again.
	Lookup   func(o dkimrecord.Outcome) (dkimrecord.Key, bool)
	Progress progress.Func
}

// Checked is one message's outcome as recorded.
type Checked struct {
	Doc     [32]byte
	Name    string
	Outcome dkimrecord.Outcome
	Event   int64 // its dkim event's index
}

// Run checks ids and records one dkim event per message. Cancelling stops
// before the next message; what was checked by then is recorded.
func Run(ctx context.Context, a *archive.Archive, ids [][32]byte, opt Options) ([]Checked, error) {
	held, err := a.DKIMKeys()
	if err != nil {
		return nil, err
	}
	ctr := progress.NewCounter()
	ctr.SetTotals(int64(len(ids)), 0)
	stop := ctr.Report(ctx, opt.Progress)
	defer stop()
	var out []Checked
	var rec []archive.DKIMChecked
	for _, id := range ids {
		if ctx.Err() != nil {
			break
		}
		r, err := a.Record(id)
		if err != nil {
			return nil, err
		}
		ctr.SetCurrent(r.Names[0].Path)
		o, err := check(a, id, held)
		if err != nil {
			return nil, err
		}
		if o.Result == dkimrecord.NoKey && opt.Lookup != nil {
			if k, ok := opt.Lookup(o); ok {
				if _, err := a.AddDKIMKeys([]dkimrecord.Key{k}); err != nil {
					return nil, err
				}
				held = append(held, k)
				if o, err = check(a, id, held); err != nil {
					return nil, err
				}
			}
		}
		out = append(out, Checked{Doc: id, Name: r.Names[0].Path, Outcome: o})
		rec = append(rec, archive.DKIMChecked{Doc: id, Outcome: o})
		ctr.AddFile()
	}
	if len(rec) == 0 {
		return nil, ctx.Err()
	}
	idx, err := a.RecordDKIM(rec)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Event = idx[i]
	}
	return out, ctx.Err()
}

func check(a *archive.Archive, id [32]byte, keys []dkimrecord.Key) (dkimrecord.Outcome, error) {
	at, err := a.RecordedAt(id)
	if err != nil {
		return dkimrecord.Outcome{}, err
	}
	open := func() (io.Reader, error) {
		r, _, err := a.OpenDoc(id)
		return r, err
	}
	return dkim.Check(open, dkim.Options{Keys: keys, At: at})
}

// Messages lists the documents that look like e-mail messages: a name
// ending in .eml, or a message media type.
func Messages(a *archive.Archive) ([][32]byte, error) {
	var ids [][32]byte
	err := a.Each(func(r *catalog.Record) error {
		if IsMessage(r) {
			ids = append(ids, r.Sum())
		}
		return nil
	}, func([32]byte, error) {})
	return ids, err
}

// IsMessage says whether a record looks like an e-mail message.
func IsMessage(r *catalog.Record) bool {
	if strings.HasPrefix(r.MediaType, "message/rfc822") {
		return true
	}
	for _, n := range r.Names {
		if strings.HasSuffix(strings.ToLower(n.Path), ".eml") {
			return true
		}
	}
	return false
}
