package cli

import (
	"fmt"
	"time"

	"github.com/custody-app/custody/archive/humansize"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/history"
)

// historyJSON is history's --json output.
type historyJSON struct {
	Checks    []history.Entry   `json:"checks"`
	Freshness history.Freshness `json:"freshness"`
	Summary   string            `json:"summary"`
}

func runHistory(env *Env, args []string) error {
	fs := newFlags("history")
	asJSON := fs.Bool("json", false, "print the checks as JSON")
	last := fs.Int("last", 0, "show only the last `N` checks")
	pos, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	if err := noArgs("history", pos); err != nil {
		return err
	}
	a, err := env.open(readOnly)
	if err != nil {
		return err
	}
	defer a.Close()
	entries, err := history.List(a)
	if err != nil {
		return fmt.Errorf("could not read the log: %w", err)
	}
	if *last > 0 && len(entries) > *last {
		entries = entries[len(entries)-*last:]
	}
	fresh, err := history.Fresh(a)
	if err != nil {
		return err
	}
	now := time.Now()
	if *asJSON {
		writeJSON(env.Stdout, historyJSON{Checks: entries, Freshness: fresh, Summary: fresh.Sentence(now)})
		return nil
	}
	if len(entries) == 0 {
		fmt.Fprintln(env.Stdout, "No check has been recorded yet: run custody verify.")
	}
	for _, e := range entries {
		fmt.Fprintf(env.Stdout, "%6d  %s  %-14s  %s\n", e.Index, quote.Safe(e.Time), quote.Safe(e.Verdict), quote.Safe(describeCheck(e)))
		for _, d := range e.Damaged {
			fmt.Fprintf(env.Stdout, "        damaged %s\n", quote.Safe(d))
		}
	}
	fmt.Fprintf(env.Stdout, "\n%s.\n", fresh.Sentence(now))
	return nil
}

// describeCheck is one check's scope and counts in words.
func describeCheck(e history.Entry) string {
	if e.Counts == nil {
		return e.What
	}
	c := e.Counts
	s := fmt.Sprintf("%s: %d of %d documents, %s of %s", e.Scope, c.Docs, c.TotalDocs,
		humansize.Bytes(c.Bytes), humansize.Bytes(c.TotalBytes))
	if c.Damaged > 0 {
		s += fmt.Sprintf(", %d damaged", c.Damaged)
	}
	if c.LogEvents > 0 {
		s += fmt.Sprintf(", log of %d events", c.LogEvents)
	}
	return s
}

// noArgs refuses positional arguments a command does not take.
func noArgs(cmd string, pos []string) error {
	if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q (see custody help %s)", pos[0], cmd)
	}
	return nil
}
