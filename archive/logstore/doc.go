// Package logstore keeps the provenance log in the archive's Badger store:
// appending events, the RFC 6962 tree's stored hashes, signing and storing
// checkpoints, provenance chains, and the proofs made from them.
//
// The format itself (events, checkpoints, proof files and their checks)
// is archive/provenance, which links no store: whoever only checks a
// bundle or a proof needs that package alone. This one is for the
// archive that writes the log and for its own checks (verify/logcheck).
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
package logstore
