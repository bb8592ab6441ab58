// Package provenance defines the archive's provenance log format: an
// append-only sequence of events (a document entered, was derived, annotated, exported, received or
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
// # Format only
//
// This package defines the format and its checks: events, signed
// checkpoints, proof files, and the checks a recipient runs on them. It
// reads and writes no store, so a checker that links it (verify/bundle,
// verify/prooffile) links no database. The log as kept in the archive's
// Badger store, with its proofs and signing, is archive/logstore.
//
// All hashing is done by golang.org/x/mod/sumdb/tlog, and signing by
// golang.org/x/mod/sumdb/note; this package only defines and checks.
package provenance
