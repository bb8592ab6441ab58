// Package bag validates BagIt bags (RFC 8493, and the drafts 0.93 to 0.97
// that most tools still write), given as a folder, a zip or any fs.FS.
//
// A Custody bundle is a bag, and so is whatever another archive sends back.
// The receiver has to decide whether to trust it, often years later and on
// another operating system, so the validator answers one question with
// care: is this exactly the bag its sender made? It reports every problem
// it finds, each as a finding with a stable code (see codes.go), the path
// concerned, what was expected and what was found, and a sentence for the
// person at the terminal; and it sums up with one verdict:
//
//   - INVALID: the bag cannot be read as a valid bag (bagit.txt, manifests,
//     unsafe paths, a refused zip, an incomplete fetch.txt bag);
//   - TAMPERED: it can, but files or bytes differ from its manifests;
//   - COULD NOT READ: only I/O errors stood in the way;
//   - NO PROVENANCE: a valid bag. The provenance check upgrades this when
//     the bag's custody/ tag files verify.
//
// # Stricter than bagit-python
//
// The Library of Congress's bagit-python is the reference most people
// know, and a bag it accepts may still be refused here. It is lenient
// where leniency lets a forged or damaged bag pass as intact:
//
//   - A malformed manifest line is logged and skipped there, so a line an
//     attacker broke on purpose hides its file; here it makes the bag
//     INVALID.
//   - A manifest with an unknown algorithm is disabled there, so a bag whose
//     only manifest uses one passes with nothing checked; here that is
//     INVALID ("cannot verify").
//   - Paths are judged there by the rules of the machine running it, so
//     "C:\x", "\\?\UNC\..." or a fetch.txt target outside the bag pass on
//     Linux. Here Windows, macOS and Linux rules apply everywhere
//     (archive/pathsafe): a verdict must not depend on where it was made.
//   - bagit.txt is read there as any tag file ("BagIt-Version : 1.0"
//     passes); here its fixed two-line format is enforced.
//   - Case and Unicode-normalisation collisions, Windows device names and
//     trailing dots are not looked at there; here they are reported, since
//     copying such a bag to macOS or Windows silently loses a file.
//   - fetch.txt URLs are only syntax-checked there. Here nothing is ever
//     downloaded: a missing fetched file makes the bag incomplete, and an
//     unsafe fetch path makes it INVALID.
//
// Where the drafts and the RFC differ the verifier follows the bag's own
// version (the same path listed twice with one checksum is a warning before
// 1.0, a problem from 1.0), and where bagit-python's lenience is harmless it
// is kept, with a warning: "./data/x" paths, names that differ from the
// disk only in NFC/NFD form, "%" written literally by old tools.
//
// # Hostile input
//
// Bags come from strangers. Validate never follows a symbolic link, never
// opens a device or pipe (OpenDir checks each path element with Lstat,
// inside an os.Root), never opens a path a manifest names outside the bag,
// caps the size of tag files, the length of lines, the number of files and
// the folder depth, and streams payload files through all their checksum
// algorithms in one read without holding them in memory. OpenZip refuses a
// zip before reading any of its content when its names, entry types,
// compression, sizes or layout are unsafe (see OpenZip). Every parser of
// untrusted text has a fuzz target.
package bag
