// Package bundlewriter writes Custody bundles: BagIt 1.0 bags (RFC 8493) whose
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
// exact format, so that another team can write a verifier; the names and
// limits the writer and the checker share are archive/bundleformat.
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
//	[custody/verify.html]     the browser verifier, when asked for (Options.VerifierPage)
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
