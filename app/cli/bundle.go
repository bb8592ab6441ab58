package cli

import (
	"errors"
	"fmt"
	"github.com/custody-app/custody/archive/quote"
	"io"
	"slices"

	"github.com/custody-app/custody/app/receive"
	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/blob"
	"github.com/custody-app/custody/archive/bundlewriter"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/verify/bundle"
	"github.com/custody-app/custody/verify/fixity"
	"github.com/custody-app/custody/verify/report"
)

func runBundle(env *Env, args []string) error {
	if len(args) > 0 && isHelp(args[0]) {
		printHelp(env.Stdout, "bundle", nil)
		return nil
	}
	if len(args) > 0 {
		switch args[0] {
		case "create":
			return runBundleCreate(env, args[1:])
		case "verify":
			return runBundleVerify(env, args[1:])
		case "receive":
			return runBundleReceive(env, args[1:])
		}
	}
	return &exitError{ExitFailed, errors.New("use: custody bundle create | verify | receive (see custody help)")}
}

func runBundleCreate(env *Env, args []string) error {
	fs := newFlags("bundle create")
	out := fs.String("out", "", "the bundle to write: a folder, or a file ending in .zip")
	all := fs.Bool("all", false, "bundle every document")
	tag := fs.String("tag", "", "bundle the documents with this tag")
	ancestors := fs.Bool("with-ancestors", false, "also send the documents that derived ones were made from, with their records (a redaction's original!)")
	disclose := fs.String("disclose", "", "also disclose these recorded fields: sources,notes,tags (none by default)")
	dryRun := fs.Bool("dry-run", false, "list what the receiver will be able to read, and write nothing")
	sha512 := fs.Bool("sha512", false, "add SHA-512 manifests")
	note := fs.String("note", "", "a note recorded in the export event")
	withVerifier := fs.Bool("with-verifier", false, "add the browser verifier page as custody/verify.html")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	skipDamaged := fs.Bool("skip-damaged", false, "write the bundle without the damaged documents (named; exit 1)")
	format := fs.String("format", "bagit", "bagit (a BagIt bag, the default) or ocfl (an OCFL 1.1 object, a folder)")
	refs, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	choices, err := provenance.ParseChoices(*disclose)
	if err != nil {
		return &exitError{ExitFailed, err}
	}
	if *dryRun {
		return runBundlePreview(env, *all, *tag, refs, bundlewriter.Options{WithAncestors: *ancestors, Disclose: choices}, *asJSON)
	}
	ways := 0
	for _, set := range []bool{*all, *tag != "", len(refs) > 0} {
		if set {
			ways++
		}
	}
	if *out == "" || ways != 1 {
		return &exitError{ExitFailed, errors.New("use --out PATH and one of --all, --tag TAG or some documents")}
	}
	switch *format {
	case "bagit", "":
		*format = ""
	case bundlewriter.FormatOCFL:
		if bundlewriter.IsZip(*out) {
			return &exitError{ExitFailed, errors.New("--format ocfl writes a folder; give --out a folder name, not a .zip")}
		}
	default:
		return &exitError{ExitFailed, fmt.Errorf("--format %s: use bagit or ocfl", quote.Safe(*format))}
	}
	page, err := pageFor(*withVerifier)
	if err != nil {
		return err
	}
	// As for import, the passphrase is checked while the payload is
	// copied (the archive's latest checkpoint, signed by the command that
	// last recorded something, is what the bundle carries), and the bundle
	// appears only if it was right. The key derivation's 128 MiB then adds
	// to what a bundle of many documents holds for a moment.
	a, err := env.openWith(readWrite, newArchive{unlockInBackground: true})
	if err != nil {
		return err
	}
	defer a.Close()
	defer env.anchor(a) // runs before Close: stamps the checkpoints the command signed
	ids, err := chooseDocs(a, *all, *tag, refs)
	if err != nil {
		return err
	}
	create := func(ids [][32]byte) (*bundlewriter.Result, error) {
		return bundlewriter.Create(env.ctx, a, bundlewriter.Options{Out: *out, Docs: ids, WithAncestors: *ancestors,
			Disclose: choices, SHA512: *sha512, Note: *note, VerifierPage: page, Progress: env.bar("Bundling"), Format: *format})
	}
	res, err := create(ids)
	var left []string // damaged documents left out
	if errors.Is(err, blob.ErrCorrupt) || errors.Is(err, blob.ErrMissing) {
		var rest [][32]byte
		if rest, left, err = damagedAmong(env, a, ids, err); err == nil {
			if !*skipDamaged {
				return problem("the bundle was not written: %s damaged (listed above); repair them (import the originals, or custody repair --from ARCHIVE), or write the others with --skip-damaged",
					plural(len(left), "document is"))
			}
			if len(rest) == 0 {
				return problem("the bundle was not written: every chosen document is damaged")
			}
			res, err = create(rest)
		}
	}
	if err != nil {
		if errors.Is(err, blob.ErrCorrupt) || errors.Is(err, blob.ErrMissing) {
			return problem("%v", err)
		}
		return err
	}
	if left != nil {
		// Written, but not whole: a script must notice.
		defer fmt.Fprintf(env.Stderr, "custody bundle create: written without %s (listed above)\n", plural(len(left), "damaged document"))
	}
	if *asJSON {
		writeJSON(env.Stdout, bundleCreateJSON{res, nonNil(left)})
		return exitIf(left != nil)
	}
	kind := "folder"
	if res.Zip {
		kind = "zip"
	}
	if *format == bundlewriter.FormatOCFL {
		kind = "an OCFL 1.1 object; provenance in " + bundlewriter.OCFLExtension
	}
	fmt.Fprintf(env.Stdout, "Wrote the bundle %s (%s): %s, %s, %s.\n", quote.Safe(res.Path), kind,
		plural(len(res.Files), "document"), humanBytes(res.Bytes), plural(res.Events, "provenance event"))
	fmt.Fprintf(env.Stdout, "Bundle id:   %s\nCheckpoint:  %s, size %d\nFingerprint: %s (the receiver confirms it with you)\n",
		res.ID, a.Public().Origin, res.CheckpointSize, a.Public().Fingerprint)
	if res.Timestamps > 0 {
		fmt.Fprintf(env.Stdout, "Time stamps: %d (RFC 3161, in custody/timestamps/)\n", res.Timestamps)
	}
	for _, u := range res.Unstamped {
		fmt.Fprintf(env.Stderr, "custody: note: %s did not give a time stamp in time; the bundle carries none from it\n", quote.Safe(u))
	}
	for _, f := range res.Files {
		if f.Path != "data/"+f.Name {
			fmt.Fprintf(env.Stdout, "  %s  was named %s (made safe for every system; the original is kept in custody/names.tsv)\n", quote.Safe(f.Path), quote.Safe(f.Name))
		}
	}
	return exitIf(left != nil)
}

