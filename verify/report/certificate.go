package report

import (
	"encoding/base64"
	"fmt"
	"slices"
	"time"

	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/quote"
)

// Certificate is one document's custody, for someone who has the
// document and not the archive: what it is, its history as a timeline,
// and the proof that the history is in the archivist's signed log.
//
// It is made from a proof file (custody prove's output) and nothing else
// of the archive, so it discloses exactly what that proof discloses: the
// names and fields the proof opens, no other document, no withheld field.
// Like a Document, its strings are text as shown (through quote.Safe).
type Certificate struct {
	Doc      string   // the SHA-256, 64 hex digits
	Size     int64    // -1 when no disclosed event states it
	Type     string   // the media type sniffed from the document's bytes
	Names    []string // every name a disclosed event gives it
	Timeline []DisclosedEvent
	Signer   *Signer // the archivist whose key signed the checkpoint
	Checkpoint
	Disclosed string // what beyond names the proof discloses ("sources, notes" or "nothing beyond names")
	Proof     []byte // the proof file, as written: a certificate carries it
	Checked   Context
	Recheck   []Step
}

// NewCertificate checks proof under the archivist's own key and words
// what it shows. signer names the archivist (the archive's own key, so
// trusted); mediaType is the document's type as the archive sniffed it.
func NewCertificate(proof []byte, doc [32]byte, signer keys.Public, mediaType string, choices provenance.Choices) (*Certificate, error) {
	p, err := provenance.ParseProof(proof)
	if err != nil {
		return nil, err
	}
	v, _, err := keys.ParseVerifierKey(signer.VerifierKey)
	if err != nil {
		return nil, err
	}
	res, err := provenance.CheckProof(p, doc, v, nil)
	if err != nil {
		return nil, fmt.Errorf("the proof made for the certificate does not check: %w", err)
	}
	id := fmt.Sprintf("%x", doc)
	c := &Certificate{Doc: id, Size: -1, Type: quote.Safe(mediaType), Proof: proof, Checked: Here(),
		Checkpoint: Checkpoint{Origin: quote.Safe(res.Checkpoint.Origin), Size: res.Checkpoint.Size,
			Root: base64.StdEncoding.EncodeToString(res.Checkpoint.Root[:])},
		Signer: ShownSigner(Signer{Fingerprint: signer.Fingerprint, Origin: signer.Origin, Trusted: true, Name: signer.Name,
			How: "the archivist's own key, which signed the checkpoint", KeyName: signer.KeyName, Organisation: signer.Organisation,
			VerifierKey: signer.VerifierKey})}
	for i, ev := range res.Events {
		c.Timeline = append(c.Timeline, shownEvent(Describe(p.Events[i].Index, ev)))
		if ev.Doc != id {
			continue
		}
		if (ev.Type == provenance.Ingest || ev.Type == provenance.Derive) && ev.Disclosed("size") && c.Size < 0 {
			c.Size = ev.Size
		}
		if name := quote.Safe(ev.Name); name != "" && !slices.Contains(c.Names, name) {
			c.Names = append(c.Names, name)
		}
	}
	if c.Disclosed = choices.String(); c.Disclosed == "" {
		c.Disclosed = "nothing beyond names"
	}
	c.Recheck = certificateSteps(c)
	return c, nil
}

// shownEvent passes an event's words through quote.Safe.
func shownEvent(d DisclosedEvent) DisclosedEvent {
	d.Type, d.Time, d.What = quote.Safe(d.Type), quote.Safe(d.Time), quote.Safe(d.What)
	for i := range d.Shown {
		d.Shown[i] = quote.Safe(d.Shown[i])
	}
	return d
}

// EventTime is the time a timeline event claims, as a certificate
// prints it (UTC, which the certificate says).
func EventTime(t string) string {
	if tm, err := time.Parse(provenance.TimeLayout, t); err == nil {
		return tm.Format("2006-01-02 15:04:05")
	}
	return t
}

func certificateSteps(c *Certificate) []Step {
	return []Step{
		{Say: "The document is the file whose SHA-256 is the ID above. On any computer, without Custody:",
			Command: "sha256sum FILE    (Windows: certutil -hashfile FILE SHA256; macOS: shasum -a 256 FILE)"},
		{Say: fmt.Sprintf("Save the proof as proof.json (attached to the PDF; in full at the end of the web page). With Custody, and with no archive, check it under the archivist's key "+
			"(confirm the fingerprint %s with the archivist first):", c.Signer.Fingerprint),
			Command: fmt.Sprintf("custody check-proof --doc FILE --key '%s' proof.json", c.Signer.VerifierKey)},
		{Say: fmt.Sprintf("Without Custody: the proof file is plain JSON; each event's inclusion in the checkpoint (log %s, %d events, root %s) "+
			"and the checkpoint's Ed25519 signature check with Python 3 and its cryptography library, as the Custody documentation "+
			"shows step by step (docs/provenance.md, section 6: Checking a proof without Custody).", c.Origin, c.Checkpoint.Size, c.Root)},
		{Say: "Compare the checkpoint with one the archivist published (a web page, a newspaper, a witness): the same log, and the published one no larger, or proven to be extended by it (custody check-proof --checkpoint PUBLISHED)."},
	}
}
