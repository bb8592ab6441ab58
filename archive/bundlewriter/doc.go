// Package bundle writes Custody bundles: BagIt 1.0 bags (RFC 8493) whose
// tag files under custody/ carry the provenance of every document in them.
//
// # Why a bag
//
// A bundle goes to a colleague, a lawyer or a court, who may not run
// Custody. Any BagIt tool can check that its payload is complete and
// unchanged (and `sha256sum -c` can read its manifest); Custody can also
// check, from the custody/ files alone, that each document's history is in
// the sender's signed log and that the log agrees with what the receiver
// saw from the same sender before. docs/bundle-format.md gives every file's
// exact format, so that another team can write a verifier.
//
// # Layout
//
//	bagit.txt  bag-info.txt  manifest-sha256.txt  [manifest-sha512.txt]
//	tagmanifest-sha256.txt  [tagmanifest-sha512.txt]
//	data/<each document under its original relative path, made portable>
//	custody/checkpoint        the sender's signed checkpoint (C2SP signed note)
//	custody/keys.txt          the sender's verifier key
//	custody/events.jsonl      every event of the documents' provenance chains, exact bytes
//	custody/proofs.json       an inclusion proof per event against the checkpoint
//	custody/consistency.json  proofs that the checkpoint extends every one exported before
//	custody/names.tsv         payload path → document → original name
//
// # The export event
//
// Create records an export event (bundle id, documents, checkpoint size)
// in the sender's log. That event cannot be inside the checkpoint the
// bundle carries: the checkpoint must exist before the proofs against it
// are built, and the event names the checkpoint's size. So Create signs a
// checkpoint, builds every proof against it, writes the bundle under a
// temporary name, renames it into place, and only then appends the export
// event (and signs again). The size is remembered, so every later bundle
// proves that its checkpoint extends this one.
//
// # Safety
//
// Payload bytes are streamed from the archive's verified reader, so a
// damaged document stops the export instead of going out. Nothing is ever
// held whole in memory. The bundle is written under a temporary name next
// to its final one (a temporary folder for a folder bundle) and renamed
// only when complete; on any error, a full disk or a cancel, the partial
// output is removed and nothing appears under the final name.
package bundlewriter

import "github.com/custody-app/custody/archive/provenance"

// Paths of the custody/ tag files inside a bundle.
const (
	CustodyDir      = "custody/"
	FileCheckpoint  = "custody/checkpoint"
	FileKeys        = "custody/keys.txt"
	FileEvents      = "custody/events.jsonl"
	FileProofs      = "custody/proofs.json"
	FileConsistency = "custody/consistency.json"
	FileNames       = "custody/names.tsv"
)

// Format names written in the JSON tag files.
const (
	ProofsFormat      = "custody-bundle-proofs-v1"
	ConsistencyFormat = "custody-bundle-consistency-v1"
)

// Limits a reader applies to the custody/ tag files of a bundle from
// anyone, so that a hostile bundle costs bounded memory and time. Create
// refuses to write a bundle a reader would refuse.
const (
	// MaxEventLine bounds one line of events.jsonl: an event of
	// provenance.MaxEventSize bytes written as a JSON string (quotes and
	// backslashes escaped) plus the index.
	MaxEventLine = 2*provenance.MaxEventSize + 64
	// MaxEvents bounds the events (and proofs) of one bundle.
	MaxEvents = provenance.MaxProofEvents
	// MaxProofsFile and MaxConsistencyFile bound proofs.json and
	// consistency.json.
	MaxProofsFile      = provenance.MaxProofSize
	MaxConsistencyFile = provenance.MaxProofSize
	// MaxKeysFile and MaxKeys bound keys.txt.
	MaxKeysFile = 8 << 10
	MaxKeys     = 16
	// MaxNameLine bounds one line of names.tsv; MaxNamesFile the file.
	MaxNameLine  = 64 << 10
	MaxNamesFile = 256 << 20
)

// BagitTxt is the exact content of bagit.txt in every bundle.
const BagitTxt = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