// runBundlePreview prints what a bundle made with opt would let its
// receiver read, per document and event, and writes nothing.
func runBundlePreview(env *Env, all bool, tag string, refs []string, opt bundlewriter.Options, asJSON bool) error {
	if !all && tag == "" && len(refs) == 0 {
		return &exitError{ExitFailed, errors.New("use one of --all, --tag TAG or some documents with --dry-run")}
	}
	a, err := env.open(readOnly)
	if err != nil {
		return err
	}
	defer a.Close()
	if opt.Docs, err = chooseDocs(a, all, tag, refs); err != nil {
		return err
	}
	p, err := bundlewriter.Plan(a, opt)
	if err != nil {
		return err
	}
	var lines []report.DisclosedEvent
	for _, e := range p.Events {
		lines = append(lines, report.Describe(e.Index, e.View))
	}
	if asJSON {
		writeJSON(env.Stdout, struct {
			Files    []bundlewriter.File     `json:"files"`
			Events   []report.DisclosedEvent `json:"events"`
			Disclose string                  `json:"disclose"`
		}{p.Files, lines, p.Disclose.String()})
		return nil
	}
	fmt.Fprintf(env.Stdout, "A bundle of %s (%s) would let the receiver read:\n", plural(len(p.Files), "document"), humanBytes(p.Bytes))
	for _, f := range p.Files {
		fmt.Fprintf(env.Stdout, "  %s  %s  %s\n", f.Doc[:12], humanBytes(f.Size), quote.Safe(f.Name))
	}
	fmt.Fprintf(env.Stdout, "and these %s of your log (checkpoint size %d):\n", plural(len(lines), "event"), p.CheckpointSize)
	for _, l := range lines {
		fmt.Fprintf(env.Stdout, "  %s\n", quote.Safe(l.Line()))
	}
	for _, h := range p.Hops {
		fmt.Fprintf(env.Stdout, "and, as received from the log %s (key %s), these %s:\n", quote.Safe(h.Origin), quote.Safe(h.Key), plural(len(h.Events), "event"))
		for _, e := range h.Events {
			fmt.Fprintf(env.Stdout, "  %s\n", quote.Safe(report.Describe(e.Index, e.View).Line()))
		}
	}
	what := p.Disclose.String()
	if what == "" {
		what = "none"
	}
	fmt.Fprintf(env.Stdout, "Disclosed beyond names: %s. ", what)
	if p.WithAncestors {
		fmt.Fprintln(env.Stdout, "Originals of derived documents go too (--with-ancestors).")
	} else {
		fmt.Fprintln(env.Stdout, "Originals of derived documents stay withheld.")
	}
	fmt.Fprintln(env.Stdout, "Nothing was written.")
	return nil
}

