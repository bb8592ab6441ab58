package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/report"
	"strings"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/verify/prooffile"
)

func runDerive(env *Env, args []string) error {
	fs := newFlags("derive")
	from := fs.String("from", "", "parent document(s), comma separated")
	kind := fs.String("kind", "", strings.Join(archive.DeriveKinds, "|"))
	note := fs.String("note", "", "what was done")
	pos, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *from == "" || *kind == "" {
		return &exitError{ExitFailed, errors.New("use --from DOC[,DOC] --kind KIND FILE")}
	}
	a, err := env.open(readWrite)
	if err != nil {
		return err
	}
	defer a.Close()
	defer env.anchor(a) // runs before Close: stamps the checkpoints the command signed
	var parents [][32]byte
	for _, ref := range strings.Split(*from, ",") {
		id, err := a.Resolve(ref)
		if err != nil {
			return err
		}
		parents = append(parents, id)
	}
	rec, err := a.Derive(env.ctx, pos[0], parents, *kind, *note)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s  %s (%s of %d document(s))\n", rec.ID, rec.ShownName(), quote.Safe(*kind), len(parents))
	return nil
}

func annotate(env *Env, ref string, tags []string, text string) error {
	a, err := env.open(readWrite)
	if err != nil {
		return err
	}
	defer a.Close()
	defer env.anchor(a) // runs before Close: stamps the checkpoints the command signed
	id, err := a.Resolve(ref)
	if err != nil {
		return err
	}
	rec, err := a.Annotate(id, tags, text)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s  tags: %s  notes: %d\n", rec.ID, shownList(rec.Tags), len(rec.Notes))
	return nil
}

func runTag(env *Env, args []string) error {
	pos, err := flags(newFlags("tag"), env, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return &exitError{ExitFailed, errors.New("use: custody tag DOC TAG [TAG...]")}
	}
	return annotate(env, pos[0], pos[1:], "")
}

func runNote(env *Env, args []string) error {
	pos, err := flags(newFlags("note"), env, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return &exitError{ExitFailed, errors.New("use: custody note DOC TEXT")}
	}
	return annotate(env, pos[0], nil, strings.Join(pos[1:], " "))
}

// logLine is one event of "custody log --json".
type logLine struct {
	Index int64           `json:"index"`
	Event json.RawMessage `json:"event"`
}

func runLog(env *Env, args []string) error {
	fs := newFlags("log")
	asJSON := fs.Bool("json", false, "print JSON")
	format := fs.String("format", "", "write a standard format instead: premis (PREMIS 3 XML) or case (CASE/UCO JSON-LD)")
	pos, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	if *format != "" {
		return runLogExport(env, *format, pos)
	}
	if len(pos) > 1 {
		return &exitError{ExitFailed, errors.New("give at most one document")}
	}
	a, err := env.open(readOnly)
	if err != nil {
		return err
	}
	defer a.Close()
	var lines []logLine
	var ups []archive.Upstream
	emit := func(i int64, ev []byte) error {
		lines = append(lines, logLine{i, append(json.RawMessage(nil), ev...)})
		return nil
	}
	if len(pos) == 1 {
		id, err := a.Resolve(pos[0])
		if err != nil {
			return err
		}
		idx, err := a.Chain(id)
		if err != nil {
			return err
		}
		for _, i := range idx {
			ev, err := a.LogEvent(i)
			if err != nil {
				return err
			}
			emit(i, ev)
		}
		if ups, err = a.Upstream(id); err != nil {
			return err
		}
	} else {
		size, err := a.LogSize()
		if err != nil {
			return err
		}
		if err := a.LogEvents(0, size, emit); err != nil {
			return err
		}
	}
	if *asJSON {
		// JSON Lines, each event's stored bytes written exactly: they are
		// what was hashed into the log.
		for _, l := range lines {
			fmt.Fprintf(env.Stdout, "{\"index\":%d,\"event\":%s}\n", l.Index, l.Event)
		}
		printUpstream(env.Stdout, ups, true)
		return nil
	}
	for _, l := range lines {
		fmt.Fprintln(env.Stdout, describeEvent(l.Index, l.Event))
	}
	printUpstream(env.Stdout, ups, false)
	return nil
}

