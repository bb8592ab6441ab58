package bundleformat

import "github.com/custody-app/custody/archive/provenance"

// Incoming describes a verified bundle to the archive that receives it:
// which payload files to import with the checksums they were verified
// against, how to record where they came from, and the sender's
// checkpoint to remember. The checker (verify/bundle's Admit) makes it;
// the archive (archive.ReceiveBundle) acts on it. Neither needs the other.
type Incoming struct {
	Bundle string // the bundle id (External-Identifier), or the bag's name
	// Origin and Checkpoint are the sender's log origin and signed
	// checkpoint; empty for a bag without provenance, whose documents
	// get ingest events instead of receive events.
	Origin     string
	Checkpoint []byte
	Source     string // source label recorded with each name
	Note       string // recorded with every document
	Forced     bool   // received although verification found a problem
	Files      []IncomingFile
	// Unchecked lists the payload files of a forced receive that no
	// manifest lists or whose checksum did not match, with why: they are
	// reported, never imported.
	Unchecked []UncheckedFile
	// Remember is the sender's checkpoint to remember for its origin once
	// the documents are in; nil when there is none to remember.
	Remember *provenance.Seen
	// Held is the proof material to keep with the documents (the
	// sender's log first, then the hops its bundle carried), so that a
	// later bundle of them can carry it on; empty when there is none or
	// the bundle is received forced.
	Held []HeldLog
}

// UncheckedFile is a payload file left out of a forced receive.
type UncheckedFile struct {
	Path   string
	Reason string
}

// IncomingFile is one payload file of a verified bundle.
type IncomingFile struct {
	Path string // in the bag, slash separated ("data/…")
	Name string // the document's original relative path
	// SHA256 and Digests (algorithm → lowercase hex) are the checksums the
	// verified manifests give, also when the bundle is received forced:
	// the archive holds the bytes it imports to them.
	SHA256  string
	Digests map[string]string
	Size    int64
	// Held lists the document's chain in each of Incoming.Held's logs.
	Held []HeldChain
	// Parents and Kind are the derivation the sender disclosed: the
	// document was made (Kind: redaction, …) from Parents.
	Parents []string
	Kind    string
}