// chooseDocs turns the selection flags into document IDs.
func chooseDocs(a *archive.Archive, all bool, tag string, refs []string) ([][32]byte, error) {
	var ids [][32]byte
	if all || tag != "" {
		err := a.Each(func(r *catalog.Record) error {
			if all || slices.Contains(r.Tags, tag) {
				ids = append(ids, r.Sum())
			}
			return nil
		}, nil)
		if err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			if all {
				return nil, errors.New("the archive holds no documents yet")
			}
			return nil, fmt.Errorf("no document has the tag %q", tag)
		}
		return ids, nil
	}
	for _, ref := range refs {
		id, err := a.Resolve(ref)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// verifyArchive opens the archive a bundle is checked against, or none.
func (env *Env) verifyArchive(none bool) (*archive.Archive, string, error) {
	if none {
		return nil, "", nil
	}
	dir := archive.Locate(env.Archive)
	if !archive.Exists(dir) {
		return nil, "", nil
	}
	a, err := env.open(readOnly)
	if err != nil {
		return nil, "", fmt.Errorf("%w (to check the bundle without your archive, add --no-archive)", err)
	}
	return a, a.Dir(), nil
}

func runBundleVerify(env *Env, args []string) error {
	fs := newFlags("bundle verify")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	strict := fs.Bool("strict", false, "also fail (exit 1) on an unknown signer, no provenance or any warning")
	reportPath := fs.String("report", "", "also write the report to this file: .pdf, .html or .json")
	noArchive := fs.Bool("no-archive", false, "check the bundle alone, without your archive's trusted keys and memory")
	var given keyList
	fs.Var(&given, "key", "trust this verifier key (or a file holding it) for this check; repeatable")
	var witnessKeys keyList
	fs.Var(&witnessKeys, "witness-key", "trust this witness's cosignature key (or a file holding it) for this check; repeatable")
	policyPath := fs.String("witness-policy", "", "require the witness policy in this file (c2sp.org/tlog-policy)")
	tsaRoots := fs.String("tsa-roots", "", "trust time stamps whose TSA chains to these root certificates (PEM file), for this check")
	pos, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	witnesses, policy, err := witnessOptions(witnessKeys, *policyPath)
	if err != nil {
		return &exitError{ExitFailed, err}
	}
	roots, err := readTSARoots(*tsaRoots)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &exitError{ExitFailed, errors.New("use: custody bundle verify [--json] [--strict] [--report FILE.pdf|.html|.json] [--key KEY]... PATH")}
	}
	if err := checkReportPath(*reportPath); err != nil {
		return err
	}
	a, dir, err := env.verifyArchive(*noArchive)
	if err != nil {
		return err
	}
	trusted, err := bundle.GivenKeys(given)
	if err != nil {
		if a != nil {
			a.Close()
		}
		return &exitError{ExitFailed, err}
	}
	opt := bundle.Options{Progress: env.bar("Verifying"), Keys: trusted, Witnesses: witnesses, WitnessPolicy: policy, TSARoots: roots}
	if a != nil {
		opt.Archive = a
	}
	res := bundle.Verify(env.ctx, pos[0], opt)
	if a != nil {
		a.Close() // before the report's event is recorded, read-write
	}
	if *asJSON {
		writeJSON(env.Stdout, res.JSON(dir))
	} else {
		printBundle(env.Stdout, res, dir)
	}
	if *reportPath != "" && res.Report.Verdict != report.Cancelled {
		w := env.Stdout
		if *asJSON {
			w = env.Stderr
		} else {
			fmt.Fprintln(w)
		}
		what := "bundle check of " + quote.Safe(pos[0])
		if res.BundleID != "" {
			what = "bundle check of " + shortID(res.BundleID)
		}
		if err := env.saveReport(w, reportOut{path: *reportPath, what: what}, res.Document(dir), a != nil); err != nil {
			return err
		}
	}
	return exitCode(res.Report.ExitCode(*strict))
}

