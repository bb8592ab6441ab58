// Package tlog keeps the archive's provenance log: an append-only sequence of
// events (a document entered, was derived, annotated, exported, received or
// verified), hashed into an RFC 6962 Merkle tree whose root is signed as a
// C2SP tlog-checkpoint note.
//
// # Why a Merkle tree
//
// A signed checkpoint commits to every event before it with one hash. From
// it, anyone holding the checkpoint can be shown that one event is in the
// log (an inclusion proof of about log₂ n hashes) without seeing the rest,
// and that a later checkpoint extends an earlier one instead of rewriting it
// (a consistency proof). A receiver who remembers the last checkpoint it saw
// from an archive can tell a continued history from a forked one.
//
// # Exact bytes
//
// An event is stored as the exact UTF-8 JSON bytes that were hashed, and
// every check hashes those stored bytes again. Nothing is ever re-serialised
// to be checked: a second encoder may order fields or escape characters
// differently, and a log that "verifies" only after being rewritten proves
// nothing. [ParseEvent] is strict (known fields only, no duplicate keys,
// exact formats) so that every reader, in any language, sees one meaning.
//
// # Salt
//
// Every event carries 128 random bits. Without them, someone holding a
// checkpoint or a proof could confirm a guess ("was this exact document
// ingested under this name on that day?") by hashing candidate events. With
// them, an event's hash reveals nothing about events the holder was not
// shown, which is what selective disclosure needs.
//
// # Storage
//
// Hashes are stored in the dense order of golang.org/x/mod/sumdb/tlog
// (StoredHashIndex), about two per event, so the tree hash at any size and a
// proof for any event cost O(log n) reads, however large the log grows. The
// Badger keys are:
//
//	log/size                      tree size, 8 bytes big-endian
//	log/e/<8-byte index>          event bytes, exactly as hashed
//	log/h/<8-byte stored index>   32-byte hash (tlog.StoredHashIndex order)
//	log/cp/<8-byte size>          signed checkpoint note for that size
//	log/doc/<32-byte doc><index>  empty; finds a document's events by prefix
//
// Nothing under log/ is ever overwritten or deleted once committed: events,
// hashes and every checkpoint ever signed stay, so the archive's own checker
// (verify/logcheck) can show that each checkpoint still matches the events.
//
// One writer at a time: [Append] reads the tree size and writes the next
// index inside the caller's Badger transaction. Two concurrent appenders do
// not corrupt the log (Badger rejects the second commit with
// badger.ErrConflict) but one of them must retry.
//
// All hashing is done by golang.org/x/mod/sumdb/tlog, and signing by
// golang.org/x/mod/sumdb/note; this package only stores and checks.
package provenance
