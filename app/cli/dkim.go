package cli

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/custody-app/custody/app/dkimcheck"
	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/dkimrecord"
	"github.com/custody-app/custody/archive/quote"
)

func runDKIM(env *Env, args []string) error {
	fs := newFlags("dkim")
	keysFile := fs.String("keys", "", "a file of DNS TXT key records to add first (check)")
	add := fs.String("add", "", "a file of DNS TXT key records to add (keys)")
	source := fs.String("source", "", "where the key records came from (with --keys or --add)")
	useDNS := fs.Bool("dns", false, "look up keys not held in DNS, and keep what is found (check)")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 || (pos[0] != "check" && pos[0] != "keys") {
		return &exitError{ExitFailed, errors.New("use: custody dkim check [--keys FILE [--source TEXT]] [--dns] [DOC...] | dkim keys [--add FILE --source TEXT]")}
	}
	if pos[0] == "keys" {
		if len(pos) > 1 {
			return &exitError{ExitFailed, errors.New("dkim keys takes no documents")}
		}
		return dkimKeys(env, *add, *source, *asJSON)
	}
	a, err := env.open(readWrite)
	if err != nil {
		return err
	}
	defer a.Close()
	if *keysFile != "" {
		if err := addKeyFile(env, a, *keysFile, *source); err != nil {
			return err
		}
	}
	ids, err := messagesToCheck(a, pos[1:])
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return &exitError{ExitFailed, errors.New("no messages to check: import .eml or .mbox files, or name documents")}
	}
	opt := dkimcheck.Options{Progress: env.bar("Checking")}
	if *useDNS {
		opt.Lookup = func(o dkimrecord.Outcome) (dkimrecord.Key, bool) { return lookupKey(env, o) }
	}
	checked, err := dkimcheck.Run(env.ctx, a, ids, opt)
	if err != nil {
		return err
	}
	invalid := 0
	var lines []dkimLine
	for _, c := range checked {
		if c.Outcome.Result == dkimrecord.Invalid {
			invalid++
		}
		lines = append(lines, dkimLine{ID: hex.EncodeToString(c.Doc[:]), Name: c.Name, Result: c.Outcome.Result, Summary: c.Outcome.Summary(),
			Outcome: c.Outcome.What(), KeySource: c.Outcome.KeySource, Event: c.Event})
	}
	if *asJSON {
		writeJSON(env.Stdout, lines)
	} else {
		for _, l := range lines {
			fmt.Fprintf(env.Stdout, "%s  %-10s  %s\n            %s\n", l.ID[:12], l.Result, quote.Safe(l.Name), quote.Safe(strings.TrimPrefix(l.Summary, l.Result+" ")))
		}
		fmt.Fprintf(env.Stdout, "Checked %s; each outcome is recorded in the log (events %d to %d).\n", plural(len(lines), "message"), lines[0].Event, lines[len(lines)-1].Event)
	}
	if invalid > 0 {
		if *asJSON {
			return exitCode(ExitProblem)
		}
		return problem("%s did not verify: the message was changed after it was signed, or the signature is broken", plural(invalid, "message"))
	}
	return nil
}

// dkimLine is one message of "custody dkim check --json".
type dkimLine struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Result    string `json:"result"`
	Summary   string `json:"summary"`
	Outcome   string `json:"outcome"`
	KeySource string `json:"key_source,omitempty"`
	Event     int64  `json:"event"`
}

// messagesToCheck resolves the documents named, or finds every message
// (a name ending in .eml, or a message media type) when none is.
func messagesToCheck(a *archive.Archive, refs []string) ([][32]byte, error) {
	var ids [][32]byte
	for _, ref := range refs {
		id, err := a.Resolve(ref)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if len(refs) > 0 {
		return ids, nil
	}
	return dkimcheck.Messages(a)
}

func addKeyFile(env *Env, a *archive.Archive, file, source string) error {
	f, err := os.Open(file)
	if err != nil {
		return &exitError{ExitFailed, err}
	}
	defer f.Close()
	if source == "" {
		source = "key file " + filepath.Base(file)
	}
	keys, err := dkimrecord.ParseZone(io.LimitReader(f, 64<<20), source, time.Now())
	if err != nil {
		return &exitError{ExitFailed, fmt.Errorf("%s: %w", quote.Safe(file), err)}
	}
	if len(keys) == 0 {
		return &exitError{ExitFailed, fmt.Errorf("%s holds no _domainkey TXT records", quote.Safe(file))}
	}
	n, err := a.AddDKIMKeys(keys)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "Read %s from %s (%d new).\n", plural(len(keys), "key record"), quote.Safe(file), n)
	return nil
}

// lookupKey asks DNS for the key of a NO KEY outcome; only --dns does.
func lookupKey(env *Env, o dkimrecord.Outcome) (dkimrecord.Key, bool) {
	name := o.Selector + "._domainkey." + o.Domain
	txts, err := net.LookupTXT(name)
	if err != nil || len(txts) != 1 {
		fmt.Fprintf(env.Stderr, "DNS gave no single key record for %s.\n", quote.Safe(name))
		return dkimrecord.Key{}, false
	}
	return dkimrecord.Key{Selector: o.Selector, Domain: o.Domain, TXT: txts[0], Source: "DNS lookup of " + name,
		Obtained: time.Now().UTC().Truncate(time.Second)}, true
}

func dkimKeys(env *Env, add, source string, asJSON bool) error {
	mode := readOnly
	if add != "" {
		mode = readWrite
		if strings.TrimSpace(source) == "" {
			return &exitError{ExitFailed, errors.New("say where the key records came from: --source TEXT")}
		}
	}
	a, err := env.open(mode)
	if err != nil {
		return err
	}
	defer a.Close()
	if add != "" {
		if err := addKeyFile(env, a, add, source); err != nil {
			return err
		}
	}
	keys, err := a.DKIMKeys()
	if err != nil {
		return err
	}
	if asJSON {
		type row struct {
			dkimrecord.Key
			Name string `json:"name"`
			Hash string `json:"sha256"`
		}
		rows := []row{}
		for _, k := range keys {
			rows = append(rows, row{k, k.Name(), k.Hash()})
		}
		writeJSON(env.Stdout, rows)
		return nil
	}
	for _, k := range keys {
		fmt.Fprintf(env.Stdout, "%s  sha256:%s\n  obtained %s from %s\n", quote.Safe(k.Name()), k.Hash()[:16], k.Obtained.Format(time.RFC3339), quote.Safe(k.Source))
	}
	fmt.Fprintf(env.Stdout, "%s held.\n", plural(len(keys), "key record"))
	return nil
}

// printDKIM adds a document's recorded DKIM outcomes to show.
func printDKIM(w io.Writer, a *archive.Archive, id [32]byte) error {
	evs, err := a.DKIMOutcomes(id)
	if err != nil {
		return err
	}
	for _, e := range evs {
		o := e.Outcome
		fmt.Fprintf(w, "DKIM:      %s\n", quote.Safe(o.Summary()))
		if o.KeyHash != "" {
			fmt.Fprintf(w, "           key record sha256:%s, key fingerprint sha256:%s\n           key from %s\n", quote.Safe(o.KeyHash[:min(16, len(o.KeyHash))]), quote.Safe(o.KeyFP), quote.Safe(o.KeySource))
		}
		fmt.Fprintf(w, "           x= judged at %s (when recorded); checked %s by %s (log event %d)\n", o.At.Format(time.RFC3339), quote.Safe(e.Time), quote.Safe(o.Verifier), e.Index)
	}
	return nil
}
