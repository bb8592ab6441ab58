package bundle

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/custody-app/custody/archive/bundleformat"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/report"
	"golang.org/x/mod/sumdb/note"
	tlog "golang.org/x/mod/sumdb/tlog"
)

// maxEventsFile bounds events.jsonl as a whole (each line is bounded too).
const maxEventsFile = 1 << 30

// maxPerCode bounds the findings kept per code.
const maxPerCode = 1000

// prover holds the state of one provenance check.
type prover struct {
	ctx     context.Context
	fsys    fs.FS
	opt     Options
	res     *Result
	rep     *report.Report
	perCode map[string]int
	dropped map[string]int
	failed  map[string]int // problems per check name

	note      []byte
	cp        *provenance.Checkpoint // parsed; signature valid only when sigOK
	sigOK     bool
	signerVs  note.Verifiers // the verifier of the key that signed
	bundleVs  []note.Verifier
	bundleKey map[string]*keys.KeyInfo // key name → key from keys.txt
	sigDetail string

	proofs     *ProofSet
	eventsRead bool // events.jsonl was read to its end against valid proofs
	events     int
	introduced map[string]int64
	introducer map[int64]string // index → time, of every proven introducing event
	derives    []derivation
	// signedNames holds, per document, the names the proven events
	// disclose for it: only these may be recorded on receipt.
	signedNames map[string][]string
	notSigner   int
	otherActor  string // the first actor that is not the signer
	earlier     *ConsistencySet

	historyOK     bool
	historyDetail string

	// hop is 0 for the bundle's own log, n for custody/hops/n (whose
	// prover reads the hop's files under the top-level names).
	hop int
	// proven holds every event proven against the checkpoint, in order.
	proven []provenEvent
	// hops are the provers of the upstream logs (top-level prover only).
	hops []*prover
}

// provenEvent is one proven event as the bundle carried it, and read.
type provenEvent struct {
	pe provenance.ProvenEvent
	v  *provenance.View
}

type derivation struct {
	index        int64
	doc          string
	kind         string
	parents      []string // aligned with parentEvents; "" where withheld
	parentEvents []int64
}

func newProver(ctx context.Context, fsys fs.FS, opt Options, res *Result) *prover {
	return &prover{ctx: ctx, fsys: fsys, opt: opt, res: res, rep: res.Report,
		perCode: map[string]int{}, dropped: map[string]int{}, failed: map[string]int{},
		bundleKey: map[string]*keys.KeyInfo{}, introduced: map[string]int64{},
		introducer: map[int64]string{}, signedNames: map[string][]string{}}
}

// checkOf says which check a code's problems count against.
var checkOf = map[string]string{
	FileMissing: CheckProvenance, FileMalformed: CheckProvenance, ReadFailed: CheckProvenance,
	KeyMalformed: CheckSignature, CheckpointMalformed: CheckSignature, SignatureInvalid: CheckSignature,
	OriginKeyMismatch: CheckSignature,
	EventMalformed:    CheckInclusion, ProofMissing: CheckInclusion, EventNotInLog: CheckInclusion,
	DisclosureMismatch: CheckInclusion, NameUnsigned: CheckChains,
	DocWithoutEvent: CheckChains, ChainIncomplete: CheckChains, NoSHA256: CheckChains, NamesMismatch: CheckChains,
	HopUnlinked: CheckHops, HopDocMissing: CheckHops, DKIMDisagrees: CheckChains,
	ConsistencyInvalid: CheckHistory, SignerChanged: CheckHistory, Forked: CheckHistory, ArchiveUnreadable: CheckHistory,
}

func (p *prover) add(f report.Finding) { p.addTo(f, checkOf[f.Code]) }

// addTo adds f, counting a problem against check.
func (p *prover) addTo(f report.Finding, check string) {
	if f.Severity == "" {
		f.Severity = report.Problem
		if codeClass[f.Code] == classIO {
			f.Severity = report.IOError
		}
	}
	if f.Severity != report.Warning {
		p.failed[check]++
	}
	if p.perCode[f.Code]++; p.perCode[f.Code] > maxPerCode {
		p.dropped[f.Code]++
		return
	}
	p.rep.Add(f)
}

