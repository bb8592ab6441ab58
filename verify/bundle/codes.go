package bundle

// Finding codes of the provenance layer. They are part of the public
// interface (see verify/report): never rename one, add a new one instead.
// The BagIt layer's codes (verify/bag) appear in the same report.
const (
	// FileMissing: a required custody/ file (checkpoint, keys.txt,
	// events.jsonl, proofs.json) is missing: incomplete proof material.
	FileMissing = "BUNDLE_FILE_MISSING"
	// FileMalformed: a custody/ file cannot be read as its format says
	// (too large, a line too long, bad JSON, a value out of range, proofs
	// for another checkpoint size).
	FileMalformed = "BUNDLE_FILE_MALFORMED"
	// CheckpointMalformed: custody/checkpoint is not a well-formed signed
	// checkpoint.
	CheckpointMalformed = "BUNDLE_CHECKPOINT_MALFORMED"
	// KeyMalformed: a key in custody/keys.txt is malformed, weak or its
	// name and hash disagree; it is not used.
	KeyMalformed = "BUNDLE_KEY_MALFORMED"
	// EventMalformed: an event cannot be read (unknown version or type,
	// bad fields).
	EventMalformed = "BUNDLE_EVENT_MALFORMED"
	// ProofMissing: an event has no inclusion proof, or its index is
	// outside the checkpoint's tree: incomplete proof material.
	ProofMissing = "BUNDLE_PROOF_MISSING"
	// NoSHA256: the bag has no SHA-256 manifest, so its files cannot be
	// linked to documents.
	NoSHA256 = "BUNDLE_NO_SHA256"

	// SignatureInvalid: the checkpoint's signature does not verify under
	// the bundle's key (or under a trusted key of the same name).
	SignatureInvalid = "BUNDLE_SIGNATURE_INVALID"
	// OriginKeyMismatch: the checkpoint's origin names another key than
	// the one that signed it.
	OriginKeyMismatch = "BUNDLE_ORIGIN_KEY_MISMATCH"
	// EventNotInLog: an event's exact bytes are not in the tree the
	// checkpoint signs (changed, swapped or moved).
	EventNotInLog = "BUNDLE_EVENT_NOT_IN_LOG"
	// DocWithoutEvent: a payload file's document is introduced by no
	// proven event (ingest, derive or receive).
	DocWithoutEvent = "BUNDLE_DOC_WITHOUT_EVENT"
	// ChainIncomplete: a derivation names a parent that no proven event
	// introduces.
	ChainIncomplete = "BUNDLE_CHAIN_INCOMPLETE"
	// NamesMismatch: custody/names.tsv disagrees with the payload.
	NamesMismatch = "BUNDLE_NAMES_MISMATCH"
	// NameUnsigned: custody/names.tsv gives a document a name that no
	// proven event discloses for it: the name was rewritten.
	NameUnsigned = "BUNDLE_NAME_UNSIGNED"
	// DisclosureMismatch: a disclosed field of an event does not open the
	// commitment the sender signed.
	DisclosureMismatch = "BUNDLE_DISCLOSURE_MISMATCH"
	// ConsistencyInvalid: a proof in custody/consistency.json does not show
	// that the checkpoint extends the sender's earlier one, or that earlier
	// checkpoint is not the sender's.
	ConsistencyInvalid = "BUNDLE_CONSISTENCY_INVALID"
	// SignerChanged: the checkpoint remembered for this origin is signed by
	// another key.
	SignerChanged = "BUNDLE_SIGNER_CHANGED"

	// HopUnlinked: an upstream log the bundle carries (custody/hops/n)
	// is not the checkpoint that any proven receive event of the bundle
	// names: it was put in, or the receive event was altered.
	HopUnlinked = "BUNDLE_HOP_UNLINKED"
	// HopDocMissing: a receive event links an upstream log, but a payload
	// document it received is introduced by no proven event of that log.
	HopDocMissing = "BUNDLE_HOP_DOC_MISSING"
	// DKIMDisagrees: a message's DKIM outcome, checked again here with the
	// key records the bundle carries, differs from the one the sender
	// recorded (or its key record is missing or not the one recorded).
	DKIMDisagrees = "BUNDLE_DKIM_DISAGREES"

	// TimestampInvalid: a token in custody/timestamps/ is no evidence of
	// time: not a token, a broken signature, or over other bytes than
	// custody/checkpoint.
	TimestampInvalid = "BUNDLE_TIMESTAMP_INVALID"
	// TimestampUntrusted: a valid token whose TSA certificate chains to
	// no root the person checking trusts (warning; a problem with
	// --strict).
	TimestampUntrusted = "BUNDLE_TIMESTAMP_UNTRUSTED"

	// Forked: the checkpoint disagrees with the one remembered for its
	// origin (or with this archive's own log): two histories exist.
	Forked = "BUNDLE_FORKED"

	// ReadFailed: a custody/ file could not be read (io-error).
	ReadFailed = "BUNDLE_READ_FAILED"
	// ArchiveUnreadable: the receiving archive's trust store or remembered
	// checkpoints could not be read (io-error).
	ArchiveUnreadable = "BUNDLE_ARCHIVE_UNREADABLE"

	// ContinuityUnproven: a checkpoint was remembered for this origin but
	// nothing proves that the bundle's checkpoint extends it (or, for an
	// older bundle, is a prefix of it): the verdict is HISTORY NOT PROVEN.
	// (A warning before the copies of one archive that diverged at
	// different sizes were found to pass with exit 0.)
	ContinuityUnproven = "BUNDLE_CONTINUITY_UNPROVEN"
	// OlderThanSeen: the checkpoint is older than the one remembered, and
	// proven a prefix of it (warning: it is consistent).
	OlderThanSeen = "BUNDLE_OLDER_THAN_SEEN"
	// ProofUnused: proofs.json holds proofs for events that are not in
	// events.jsonl (warning).
	ProofUnused = "BUNDLE_PROOF_UNUSED"
	// ActorNotSigner: events name another actor than the checkpoint's
	// signer (warning).
	ActorNotSigner = "BUNDLE_ACTOR_NOT_SIGNER"
)

