package cli

import (
	"fmt"

	"github.com/custody-app/custody/archive/remote"
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
		idx, err := remotecheck.Record(a, name, st, res)
		if err != nil {
			out.NotRecorded = errText(err)
		} else {
			out.RecordedEvent = &idx
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
