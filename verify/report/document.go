package report

import (
	"fmt"
	"time"

	"github.com/custody-app/custody/archive/quote"
)

// Document is everything a rendering of one check shows, in one struct:
// the command line's text, the window's report page and every file
// format (HTML today) are made from a Document, so they cannot disagree.
// A Report is what a check collects while it runs; a Document adds the
// words and, for a bundle, who signed it and what it holds.
//
// A Document is text as shown: every string in it that came from outside
// (names, paths, origins, findings' details) has passed through
// quote.Safe once, when the Document was made. A renderer shows its
// strings as they are, escaping only for its medium (HTML); it never
// shows a raw Report's strings. --json output is made from the Report
// and keeps the raw values.
type Document struct {
	Kind    Kind
	Subject string // the folder, file or bundle that was checked
	Verdict Verdict

	// Headline, Meaning and Tone are the verdict's words and colour for
	// this kind of check (see Verdict.Meaning).
	Headline string
	Meaning  string
	Tone     Tone

	Checks   []Check
	Findings []Finding
	Warnings []Finding

	// Bundles only.
	BundleID   string
	Signer     *Signer     // nil when no key signed the checkpoint
	Checkpoint *Checkpoint // nil when there is none, or it is unreadable
	Files      []File
	Evidence   string // of a fork: both checkpoints and the failing proof
	// Witnesses says who cosigned the checkpoint (bundles and proofs;
	// nil when nothing was witnessed and no witness was named), its
	// names as shown (Witnessing.Shown).
	Witnesses *Witnessing

	// TimeAnchors are the checkpoint's time stamps, worded ("recorded
	// before 2026-12-02 17:41 UTC per <TSA>"), printable.
	TimeAnchors []TimeAnchor

	// Archive is the folder of the archive the check used: the one
	// checked, or the one whose trusted keys and remembered checkpoints
	// a bundle was checked against ("" when none was used).
	Archive string
	// Generated is when the document was made.
	Generated time.Time

	// Checked says when, by which Custody and on which machine's clock
	// the check ran (see context.go).
	Checked Context
	// Recheck is how anyone can check the same thing again without
	// trusting this report: commands, the key, the checkpoint (recheck.go).
	Recheck []Step
}

// NewDocument makes the document of a finished check of kind k; a
// bundle's signer, checkpoint and files are added by the bundle check.
func NewDocument(k Kind, r *Report) *Document {
	return &Document{Kind: k, Subject: quote.Safe(r.Subject), Verdict: r.Verdict,
		Headline: r.Verdict.Headline(), Meaning: r.Verdict.Meaning(k), Tone: r.Verdict.Tone(),
		Checks: shownChecks(r.Checks), Findings: shownFindings(r.Findings), Warnings: shownFindings(r.Warnings),
		Generated: time.Now().UTC(), Checked: Here()}
}

// Signer is the key that signed a checkpoint, named by the reader: by
// the name the reader's own trust store gives it, or as an unknown key.
// The name a key gives itself is chosen by whoever made the key (anyone
// can call a key "alice"), so it is only ever shown quoted and marked
// unverified, never as who signed.
type Signer struct {
	Fingerprint string
	Origin      string // the log the key signs
	Trusted     bool
	Name        string // the name the trust store gives the key, when trusted
	How         string // how the key was confirmed, when trusted
	KeyName     string // the name the key gives itself: unverified
	// Organisation is what the key's owner says of themselves (an
	// archive's own key); empty for a bundle's signer, whose key names
	// no organisation.
	Organisation string
	// VerifierKey is the key itself, as anyone checks signatures with it.
	VerifierKey string
}

// UnknownKey is how an untrusted signer is named.
const UnknownKey = "UNKNOWN KEY"

// Who names the signer in a sentence ("Signed by …"): `"Bo Lind"
// (fingerprint ABCD-…), whom you trust`, or `UNKNOWN KEY ABCD-…
// (calls itself "alice", unverified)`.
func (s *Signer) Who() string {
	if s.Trusted {
		return fmt.Sprintf(`"%s" (fingerprint %s), whom you trust`, s.Name, s.Fingerprint)
	}
	return UnknownKey + " " + s.Fingerprint + s.selfNamed()
}

// Label names the signer in a table cell beside its fingerprint: "Bo
// Lind (trusted)" or `UNKNOWN KEY (calls itself "alice", unverified)`.
func (s *Signer) Label() string {
	if s.Trusted {
		return s.Name + " (trusted)"
	}
	return UnknownKey + s.selfNamed()
}

func (s *Signer) selfNamed() string {
	if s.KeyName == "" {
		return ""
	}
	return ` (calls itself "` + s.KeyName + `", unverified)`
}

// ShownSigner is s with every name through quote.Safe, for a Document.
func ShownSigner(s Signer) *Signer {
	s.Fingerprint, s.Origin = quote.Safe(s.Fingerprint), quote.Safe(s.Origin)
	s.Name, s.How, s.KeyName = quote.Safe(s.Name), quote.Safe(s.How), quote.Safe(s.KeyName)
	s.Organisation, s.VerifierKey = quote.Safe(s.Organisation), quote.Safe(s.VerifierKey)
	return &s
}

// Checkpoint is the signed checkpoint a bundle carries.
type Checkpoint struct {
	Origin string // the sender's log
	Size   int64  // events in the log when it was signed
	Root   string // the tree's root hash, base64
}

// TimeAnchor is one time stamp of the checkpoint: "recorded before …
// per <TSA>", and whether its TSA chains to a root the reader trusts.
type TimeAnchor struct {
	Words   string
	Trusted bool
	// NotBefore is the other end of the bracket, when known: the newest
	// event time the checkpoint holds, by the sender's clock.
	NotBefore string
}

// File is one payload file of a bundle.
type File struct {
	Path     string // in the bag, "data/…"
	Name     string // its original name, printable
	Doc      string // its SHA-256 from the manifest
	Size     int64
	Verified bool // every manifest checksum matched
	// MadeFrom says, per derivation, what the document was made from as
	// far as the bundle discloses ("redaction of a document the signer
	// recorded at log index 0 at … (not disclosed)").
	MadeFrom []string
	// DKIM lists the message's DKIM outcomes, re-checked ("DKIM VALID
	// (d=corp.example, s=s2021), as recorded by the sender (event 12)").
	DKIM []string
}