// describeEvent writes one event as a line for people. Every field can
// come from outside (a received bundle's names, origins, notes), so the
// line is shown through quote.Safe: one event, one line.
func describeEvent(i int64, raw []byte) string {
	ev, err := provenance.ParseEvent(raw)
	if err != nil {
		return fmt.Sprintf("%6d  (unreadable event: %s)", i, quote.Safe(err.Error()))
	}
	short := func(id string) string {
		if len(id) > 12 {
			return id[:12]
		}
		return id
	}
	var what string
	switch ev.Type {
	case provenance.Ingest:
		what = fmt.Sprintf("%s  %s  %s", short(ev.Doc), ev.Path, ev.Source)
	case provenance.Derive:
		var ps []string
		for _, p := range ev.Parents {
			ps = append(ps, short(p))
		}
		what = fmt.Sprintf("%s  %s of %s  %s", short(ev.Doc), ev.Kind, strings.Join(ps, ","), ev.Name)
	case provenance.Annotate:
		what = fmt.Sprintf("%s  tags %s  %s", short(ev.Doc), shownList(ev.Tags), quote.Safe(ev.Note))
	case provenance.Export, provenance.Receive:
		what = fmt.Sprintf("bundle %s  %d document(s)  %s", ev.Bundle, len(ev.Docs), ev.Origin)
	case provenance.Verify:
		what = fmt.Sprintf("%s: %s", ev.What, ev.Verdict)
	case provenance.Repair:
		what = fmt.Sprintf("%s  repaired (%s) from %s", short(ev.Doc), ev.What, ev.Source)
	case provenance.DKIM:
		what = fmt.Sprintf("%s  DKIM %s  %s  key from %s", short(ev.Doc), ev.Verdict, ev.What, ev.Source)
	}
	if ev.Type != provenance.Annotate {
		what = quote.Safe(what)
	}
	return fmt.Sprintf("%6d  %s  %-8s  %s", i, quote.Safe(ev.Time), quote.Safe(ev.Type), what)
}

func runCheckpoint(env *Env, args []string) error {
	if pos, err := flags(newFlags("checkpoint"), env, args); err != nil {
		return err
	} else if err := noArgs("checkpoint", pos); err != nil {
		return err
	}
	a, err := env.open(readOnly)
	if err != nil {
		return err
	}
	peers, err := printCheckpoint(env, a)
	var tsas []archive.TSA
	if err == nil {
		tsas, err = a.TSAList()
	}
	a.Close()
	if err != nil || len(peers)+len(tsas) == 0 {
		return err
	}
	return gatherAtCheckpoint(env) // read-write, to keep the stamps and cosignatures
}

// printCheckpoint prints the latest signed checkpoint and returns the
// witnesses to ask for it.
func printCheckpoint(env *Env, a *archive.Archive) ([]archive.Peer, error) {
	cp, err := a.LatestCheckpoint()
	if err != nil {
		return nil, err
	}
	if cp == nil {
		return nil, errors.New("the archive has no checkpoint yet: import something first")
	}
	if _, err = env.Stdout.Write(cp.Note); err != nil {
		return nil, err
	}
	return a.Witnesses()
}

func runProve(env *Env, args []string) error {
	fs := newFlags("prove")
	ancestors := fs.Bool("with-ancestors", false, "also disclose the records of the documents it was made from (a redaction's original!)")
	disclose := fs.String("disclose", "", "also disclose these recorded fields: sources,notes,tags (none by default)")
	format := fs.String("format", "json", "json (Custody's proof of the whole chain) or tlog-proof (c2sp.org/tlog-proof@v1: the event that recorded the document)")
	pos, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	choices, err := provenance.ParseChoices(*disclose)
	if err != nil {
		return &exitError{ExitFailed, err}
	}
	if len(pos) != 1 {
		return &exitError{ExitFailed, errors.New("use: custody prove DOC > proof.json")}
	}
	// Read-write: the proof's checkpoint is remembered as published, so
	// that every later bundle proves it extends it.
	a, err := env.open(readWrite)
	if err != nil {
		return err
	}
	defer a.Close()
	defer env.anchor(a) // runs before Close: stamps the checkpoints the command signed
	id, err := a.Resolve(pos[0])
	if err != nil {
		return err
	}
	var b []byte
	switch *format {
	case "json":
		b, err = a.ProveWith(id, logstore.ProofOptions{Choices: choices, Ancestors: *ancestors})
	case "tlog-proof":
		if *disclose != "" || *ancestors {
			return &exitError{ExitFailed, errors.New("a tlog-proof holds one sealed event: --disclose and --with-ancestors are for --format json")}
		}
		b, err = a.ProveTlog(id)
	default:
		return &exitError{ExitFailed, fmt.Errorf("--format %s: use json or tlog-proof", quote.Safe(*format))}
	}
	if err != nil {
		return err
	}
	_, err = env.Stdout.Write(b)
	return err
}

