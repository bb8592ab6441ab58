package cli

import (
	"errors"
	"fmt"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/archive/remote"
	"github.com/custody-app/custody/archive/store"
	"github.com/custody-app/custody/verify/fixity"
)

// repairJSON is repair's --json output.
type repairJSON struct {
	Damaged  int                `json:"damaged"`
	Repaired []archive.Repaired `json:"repaired"`
	Failed   []repairFailure    `json:"not_repaired"`
}

type repairFailure struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

// runRepair finds the damaged documents (a full fixity check) and
// rewrites each from the other archive's verified copy.
func runRepair(env *Env, args []string) error {
	fs := newFlags("repair")
	from := fs.String("from", "", "another archive folder, or a backup copy of this one, holding intact copies")
	fromRemote := fs.String("from-remote", "", "the remote `NAME` whose copy holds intact pack files (see custody remote)")
	asJSON := fs.Bool("json", false, "print what was repaired as JSON")
	pos, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	if err := noArgs("repair", pos); err != nil {
		return err
	}
	if (*from == "") == (*fromRemote == "") {
		return errors.New("give the archive folder to repair from with --from PATH, or a remote with --from-remote NAME")
	}
	if *from != "" && !archive.Exists(*from) {
		return fmt.Errorf("%s holds no archive: give an archive folder or a backup copy of one (to repair from plain files, import them)", quote.Safe(*from))
	}
	a, err := env.open(readWrite)
	if err != nil {
		return err
	}
	defer a.Close()
	defer env.anchor(a) // runs before Close: stamps the checkpoints the command signed
	cov := &fixity.Coverage{}
	rep := fixity.Check(env.ctx, a, fixity.Options{Progress: env.bar("Finding damage"), Coverage: cov})
	if env.ctx.Err() != nil {
		return env.ctx.Err()
	}
	out := repairJSON{Damaged: len(cov.Damaged), Repaired: []archive.Repaired{}, Failed: []repairFailure{}}
	if len(cov.Damaged) > 0 && *fromRemote != "" {
		done, failed, err := remote.Repair(env.ctx, a, *fromRemote, cov.Damaged)
		out.Repaired = append(out.Repaired, done...)
		for _, id := range cov.Damaged {
			if why, ok := failed[id]; ok {
				out.Failed = append(out.Failed, repairFailure{ID: fmt.Sprintf("%x", id), Reason: why})
			}
		}
		if err != nil {
			return fmt.Errorf("repair stopped after %s: %w", plural(len(done), "document"), hinted(err))
		}
	} else if len(cov.Damaged) > 0 {
		srcOpt := archive.Options{Store: store.Config{ReadOnly: true}}
		if archive.NeedsPassphrase(*from) {
			// A backup copy shares this archive's passphrase.
			if srcOpt.Passphrase, err = env.passphrase("Passphrase for the archive in " + *from + ": "); err != nil {
				return err
			}
		}
		src, err := archive.Open(*from, srcOpt)
		if err != nil {
			return fmt.Errorf("cannot open the archive to repair from: %w", err)
		}
		done, failed, err := a.RepairFrom(env.ctx, src, cov.Damaged)
		src.Close()
		out.Repaired = append(out.Repaired, done...)
		for _, id := range cov.Damaged {
			if why, ok := failed[id]; ok {
				out.Failed = append(out.Failed, repairFailure{ID: fmt.Sprintf("%x", id), Reason: why})
			}
		}
		if err != nil {
			return fmt.Errorf("repair stopped after %s: %w", plural(len(done), "document"), err)
		}
	}
	if *asJSON {
		writeJSON(env.Stdout, out)
	} else {
		switch {
		case rep.HasIOErrors() && len(cov.Damaged) == 0:
			fmt.Fprintln(env.Stdout, "Some bytes could not be read; run custody verify for the report.")
		case len(cov.Damaged) == 0:
			fmt.Fprintln(env.Stdout, "No damaged document: nothing to repair.")
		}
		for _, r := range out.Repaired {
			fmt.Fprintf(env.Stdout, "repaired  %s  (%s)\n", r.ID, quote.Safe(r.Damage))
		}
		for _, f := range out.Failed {
			fmt.Fprintf(env.Stdout, "NOT repaired  %s  %s\n", f.ID, quote.Safe(f.Reason))
		}
	}
	if len(out.Failed) > 0 {
		return exitCode(ExitProblem)
	}
	return nil
}