// checkProofs checks what needs only the custody/ files: the signature,
// the events and their inclusion proofs. It can run while the payload is
// still being hashed.
func (p *prover) checkProofs() {
	p.checkSignature()
	p.checkEvents()
	if p.hop == 0 {
		p.checkHops()
	}
}

// checkRest checks what needs the payload's manifest and the archive's
// memory: the documents' chains, names and history; then sums up.
func (p *prover) checkRest() {
	p.checkDocs()
	p.linkHops()
	p.checkNames()
	p.checkDKIM()
	p.checkConsistency()
	p.checkHistory()
	p.collectHeld()
	if p.hop == 0 {
		p.checkWitnesses()
	}
	for code, n := range p.dropped {
		sev := report.Problem
		if codeClass[code] == classIO {
			sev = report.IOError
		}
		p.rep.Add(report.Finding{Code: code, Severity: sev,
			Message: fmt.Sprintf("%d more findings with the code %s were found but not listed", n, code)})
	}
	p.summarize()
	if p.hop == 0 {
		p.checkTimestamps()
	}
}

var errTooLarge = errors.New("too large")

// readFile reads a custody/ file of at most max bytes. A missing required
// file, one too large or unreadable, is reported and gives false.
func (p *prover) readFile(name string, max int64, required bool) ([]byte, bool) {
	b, err := readCapped(p.fsys, name, max)
	switch {
	case err == nil:
		return b, true
	case errors.Is(err, fs.ErrNotExist):
		if required {
			p.add(report.Finding{Code: FileMissing, Path: name, Expected: "present", Found: "missing",
				Message: fmt.Sprintf("%s is missing, so the bundle's provenance cannot be checked (incomplete proof material)", name)})
		}
	case errors.Is(err, errTooLarge):
		p.add(report.Finding{Code: FileMalformed, Path: name, Expected: fmt.Sprintf("at most %d bytes", max),
			Message: fmt.Sprintf("%s is larger than the %d bytes a verifier reads; it was not read", name, max)})
	default:
		p.add(report.Finding{Code: ReadFailed, Path: name, Message: fmt.Sprintf("could not read %s: %v", name, err)})
	}
	return nil, false
}

