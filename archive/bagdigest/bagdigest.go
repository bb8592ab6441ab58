// Package bagdigest is the one table of the checksum algorithms a BagIt
// bag's manifests may name (RFC 8493 §2.4): how to compute each, how long
// its hex form is, and whether a forger can defeat it. The bundle writer
// (archive/bundlewriter) and the bag checker (verify/bag) both read it, so
// what Custody writes and what it can check never drift apart. It is pure:
// the standard library's hashes and nothing else.
package bagdigest

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
)

// Algorithm is a checksum algorithm a manifest may use.
type Algorithm struct {
	Name   string           // as in manifest-NAME.txt: "sha256"
	New    func() hash.Hash // a fresh hash
	HexLen int              // length of a checksum in hex digits
	Weak   bool             // broken against deliberate collisions
	Rank   int              // strength, to pick the one shown first; higher is stronger
}

// The two algorithms Custody writes: SHA256 in every bundle, SHA512 when
// asked for.
var (
	SHA256 = Algorithm{"sha256", sha256.New, 64, false, 4}
	SHA512 = Algorithm{"sha512", sha512.New, 128, false, 6}
)

// known is every algorithm a bag may use, weakest first.
var known = []Algorithm{
	{"md5", md5.New, 32, true, 1},
	{"sha1", sha1.New, 40, true, 2},
	{"sha224", sha256.New224, 56, false, 3},
	SHA256,
	{"sha384", sha512.New384, 96, false, 5},
	SHA512,
}

// Lookup returns the algorithm a manifest calls name; ok is false (and the
// Algorithm zero, of rank 0) for one this table does not know.
func Lookup(name string) (a Algorithm, ok bool) {
	for _, a := range known {
		if a.Name == name {
			return a, true
		}
	}
	return Algorithm{}, false
}

// Names lists the names of every algorithm known, weakest first.
func Names() []string {
	names := make([]string, len(known))
	for i, a := range known {
		names[i] = a.Name
	}
	return names
}