// printBundle writes a bundle's report for people.
func printBundle(w io.Writer, res *bundle.Result, dir string) {
	d := res.Document(dir)
	printReport(w, d)
	fmt.Fprintln(w)

	if s := d.Signer; s != nil {
		fmt.Fprintf(w, "Signed by %s\n  log %s\n", s.Who(), s.Origin)
	}
	if d.Witnesses != nil {
		fmt.Fprintf(w, "Checkpoint %s\n", d.Witnesses.Summary()) // names shown already
	}
	for _, t := range d.TimeAnchors {
		fmt.Fprintf(w, "Checkpoint %s\n", t.Words)
		if t.NotBefore != "" {
			fmt.Fprintf(w, "  not before %s (the newest event it holds, by the sender's clock)\n", t.NotBefore)
		}
	}
	for _, f := range d.Files {
		for _, m := range f.MadeFrom {
			fmt.Fprintf(w, "%s is %s\n", f.Path, m)
		}
		for _, k := range f.DKIM {
			fmt.Fprintf(w, "%s: %s\n", f.Path, k)
		}
	}
	switch {
	case dir == "" && d.Signer != nil && d.Signer.Trusted:
		fmt.Fprintln(w, "Checked without an archive: the signer's key is one you gave for this check (--key); no memory of earlier checkpoints was used.")
	case dir == "":
		fmt.Fprintln(w, "Checked without an archive: no trusted keys and no memory of earlier checkpoints were used, so the signer is unknown at best.")
	default:
		fmt.Fprintf(w, "Checked against the archive in %s (trusted keys, checkpoints seen before).\n", d.Archive)
	}
	if res.Fork != nil {
		fmt.Fprintf(w, "\nEvidence of the fork (hand this on; anyone with the signer's key can check it):\n%s", d.Evidence)
	}
	if res.Report.Verdict == report.NoProvenance {
		switch res.Kind {
		case bundle.KindOCFLObject:
			fmt.Fprintln(w, "This OCFL object carries no provenance: its files match its inventory, but nothing says where they came from.")
		case bundle.KindOCFLRoot:
			fmt.Fprintln(w, "NO PROVENANCE checked: a storage root's objects are checked against their inventories; to check an object's provenance, verify the object's own folder.")
		default:
			fmt.Fprintln(w, "This bag carries no provenance: its files match its manifests, but nothing says where they came from.")
		}
	}
}