func readCapped(fsys fs.FS, name string, max int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > max {
		return nil, errTooLarge
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err == nil && int64(len(b)) > max {
		return nil, errTooLarge
	}
	return b, err
}

// checkSignature reads keys.txt and the checkpoint and verifies the
// signature: first under the keys the receiving archive trusts (its trust
// store and its own key), then under the bundle's own keys.
func (p *prover) checkSignature() {
	if kb, ok := p.readFile(bundleformat.FileKeys, bundleformat.MaxKeysFile, true); ok {
		p.readKeys(kb)
	}
	b, ok := p.readFile(bundleformat.FileCheckpoint, provenance.MaxCheckpointSize, true)
	if !ok {
		p.sigDetail = "not checked: the checkpoint could not be read"
		return
	}
	p.note = b
	_, err := provenance.ParseCheckpoint(b, note.VerifierList())
	var unknown *provenance.SignerUnknownError
	if !errors.As(err, &unknown) {
		p.add(report.Finding{Code: CheckpointMalformed, Path: bundleformat.FileCheckpoint, Message: err.Error()})
		p.sigDetail = "not checked: the checkpoint is malformed"
		return
	}
	p.cp = unknown.Checkpoint
	p.res.Checkpoint = p.cp
	if p.checkTrusted() {
		return
	}
	if len(p.bundleVs) == 0 {
		p.add(report.Finding{Code: SignatureInvalid, Path: bundleformat.FileCheckpoint, Expected: "a signature by a key in custody/keys.txt",
			Found: "signature lines by keys that call themselves " + selfNames(unknown.Signers) + " (unverified)", Message: "custody/keys.txt holds no usable key, so the checkpoint's signature cannot be checked"})
		p.sigDetail = "not checked: no usable key"
		return
	}
	vs := note.VerifierList(p.bundleVs...)
	cp, err := provenance.ParseCheckpoint(b, vs)
	if err != nil {
		p.signatureFailed(err, unknown.Signers)
		return
	}
	var info *keys.KeyInfo
	for _, name := range cp.Signers {
		if k := p.bundleKey[name]; k != nil {
			info = k
			break
		}
	}
	p.verified(cp, info, keys.Trusted{})
}

func (p *prover) readKeys(b []byte) {
	lines, err := ParseKeys(b)
	if err != nil {
		p.add(report.Finding{Code: FileMalformed, Path: bundleformat.FileKeys, Message: "custody/keys.txt: " + err.Error()})
		return
	}
	for i, l := range lines {
		v, info, err := keys.ParseVerifierKey(l)
		if err != nil {
			p.add(report.Finding{Code: KeyMalformed, Path: bundleformat.FileKeys, Found: quote.Clip(l),
				Message: fmt.Sprintf("key on line %d is not used: %v", i+1, err)})
			continue
		}
		if p.bundleKey[info.Name] != nil {
			p.add(report.Finding{Code: KeyMalformed, Path: bundleformat.FileKeys, Found: quote.Clip(l),
				Message: fmt.Sprintf("key on line %d has the same name as an earlier one; it is not used", i+1)})
			continue
		}
		p.bundleKey[info.Name] = info
		p.bundleVs = append(p.bundleVs, v)
	}
}

// checkTrusted verifies the checkpoint under the archive's trusted keys
// and reports whether that settled the signature.
func (p *prover) checkTrusted() bool {
	a := p.opt.Archive
	list := p.opt.Keys
	if a == nil && len(list) == 0 {
		return false
	}
	if a != nil {
		trusted, err := a.TrustList()
		if err != nil {
			p.add(report.Finding{Code: ArchiveUnreadable, Message: "the archive's trust store could not be read: " + err.Error()})
		}
		list = append(trusted, list...)
		if pub := a.Public(); pub != nil {
			list = append(list, keys.Trusted{Name: "this archive (your own key)", VerifierKey: pub.VerifierKey,
				Fingerprint: pub.Fingerprint, How: "it is this archive's key"})
		}
	}
	// A key is matched by the signature it verifies, never by its name:
	// two keys can carry the same name, and anyone can name a key
	// "alice". Each trusted key whose name is on a signature line is
	// tried alone, so the one that verifies is the one recorded.
	type candidate struct {
		v note.Verifier
		t keys.Trusted
	}
	var cands []candidate
	var vs []note.Verifier
	seen := map[string]bool{}
	for _, t := range list {
		v, _, err := keys.ParseVerifierKey(t.VerifierKey)
		if err != nil || seen[t.VerifierKey] {
			continue
		}
		seen[t.VerifierKey] = true
		vs = append(vs, v)
		cands = append(cands, candidate{v, t})
	}
	if len(vs) == 0 {
		return false
	}
	_, err := provenance.ParseCheckpoint(p.note, note.VerifierList(vs...))
	var unknown *provenance.SignerUnknownError
	switch {
	case err == nil:
		for _, c := range cands {
			if cp, err := provenance.ParseCheckpoint(p.note, note.VerifierList(c.v)); err == nil {
				_, info, _ := keys.ParseVerifierKey(c.t.VerifierKey)
				p.verified(cp, info, c.t)
				return true
			}
		}
		return false
	case errors.As(err, &unknown):
		return false
	}
	p.signatureFailed(err, nil)
	return true
}

func (p *prover) signatureFailed(err error, signers []string) {
	found := err.Error()
	if len(signers) > 0 {
		found = "signature lines by keys that call themselves " + selfNames(signers) + " (unverified)"
	}
	var unknown *provenance.SignerUnknownError
	if errors.As(err, &unknown) {
		p.add(report.Finding{Code: SignatureInvalid, Path: bundleformat.FileCheckpoint, Expected: "a signature by a key in custody/keys.txt",
			Found: found, Message: "the checkpoint is not signed by any key the bundle carries; it was re-signed or its keys.txt replaced"})
	} else {
		p.add(report.Finding{Code: SignatureInvalid, Path: bundleformat.FileCheckpoint, Expected: "a valid signature", Found: found,
			Message: "the checkpoint's signature does not match its text: it was altered or forged (" + err.Error() + ")"})
	}
	p.sigDetail = "INVALID"
}

// verified records the key that signed the checkpoint.
func (p *prover) verified(cp *provenance.Checkpoint, info *keys.KeyInfo, trusted keys.Trusted) {
	p.cp, p.sigOK = cp, true
	p.res.Checkpoint = cp
	v, _, _ := keys.ParseVerifierKey(info.VerifierKey)
	p.signerVs = note.VerifierList(v)
	s := &Signer{KeyName: info.Name, Fingerprint: info.Fingerprint, VerifierKey: info.VerifierKey, Origin: cp.Origin}
	if trusted.Name != "" {
		s.Trusted, s.TrustedAs, s.How = true, trusted.Name, trusted.How
	}
	p.res.Signer = s
	w := s.words()
	p.sigDetail = fmt.Sprintf("valid: signed by %s; log %s at size %d", w.Who(), cp.Origin, cp.Size)
	if rest, ok := strings.CutPrefix(cp.Origin, "custody.app/"); ok {
		if fp, _, _ := strings.Cut(rest, "/"); fp != info.Fingerprint {
			p.add(report.Finding{Code: OriginKeyMismatch, Path: bundleformat.FileCheckpoint,
				Expected: "custody.app/" + info.Fingerprint + "/…", Found: cp.Origin,
				Message: "the checkpoint names the log of another key than the one that signed it: it was re-signed by someone else"})
		}
	}
}

// checkEvents checks every event of events.jsonl against its proof.
func (p *prover) checkEvents() {
	if p.cp == nil {
		return
	}
	b, ok := p.readFile(bundleformat.FileProofs, bundleformat.MaxProofsFile, true)
	if ok {
		ps, err := ParseProofs(b)
		switch {
		case err != nil:
			p.add(report.Finding{Code: FileMalformed, Path: bundleformat.FileProofs, Message: "custody/proofs.json: " + err.Error()})
		case ps.CheckpointSize != p.cp.Size:
			p.add(report.Finding{Code: FileMalformed, Path: bundleformat.FileProofs,
				Expected: fmt.Sprintf("proofs for the checkpoint of size %d", p.cp.Size), Found: fmt.Sprintf("proofs for size %d", ps.CheckpointSize),
				Message: "custody/proofs.json is for another checkpoint than custody/checkpoint (incomplete proof material)"})
		default:
			p.proofs = ps
		}
	}
	f, err := p.fsys.Open(bundleformat.FileEvents)
	if err != nil {
		p.readFile(bundleformat.FileEvents, 0, true) // reports it missing or unreadable
		return
	}
	defer f.Close()
	if p.proofs == nil {
		return
	}
	used := map[int64]bool{}
	err = ReadEvents(io.LimitReader(f, maxEventsFile), func(line int, idx int64, ev []byte, open []provenance.Opening) error {
		if err := p.ctx.Err(); err != nil {
			return err
		}
		p.events++
		p.checkEvent(line, idx, ev, open, used)
		return nil
	})
	switch {
	case p.ctx.Err() != nil:
		return
	case err != nil:
		p.add(report.Finding{Code: FileMalformed, Path: bundleformat.FileEvents, Message: "custody/events.jsonl: " + err.Error()})
		return
	}
	p.eventsRead = true
	if n := len(p.proofs.Order) - len(used); n > 0 {
		p.add(report.Finding{Code: ProofUnused, Severity: report.Warning, Path: bundleformat.FileProofs,
			Message: fmt.Sprintf("%d proofs are for events that are not in custody/events.jsonl", n)})
	}
	if p.notSigner > 0 && p.res.Signer != nil {
		p.add(report.Finding{Code: ActorNotSigner, Severity: report.Warning, Path: bundleformat.FileEvents,
			Expected: "events by the key with fingerprint " + p.res.Signer.Fingerprint, Found: "an event by " + quote.Clip(p.otherActor),
			Message: fmt.Sprintf("%d events name another actor than the key that signed the checkpoint (their fingerprints differ)", p.notSigner)})
	}
}

func (p *prover) checkEvent(line int, idx int64, ev []byte, open []provenance.Opening, used map[int64]bool) {
	proof, ok := p.proofs.Proofs[idx]
	if idx >= p.cp.Size || !ok {
		why := "custody/proofs.json has no proof for it"
		if idx >= p.cp.Size {
			why = fmt.Sprintf("its index is outside the checkpoint's tree of size %d", p.cp.Size)
		}
		p.add(report.Finding{Code: ProofMissing, Path: bundleformat.FileEvents, Expected: fmt.Sprintf("an inclusion proof for event %d", idx),
			Found: "none", Message: fmt.Sprintf("line %d, event %d: %s (incomplete proof material)", line, idx, why)})
		return
	}
	used[idx] = true
	if err := provenance.CheckEvent(p.cp, idx, ev, proof); err != nil {
		leaf := tlog.RecordHash(ev)
		p.add(report.Finding{Code: EventNotInLog, Path: bundleformat.FileEvents,
			Expected: fmt.Sprintf("event %d of the log signed at size %d", idx, p.cp.Size),
			Found:    fmt.Sprintf("line %d: bytes with leaf hash %s, not in that log", line, base64.StdEncoding.EncodeToString(leaf[:])),
			Message:  fmt.Sprintf("event %d (line %d) is not the event the sender signed: it was changed, swapped or moved", idx, line)})
		return
	}
	e, err := provenance.OpenEvent(ev, open)
	if errors.Is(err, provenance.ErrOpeningMismatch) {
		p.add(report.Finding{Code: DisclosureMismatch, Path: bundleformat.FileEvents,
			Expected: fmt.Sprintf("values that open the commitments of event %d", idx), Found: "a value that does not",
			Message: fmt.Sprintf("event %d (line %d): %v; the bundle was altered after it was made", idx, line, err)})
		return
	}
	if err != nil {
		p.add(report.Finding{Code: EventMalformed, Path: bundleformat.FileEvents, Message: fmt.Sprintf("event %d (line %d): %v", idx, line, err)})
		return
	}
	p.noteEvent(idx, e)
	p.proven = append(p.proven, provenEvent{pe: provenance.ProvenEvent{Index: idx, Event: ev, Open: open, Proof: proof}, v: e})
}

// noteEvent records what a proven event establishes: the documents it
// introduces, their signed names, and its derivations.
func (p *prover) noteEvent(idx int64, e *provenance.View) {
	for _, d := range e.Introduces() {
		id := fmt.Sprintf("%x", d)
		if _, ok := p.introduced[id]; !ok {
			p.introduced[id] = idx
		}
	}
	switch e.Type {
	case provenance.Ingest, provenance.Derive:
		p.introducer[idx] = e.Time
		if e.Doc != "" {
			for _, n := range []string{e.Path, e.Name} {
				if n != "" && !slices.Contains(p.signedNames[e.Doc], n) {
					p.signedNames[e.Doc] = append(p.signedNames[e.Doc], n)
				}
			}
		}
	case provenance.Receive:
		p.introducer[idx] = e.Time
		for d, n := range e.DocNames {
			if !slices.Contains(p.signedNames[d], n) {
				p.signedNames[d] = append(p.signedNames[d], n)
			}
		}
	}
	// A derive whose document is withheld stands only for "a document
	// recorded at index N" (a withheld original); its own parents are not
	// part of what the bundle claims.
	if e.Type == provenance.Derive && e.Doc != "" {
		p.derives = append(p.derives, derivation{index: idx, doc: e.Doc, kind: e.Kind, parents: e.ParentIDs, parentEvents: e.ParentEvents})
	}
	// The actor is compared by the fingerprint its name carries, not by
	// name: a key can call itself anything, including the name of the
	// key whose events it re-signs.
	if p.res.Signer != nil {
		if fp, ok := keys.FingerprintInKeyName(e.Actor); !ok || fp != p.res.Signer.Fingerprint {
			if p.notSigner == 0 {
				p.otherActor = e.Actor
			}
			p.notSigner++
		}
	}
}

// selfNames quotes the names signature lines give their keys: names
// anyone can choose, shown only as claims.
func selfNames(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = `"` + quote.Clip(n) + `"`
	}
	return strings.Join(q, ", ")
}
