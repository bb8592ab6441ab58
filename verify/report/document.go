package report

import (
	"fmt"
	"time"
)

// Document is everything a rendering of one check shows, in one struct:
// the command line's text, the window's report page and every file
// format (HTML today) are made from a Document, so they cannot disagree.
// A Report is what a check collects while it runs; a Document adds the
// words and, for a bundle, who signed it and what it holds.
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

	// Archive is the folder of the archive the check used: the one
	// checked, or the one whose trusted keys and remembered checkpoints
	// a bundle was checked against ("" when none was used).
	Archive string
	// Generated is when the document was made.
	Generated time.Time
}

// NewDocument makes the document of a finished check of kind k; a
// bundle's signer, checkpoint and files are added by the bundle check.
func NewDocument(k Kind, r *Report) *Document {
	return &Document{Kind: k, Subject: r.Subject, Verdict: r.Verdict,
		Headline: r.Verdict.Headline(), Meaning: r.Verdict.Meaning(k), Tone: r.Verdict.Tone(),
		Checks: r.Checks, Findings: r.Findings, Warnings: r.Warnings, Generated: time.Now().UTC()}
}

// Signer is the key that signed a checkpoint, as the reader knows it.
type Signer struct {
	Fingerprint string
	Origin      string // the log the key signs
	Trusted     bool
	Name        string // the name the trust store gives the key, when trusted
	How         string // how the key was confirmed, when trusted
}

// Who names the signer in a sentence ("Signed by …"): `"Bo Lind", whom
// you trust` or "a key you have not trusted".
func (s *Signer) Who() string {
	if s.Trusted {
		return fmt.Sprintf("%q, whom you trust", s.Name)
	}
	return "a key you have not trusted"
}

// Label names the signer in a table cell: "Bo Lind (trusted)" or "an
// unknown key".
func (s *Signer) Label() string {
	if s.Trusted {
		return s.Name + " (trusted)"
	}
	return "an unknown key"
}

// Checkpoint is the signed checkpoint a bundle carries.
type Checkpoint struct {
	Origin string // the sender's log
	Size   int64  // events in the log when it was signed
	Root   string // the tree's root hash, base64
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
}
