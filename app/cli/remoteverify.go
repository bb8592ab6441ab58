package cli

import (
	"fmt"
	"time"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/remote"
	"github.com/custody-app/custody/verify/fixity"
	"github.com/custody-app/custody/verify/remotecheck"
	"github.com/custody-app/custody/verify/report"
)

// remoteVerifyJSON is verify --remote's --json output.
type remoteVerifyJSON struct {
	*report.Report
	Remote        string `json:"remote"`
	Documents     int    `json:"documents"`
	Bytes         int64  `json:"bytes"`
	RecordedEvent *int64 `json:"recorded_event,omitempty"`
	NotRecorded   string `json:"not_recorded,omitempty"`
}

// runVerifyRemote checks a remote copy against the archive's records and
// records the check (a verify event naming the damaged documents).
func runVerifyRemote(env *Env, name string, pct float64, asJSON bool) error {
	a, err := env.open(readWrite)
	if err != nil {
		return err
	}
	defer a.Close()
	st, err := remote.Load(a, name)
	if err != nil {
		return err
	}
	c, err := remote.Dial(st.Location)
	if err != nil {
		return hinted(err)
	}
	opt := remotecheck.Options{Rolling: pct, Progress: env.bar("Checking " + name)}
	if st.LastCheck != nil {
		opt.Start = st.LastCheck.Next
	}
	res, err := remotecheck.Check(env.ctx, a, c, opt)
	if err != nil {
		return hinted(err)
	}
	rep, cov := res.Report, res.Coverage
	out := &remoteVerifyJSON{Report: rep, Remote: name, Documents: cov.Docs, Bytes: cov.Bytes}
	if rep.Verdict == report.Cancelled {
		out.NotRecorded = "the check was cancelled"
	} else {
		idx, err := recordRemoteCheck(a, name, st, rep, cov)
		if err != nil {
			out.NotRecorded = errText(err)
		} else {
			out.RecordedEvent = &idx
			st.LastCheck = &remote.CheckRecord{At: time.Now().UTC(), Verdict: string(rep.Verdict), Docs: cov.Docs, Damaged: len(cov.Damaged), Next: res.Next}
			if err := remote.Save(a, name, st); err != nil {
				out.NotRecorded = errText(err)
			}
		}
	}
	if asJSON {
		writeJSON(env.Stdout, out)
	} else {
		d := report.NewDocument(report.ArchiveCheck, rep)
		printReport(env.Stdout, d)
		if out.RecordedEvent != nil {
			fmt.Fprintf(env.Stdout, "\nRecorded in the log as event %d.\n", *out.RecordedEvent)
		} else {
			fmt.Fprintf(env.Stdout, "\nThis check was not recorded: %s.\n", out.NotRecorded)
		}
	}
	return exitCode(rep.ExitCode(false))
}

// recordRemoteCheck logs a remote check: its what names the remote and
// the counts, its docs the damaged documents. The documents' own
// last-check times are left alone: they are the local copy's.
func recordRemoteCheck(a *archive.Archive, name string, st *remote.State, rep *report.Report, cov *fixity.Coverage) (int64, error) {
	damaged := len(cov.Damaged)
	if damaged == 0 && rep.HasProblems() {
		damaged = len(rep.Findings) // a damaged snapshot names no document
	}
	what := fmt.Sprintf("remote %s %s: documents %d/%d, bytes %d/%d, damaged %d",
		name, st.URL(), cov.Docs, cov.TotalDocs, cov.Bytes, cov.TotalBytes, damaged)
	return a.RecordVerification(archive.Verification{What: what, Verdict: string(rep.Verdict), Damaged: cov.Damaged})
}

// repairFromRemote rewrites damaged documents from a remote's pack files,
// read through a view of this archive (the same records, the remote's
// bytes). Documents below 64 KiB are in the store, not in pack files:
// for them, clone the remote and repair --from the clone.
func repairFromRemote(env *Env, a *archive.Archive, name string, damaged [][32]byte) ([]archive.Repaired, map[[32]byte]string, error) {
	st, err := remote.Load(a, name)
	if err != nil {
		return nil, nil, err
	}
	c, err := remote.Dial(st.Location)
	if err != nil {
		return nil, nil, err
	}
	view, err := a.ReadingPacksFrom(c.Packs(env.ctx), "remote copy "+st.URL())
	if err != nil {
		return nil, nil, err
	}
	defer view.Close()
	var packed [][32]byte
	failed := map[[32]byte]string{}
	for _, id := range damaged {
		rec, err := a.Record(id)
		if err == nil && !rec.Packed {
			failed[id] = "it is kept in the store, not in a pack file: clone the remote (custody clone) and repair --from the clone"
			continue
		}
		packed = append(packed, id)
	}
	done, more, err := a.RepairFrom(env.ctx, view, packed)
	for id, why := range more {
		if why == "its copy there is damaged too" {
			why = "its copy on the remote is damaged or missing too"
		}
		failed[id] = why
	}
	return done, failed, err
}
