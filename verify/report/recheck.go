package report

import "fmt"

// Step is one way to check a report's subject again without trusting the
// report: a sentence and, when there is one, the command to run.
type Step struct {
	Say     string `json:"say"`
	Command string `json:"command,omitempty"`
}

// BundleSteps are the ways to re-check a bundle: with Custody and only
// the signer's key, with any BagIt tool, and by hand.
func BundleSteps(d *Document) []Step {
	var out []Step
	if s := d.Signer; s != nil && s.VerifierKey != "" {
		out = append(out, Step{Say: fmt.Sprintf("With Custody on any computer, with no archive, trusting only the signer's key "+
			"(confirm its fingerprint %s with the sender, by phone or in person, first):", s.Fingerprint),
			Command: fmt.Sprintf("custody bundle verify --no-archive --key '%s' '%s'", s.VerifierKey, d.Subject)})
	} else {
		out = append(out, Step{Say: "With Custody on any computer, with no archive:",
			Command: fmt.Sprintf("custody bundle verify --no-archive '%s'", d.Subject)})
	}
	out = append(out, Step{Say: "Without Custody: every file against the bag's list of SHA-256 sums (any BagIt validator does the same), in the bundle's folder (unzip it first):",
		Command: "sha256sum -c manifest-sha256.txt && sha256sum -c tagmanifest-sha256.txt"})
	if cp := d.Checkpoint; cp != nil {
		out = append(out, Step{Say: fmt.Sprintf("The bundle's custody/checkpoint is a signed note: log %s, %d events, root %s. "+
			"Its Ed25519 signature and each event's inclusion proof in custody/proofs.json can be checked with standard tools, "+
			"as the Custody documentation (docs/provenance.md, independent checks) shows step by step.", cp.Origin, cp.Size, cp.Root)})
	}
	return out
}

// ArchiveSteps are the ways to re-check an archive: the same check again,
// and its signed checkpoint compared with the one published.
func ArchiveSteps(d *Document) []Step {
	out := []Step{{Say: "Run the same check again on the archive, on any computer holding it:",
		Command: fmt.Sprintf("custody --archive '%s' verify", d.Subject)}}
	if cp := d.Checkpoint; cp != nil {
		out = append(out, Step{Say: fmt.Sprintf("Print the archive's latest signed checkpoint and compare it with any the archivist published before: "+
			"it must be the same log (%s) and at least %d events long; a proof of any document (custody prove) links to it.", cp.Origin, cp.Size),
			Command: fmt.Sprintf("custody --archive '%s' checkpoint", d.Subject)})
	}
	if s := d.Signer; s != nil && s.VerifierKey != "" {
		out = append(out, Step{Say: fmt.Sprintf("The archive's key, fingerprint %s; checkpoints and proofs verify under it (custody check-proof --key):", s.Fingerprint),
			Command: s.VerifierKey})
	}
	out = append(out, Step{Say: "This report's own SHA-256 was recorded in the archive's log as a verify event when the archive could be written; compare:",
		Command: "sha256sum REPORT-FILE; custody log | grep verify"})
	return out
}
