// Package bundleformat holds what the writer of a Custody bundle
// (archive/bundlewriter) and its checker (verify/bundle) must agree on:
// the custody/ tag files' names and formats, the limits a reader applies
// to them, and the encoding of names in custody/names.tsv. It imports no
// store, so a recipient's checker links it without the archive.
//
// docs/bundle-format.md describes every file.
package bundleformat

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
	// FileVerifierPage is the browser verifier (docs/verify-in-browser.md),
	// when the sender added it: a tag file like the others, listed in the
	// tag manifests, that no check reads.
	FileVerifierPage = "custody/verify.html"
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