func runBundleReceive(env *Env, args []string) error {
	fs := newFlags("bundle receive")
	force := fs.Bool("force", false, "receive a TAMPERED, FORKED or INVALID bundle anyway (recorded in the log)")
	note := fs.String("note", "", "a note recorded with each received document")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	pos, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &exitError{ExitFailed, errors.New("use: custody bundle receive [--force] PATH")}
	}
	a, err := env.open(readWrite)
	if err != nil {
		return err
	}
	defer a.Close()
	defer env.anchor(a) // runs before Close: stamps the checkpoints the command signed
	got, err := receive.Bundle(env.ctx, a, pos[0], receive.Options{Force: *force, Note: *note,
		Verifying: env.bar("Verifying"), Importing: env.bar("Receiving")})
	if *asJSON {
		writeJSON(env.Stdout, struct {
			*bundle.JSONReport
			*receive.Received
			Error string `json:"error,omitempty"`
		}{got.Verify.JSON(a.Dir()), got, errText(err)})
	} else {
		printBundle(env.Stdout, got.Verify, a.Dir())
		if got.Import != nil {
			printReceived(env, got)
		}
	}
	switch {
	case errors.Is(err, bundle.ErrRefused):
		if *asJSON {
			return exitCode(ExitProblem)
		}
		return problem("%w", err)
	case err != nil:
		return err
	case got.Forced:
		return exitCode(ExitProblem)
	}
	return nil
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return hinted(err).Error()
}

func printReceived(env *Env, got *receive.Received) {
	w := env.Stdout
	res := got.Import
	fmt.Fprintf(w, "\nReceived %s (%s), %s already present, %s skipped.\n",
		plural(res.Added, "new document"), humanBytes(res.Bytes), plural(res.Duplicates, "document"), plural(len(res.Skipped), "file"))
	for _, s := range res.Skipped {
		fmt.Fprintf(w, "  skipped %s: %s\n", quote.Safe(s.Path), quote.Safe(s.Reason))
	}
	switch n := res.AlreadyReceived; {
	case n > 0 && n == len(res.Files):
		fmt.Fprintf(w, "This bundle was already received (%s): nothing new was recorded.\n", plural(n, "document"))
	case n > 0:
		fmt.Fprintf(w, "%s already received from this bundle before: nothing new was recorded for them.\n", plural(n, "document"))
	}
	switch {
	case res.AlreadyReceived == len(res.Files):
	case got.Provenance:
		fmt.Fprintln(w, "Each document was recorded with a receive event naming the sender's log and checkpoint, so its provenance continues here.")
	default:
		fmt.Fprintln(w, "This bag has no provenance: its documents were imported as new material (an ingest event each, naming the bag as the source).")
	}
	if got.Forced {
		fmt.Fprintf(w, "Received with --force despite the verdict %s; each document's event records that.\n", got.Verify.Report.Verdict)
	}
	if got.Remembered {
		fmt.Fprintf(w, "The sender's checkpoint (size %d) is now the newest remembered from %s.\n", got.Verify.Checkpoint.Size, quote.Safe(got.Verify.Checkpoint.Origin))
	}
}

// bundleCreateJSON is bundle create's --json output: the result, and the
// damaged documents left out with --skip-damaged.
type bundleCreateJSON struct {
	*bundlewriter.Result
	SkippedDamaged []string `json:"skipped_damaged"`
}

// damagedAmong checks the chosen documents' bytes after a bundle could not
// be written because one was damaged, names every damaged one on stderr,
// and returns the others.
func damagedAmong(env *Env, a *archive.Archive, ids [][32]byte, cause error) (rest [][32]byte, damaged []string, err error) {
	cov := &fixity.Coverage{}
	fixity.Check(env.ctx, a, fixity.Options{Docs: ids, Coverage: cov, Progress: env.bar("Checking")})
	if env.ctx.Err() != nil {
		return nil, nil, env.ctx.Err()
	}
	if len(cov.Damaged) == 0 {
		return nil, nil, cause // damage the check did not see again
	}
	bad := map[[32]byte]bool{}
	for _, id := range cov.Damaged {
		bad[id] = true
		name := ""
		if r, err := a.Record(id); err == nil {
			name = r.FirstName()
		}
		fmt.Fprintf(env.Stderr, "damaged  %x  %s\n", id, quote.Safe(name))
		damaged = append(damaged, fmt.Sprintf("%x", id))
	}
	for _, id := range ids {
		if !bad[id] {
			rest = append(rest, id)
		}
	}
	return rest, damaged, nil
}

func exitIf(problemFound bool) error {
	if problemFound {
		return exitCode(ExitProblem)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
