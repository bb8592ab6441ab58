package cli

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/archive/tsa"
)

// runTimestamp: custody timestamp [--tsa URL [--name NAME]] | list |
// remove NAME.
func runTimestamp(env *Env, args []string) error {
	fs := newFlags("timestamp")
	url := fs.String("tsa", "", "add the time-stamping authority at this URL (RFC 3161 over HTTP) and stamp the current checkpoint")
	name := fs.String("name", "", "the name to keep it under (default: the URL's host)")
	pos, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) == 1 && pos[0] == "list" && *url == "":
		a, err := env.open(readOnly)
		if err != nil {
			return err
		}
		defer a.Close()
		list, err := a.TSAList()
		if err != nil {
			return err
		}
		if len(list) == 0 {
			fmt.Fprintln(env.Stdout, "No time-stamping authority yet. Add one with: custody timestamp --tsa URL")
		}
		for _, t := range list {
			fmt.Fprintf(env.Stdout, "%-24s %s  (stamps checkpoints from size %d, added %s)\n", quote.Safe(t.Name), quote.Safe(t.URL), t.From, t.Added.Format("2006-01-02"))
		}
		return nil
	case len(pos) == 2 && pos[0] == "remove" && *url == "":
		a, err := env.open(readWrite)
		if err != nil {
			return err
		}
		defer a.Close()
		if err := a.RemoveTSA(pos[1]); err != nil {
			return &exitError{ExitFailed, err}
		}
		fmt.Fprintf(env.Stdout, "Removed %s; the time stamps it gave stay with their checkpoints.\n", quote.Safe(pos[1]))
		return nil
	case len(pos) > 0:
		return &exitError{ExitFailed, errors.New("use: custody timestamp [--tsa URL [--name NAME]] | list | remove NAME")}
	}
	a, err := env.open(readWrite)
	if err != nil {
		return err
	}
	defer a.Close()
	if *url != "" {
		st, err := a.AddTSA(env.ctx, *name, *url)
		if err != nil {
			return &exitError{ExitFailed, err}
		}
		fmt.Fprintf(env.Stdout, "Added %s (%s): checkpoint %d %s. Every new checkpoint will be stamped too.\n",
			quote.Safe(st.TSA), quote.Safe(*url), st.Size, stampedWords(st))
	} else if list, err := a.TSAList(); err != nil {
		return err
	} else if len(list) == 0 {
		return &exitError{ExitFailed, errors.New("no time-stamping authority is configured: add one with custody timestamp --tsa URL")}
	}
	res := a.AnchorCheckpoints(env.ctx)
	for _, st := range res.Stamped {
		fmt.Fprintf(env.Stdout, "Checkpoint %d %s.\n", st.Size, stampedWords(st))
	}
	if len(res.Unreached) > 0 {
		for _, u := range res.Unreached {
			fmt.Fprintf(env.Stderr, "custody: %s did not give a time stamp: %s\n", quote.Safe(u.TSA), quote.Safe(u.Err.Error()))
		}
		return &exitError{ExitFailed, fmt.Errorf("%d checkpoint stamps are still missing; they will be asked for at the next chance (or run custody timestamp again)", res.Pending)}
	}
	if *url == "" && len(res.Stamped) == 0 {
		fmt.Fprintln(env.Stdout, "Every checkpoint is stamped by every configured time-stamping authority.")
	}
	return nil
}

// stampedWords says when the TSA recorded the stamp, in the words the
// bundle check uses, naming the TSA as its certificate does.
func stampedWords(st archive.Stamped) string {
	return tsa.RecordedBefore(st.Time, st.Accuracy, st.Issuer)
}

