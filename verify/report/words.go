package report

// This file is the one place that says what a verdict means in words.
// The command line, the window and every rendered report (HTML today)
// take their headline, their sentence and their colour from here, so a
// verdict cannot mean one thing on screen and another on paper.

// Verdicts of a proof check ("custody check-proof", Check a proof in the
// window). A proof check has no findings; its verdict stands alone.
const (
	// Proven: the document's events are in a checkpoint signed by the
	// key the user gave.
	Proven Verdict = "PROVEN"
	// ProvenSignerUnknown: the events are in a signed checkpoint, but no
	// key was given to say whose.
	ProvenSignerUnknown Verdict = "PROVEN, SIGNER UNKNOWN"
	// NotProven: the proof is malformed, does not match the document, or
	// contradicts a checkpoint published earlier.
	NotProven Verdict = "NOT PROVEN"
	// NotProvenByThatKey: the checkpoint verifies, but not under the key
	// the user gave.
	NotProvenByThatKey Verdict = "NOT PROVEN BY THAT KEY"
	// NotChecked: a file or key could not be read, so nothing was checked.
	NotChecked Verdict = "NOT CHECKED"
)

// Kind is what a check looked at. A verdict can mean a different thing
// for each: a TAMPERED archive has a log that disagrees with itself, a
// TAMPERED bundle differs from what its sender signed.
type Kind string

const (
	ArchiveCheck Kind = "archive"
	BundleCheck  Kind = "bundle"
	ProofCheck   Kind = "proof"
)

// Title is a rendered report's title ("Custody bundle report").
func (k Kind) Title() string { return "Custody " + string(k) + " report" }

// Tone is how a verdict should look: the colour of its banner.
type Tone int

const (
	// Bad: something is wrong (red).
	Bad Tone = iota
	// Good: everything was checked and is right (green).
	Good
	// Caution: what was checked is right, with a reservation the words
	// explain: an unknown signer, no provenance (amber).
	Caution
	// Inconclusive: the check could not say (grey).
	Inconclusive
)

// Headline is the verdict as a banner shows it, in capitals.
func (v Verdict) Headline() string { return string(v) }

// Tone is how the verdict should look.
func (v Verdict) Tone() Tone {
	switch v {
	case Intact, Proven:
		return Good
	case SignerUnknown, NoProvenance, ProvenSignerUnknown:
		return Caution
	case Unreadable, Cancelled:
		return Inconclusive
	}
	return Bad
}

// Meaning explains the verdict of a check of kind k in a sentence or two,
// for someone who is not a programmer.
func (v Verdict) Meaning(k Kind) string {
	if s, ok := meaningOf[k][v]; ok {
		return s
	}
	return meaning[v]
}

// meaningOf holds the words of verdicts that mean a different thing for
// one kind of check.
var meaningOf = map[Kind]map[Verdict]string{
	ArchiveCheck: {
		Intact:   "Every byte of every document matches its SHA-256, and the provenance log agrees with every checkpoint the archive signed.",
		Tampered: "The provenance log disagrees with itself or with its signed checkpoints: its history was changed. The records involved are listed below.",
	},
	BundleCheck: {
		Intact:   "Every file is exactly as the sender made it, the history of every document is proven by the sender's signature, and the sender's key is one you trust.",
		Tampered: "Something in this bundle differs from what was signed or listed. Each difference is listed below. Do not rely on the bundle until the sender explains it.",
	},
}

// meaning holds the words of every verdict that means the same whatever
// was checked.
var meaning = map[Verdict]string{
	SignerUnknown: "Every file is exactly as it was signed, and the history of every document is proven, but the key that signed it is not one you have confirmed. " +
		"Confirm its fingerprint with the sender (by phone or in person) before relying on who sent it.",
	NoProvenance: "This is a valid BagIt bag: every file matches its list of checksums. It carries no Custody provenance, so nothing in it says where the documents came from or who sent them.",
	Tampered:     "Something differs from what was signed or listed. Each difference is listed below.",
	Forked: "The sender's history disagrees with what this archive saw from the same sender before: two different histories were signed with one key. " +
		"The evidence at the end of this report proves it to anyone; keep it.",
	HistoryUnproven: "Every file is as it was signed, but nothing proves that the sender's history continues the one this archive saw from the same sender before: " +
		"the sender's archive may have been copied and used twice, or restored from an older backup. Ask the sender for a bundle that proves it; until then, treat the two histories as possibly different.",
	Invalid:    "This is not a readable bag, or the proof that should come with it is incomplete. Each reason is listed below.",
	Corrupt:    "Some stored bytes are not what was imported (damage to the disk or the files). Each affected document is listed below; Custody will not hand out its bytes.",
	Unreadable: "Some files could not be read (a disk or permission problem). This says nothing yet about whether they are right; try again.",
	Cancelled:  "The check was stopped before it finished.",

	Proven: "The document's history is in a checkpoint signed by the key you gave: whoever holds that key recorded these events, in this order, and cannot take them back.",
	ProvenSignerUnknown: "The document's history is in a signed checkpoint, but it verifies only under the key inside the proof. " +
		"Obtain the archivist's key from them (not from the proof) to know who signed it.",
	NotProven:          "The proof does not show that this document's history is in the signed log. The reason is given below.",
	NotProvenByThatKey: "The checkpoint is not signed by the key you gave; it verifies only under the key inside the proof, so it says nothing about the holder of your key.",
	NotChecked:         "A file or key could not be read, so nothing is known yet about the proof. The reason is given below.",
}