func runCheckProof(env *Env, args []string) error {
	fs := newFlags("check-proof")
	docPath := fs.String("doc", "", "the document's file")
	published := fs.String("checkpoint", "", "a checkpoint the archivist published earlier")
	var given keyList
	fs.Var(&given, "key", "the archivist's verifier key (or a file holding it), as you obtained it (not from the proof); repeatable")
	var witnessKeys keyList
	fs.Var(&witnessKeys, "witness-key", "trust this witness's cosignature key (or a file holding it); repeatable")
	policyPath := fs.String("witness-policy", "", "require the witness policy in this file (c2sp.org/tlog-policy)")
	tsaRoots := fs.String("tsa-roots", "", "trust time stamps whose TSA chains to these root certificates (PEM file)")
	pos, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	roots, err := readTSARoots(*tsaRoots)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *docPath == "" {
		return &exitError{ExitFailed, errors.New("use: custody check-proof --doc FILE proof.json")}
	}
	witnesses, policy, err := witnessOptions(witnessKeys, *policyPath)
	if err != nil {
		return &exitError{ExitFailed, err}
	}
	c := checkProofWith(prooffile.Input{Proof: pos[0], Doc: *docPath, Published: *published, Witnesses: witnesses, Policy: policy, TSARoots: roots}, given)

	switch c.Verdict {
	case prooffile.NotChecked:
		return c.Err
	case prooffile.NotProven:
		if c.Malformed {
			return problem("%v", c.Err)
		}
		fmt.Fprintf(env.Stdout, "NOT PROVEN\n  %s\n", quote.Safe(c.Err.Error()))
		if c.Fork != nil {
			fmt.Fprintf(env.Stdout, "\nEvidence (hand this on):\n%s\n", report.ShownLines(c.Fork.Evidence()))
		}
		return exitCode(ExitProblem)
	case prooffile.NotProvenByThatKey:
		fmt.Fprintf(env.Stdout, "NOT PROVEN BY THAT KEY\n  the checkpoint is not signed by the key you gave (fingerprint %s);\n  it verifies only under the key inside the proof: %s\n",
			c.Key.Fingerprint, quote.Safe(c.ProofSigner().Who()))
		return exitCode(ExitProblem)
	}
	res, sum := c.Proof, c.Doc
	fmt.Fprintf(env.Stdout, "%s\n  document %x\n  %d event(s) included in checkpoint %s #%d\n  %s\n",
		c.Verdict, sum, len(res.Events), quote.Safe(res.Checkpoint.Origin), res.Checkpoint.Size, res.Published)
	for _, ev := range res.Events {
		fmt.Fprintf(env.Stdout, "  %s  %-8s %s %s\n", quote.Safe(ev.Time), quote.Safe(ev.Type), quote.Safe(ev.Doc), quote.Safe(ev.Name))
	}
	if c.Witnesses != nil {
		fmt.Fprintf(env.Stdout, "  checkpoint %s\n", quote.Safe(c.Witnesses.Summary()))
	}
	for _, st := range c.Timestamps {
		fmt.Fprintf(env.Stdout, "  checkpoint %s\n", st.Words())
		if !st.Trusted {
			fmt.Fprintf(env.Stdout, "    (not trusted: %s; give its root with --tsa-roots)\n", st.Why)
		}
	}
	if !res.Trusted && len(given) == 0 {
		fmt.Fprintf(env.Stdout, "  The checkpoint verifies under the key inside the proof; give --key with the archivist's key, obtained from them, to know who signed it.\n")
	}
	return nil
}