// Names of the provenance checks in Report.Checks, after the bag's.
const (
	CheckProvenance = "provenance"
	CheckSignature  = "checkpoint signature"
	CheckInclusion  = "event inclusion"
	CheckChains     = "provenance chains"
	CheckSigner     = "signer"
	CheckHistory    = "history"
	CheckHops       = "upstream hops"
	CheckTime       = "time stamps"
)

type class int

const (
	classInvalid class = iota
	classTampered
	classForked
	classUnproven
	classIO
)

var codeClass = map[string]class{
	FileMissing:         classInvalid,
	FileMalformed:       classInvalid,
	TimestampInvalid:    classInvalid,
	CheckpointMalformed: classInvalid,
	KeyMalformed:        classInvalid,
	EventMalformed:      classInvalid,
	ProofMissing:        classInvalid,
	NoSHA256:            classInvalid,
	SignatureInvalid:    classTampered,
	OriginKeyMismatch:   classTampered,
	EventNotInLog:       classTampered,
	DocWithoutEvent:     classTampered,
	ChainIncomplete:     classTampered,
	NamesMismatch:       classTampered,
	NameUnsigned:        classTampered,
	DisclosureMismatch:  classTampered,
	ConsistencyInvalid:  classTampered,
	SignerChanged:       classTampered,
	HopUnlinked:         classTampered,
	HopDocMissing:       classTampered,
	DKIMDisagrees:       classInvalid,
	Forked:              classForked,
	ContinuityUnproven:  classUnproven,
	ArchiveUnreadable:   classIO,
	ReadFailed:          classIO,
}