// anchor stamps the checkpoints the command signed, with every configured
// TSA; one that does not answer is a note, never a failure: the stamp is
// asked for again at the next chance. Deferred right after the archive's
// Close, so it runs first.
func (env *Env) anchor(a *archive.Archive) {
	if env.ctx != nil && env.ctx.Err() != nil {
		return
	}
	res := a.AnchorCheckpoints(env.ctx)
	for _, u := range res.Unreached {
		if u.TSA == "" {
			fmt.Fprintf(env.Stderr, "custody: note: the time-stamping records could not be read (%s); nothing was stamped\n", quote.Safe(quote.Clip(u.Err.Error())))
			continue
		}
		fmt.Fprintf(env.Stderr, "custody: note: %s did not give a time stamp (%s); the checkpoint will be stamped at the next chance\n",
			quote.Safe(u.TSA), quote.Safe(quote.Clip(u.Err.Error())))
	}
	if res.WitnessErr != nil {
		fmt.Fprintf(env.Stderr, "custody: note: the witnesses could not be asked (%s)\n", quote.Safe(quote.Clip(res.WitnessErr.Error())))
	}
	for _, o := range res.Witnesses.Witnesses {
		switch o.Status {
		case archive.WitnessRefused:
			fmt.Fprintf(env.Stderr, "custody: WARNING: witness %s has cosigned another history of this archive's log (a fork); run custody checkpoint for the evidence\n", quote.Safe(o.Name))
		case archive.WitnessUnreachable, archive.WitnessDeclined:
			fmt.Fprintf(env.Stderr, "custody: note: witness %s did not cosign (%s); custody checkpoint asks again\n", quote.Safe(o.Name), quote.Safe(quote.Clip(o.Detail)))
		}
	}
}

// keysTSA handles custody keys trust-tsa NAME PEM | untrust-tsa NAME |
// list-tsa; done is false for any other keys command.
func keysTSA(env *Env, pos []string) (done bool, err error) {
	switch {
	case len(pos) == 3 && pos[0] == "trust-tsa":
		pem, err := os.ReadFile(pos[2])
		if err != nil {
			return true, fmt.Errorf("reading the TSA roots: %w", err)
		}
		if _, err := tsa.RootCerts(pem); err != nil {
			return true, &exitError{ExitFailed, err}
		}
		a, err := env.open(readWrite)
		if err != nil {
			return true, err
		}
		defer a.Close()
		if err := a.TrustTSARoot(pos[1], pem); err != nil {
			return true, err
		}
		fmt.Fprintf(env.Stdout, "Time stamps that chain to %s are trusted now.\n", quote.Safe(pos[1]))
		return true, nil
	case len(pos) == 2 && pos[0] == "untrust-tsa":
		a, err := env.open(readWrite)
		if err != nil {
			return true, err
		}
		defer a.Close()
		if err := a.UntrustTSARoot(pos[1]); err != nil {
			return true, &exitError{ExitFailed, err}
		}
		fmt.Fprintf(env.Stdout, "Removed %s from the trusted TSA roots.\n", quote.Safe(pos[1]))
		return true, nil
	case len(pos) == 1 && pos[0] == "list-tsa":
		a, err := env.open(readOnly)
		if err != nil {
			return true, err
		}
		defer a.Close()
		list, err := a.TSARoots()
		if err != nil {
			return true, err
		}
		if len(list) == 0 {
			fmt.Fprintln(env.Stdout, "No trusted TSA roots yet. Add one with: custody keys trust-tsa NAME ROOTS.pem")
		}
		for _, r := range list {
			certs, _ := tsa.RootCerts([]byte(r.PEM))
			for _, c := range certs {
				fmt.Fprintf(env.Stdout, "%-24s %s  (added %s)\n", quote.Safe(r.Name), quote.Safe(c.Subject.String()), r.Added.Format("2006-01-02"))
			}
		}
		return true, nil
	}
	return false, nil
}

// readTSARoots reads --tsa-roots ("" gives none).
func readTSARoots(path string) ([]*x509.Certificate, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &exitError{ExitFailed, fmt.Errorf("reading --tsa-roots: %w", err)}
	}
	certs, err := tsa.RootCerts(b)
	if err != nil {
		return nil, &exitError{ExitFailed, fmt.Errorf("--tsa-roots %s: %w", quote.Safe(path), err)}
	}
	return certs, nil
}
