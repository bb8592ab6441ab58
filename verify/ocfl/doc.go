// Package ocfl validates OCFL objects and storage roots (the Oxford Common
// File Layout, versions 1.0 and 1.1), the form institutional repositories
// keep their holdings in.
//
// Why our own validator: the OCFL editors publish the rules as numbered
// validation codes (E001…, W001…) and the reference validators report
// them; the maintained Go library is not available as a module for this
// build, so the rules are implemented here, from the specification, and
// every finding carries its code and a link to the rule in the version of
// the specification the object declares (https://ocfl.io/1.1/spec/#E001).
//
// What is checked, for an object: the conformance declaration; every
// inventory (root and per version), read strictly (a key given twice, a
// key the specification does not define, a value of the wrong type are
// errors, not silently resolved); every inventory's sidecar digest; the
// versions' names, sequence, padding and head; each prior version's state
// against the current inventory; the content directory's files against the
// manifest (extra, missing, empty folders); every content file's digest,
// read once and hashed on all cores, against the manifest and the fixity
// blocks; logical and content path rules; the extensions folder. For a
// storage root: its declaration, ocfl_layout.json, extensions, files that
// belong to no object, and every object found, with progress.
//
// Input is untrusted: inventories are read with a size limit and counts
// are bounded (Options), nothing outside the fs.FS given is opened, and
// every problem is listed rather than only the first.
package ocfl
