// Package keycopy keeps a second, checksummed copy of a small file that
// every document depends on, and tells which version of it is intact.
//
// An archive holds two such files: identity.json (the archivist's key and
// the store key, wrapped by the passphrase) and the store's KEYREGISTRY
// (Badger's data keys, wrapped by the store key). One flipped byte in
// either made every document unreadable, and a damaged scrypt salt was
// told "wrong passphrase". Each now has a copy beside it (FILE.copy) that
// records the SHA-256 of what it holds, so damage in either the file or
// its copy is found, and the intact one repairs the other at the next
// open that may write.
//
// A copy may hold two versions while the file is being replaced (a
// passphrase change writes the copy with the old and the new version, then
// renames the new file into place, then writes the copy with the new
// version only): whichever of the two the file holds after a crash is
// vouched for, so the crash never turns into "damage".
//
// When both the file and its copy are damaged at different places, the
// copy's recorded checksum usually still picks the original out of the
// versions made by taking each differing byte from one or the other
// (Candidates tries them when they differ in a few bytes).
package keycopy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/custody-app/custody/archive/internal/syncdir"
)

// Suffix is added to a file's name to name its copy.
const Suffix = ".copy"

const magic = "custody key copy 1\n"

// maxMerge bounds the bytes in which a damaged file and its damaged copy
// may differ for Candidates to try every combination (2^maxMerge).
const maxMerge = 12

// Encode returns the copy of the file name holding versions (one, or two
// while the file is being replaced).
func Encode(name string, versions ...[]byte) []byte {
	var b bytes.Buffer
	b.WriteString(magic)
	fmt.Fprintf(&b, "file %s\n", name)
	for _, v := range versions {
		sum := sha256.Sum256(v)
		fmt.Fprintf(&b, "sha256 %x\nsize %d\n", sum, len(v))
		b.Write(v)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// Entry is one version found in a copy.
type Entry struct {
	Sum     []byte // the recorded SHA-256; nil when it cannot be read
	Content []byte
	Intact  bool // Content has the recorded SHA-256
}

// Parse reads the versions in a copy. It is lenient: damage in the
// headers costs only the entries it makes unreadable, and each entry
// says whether its content matches its checksum.
func Parse(data []byte) []Entry {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		data = data[i+1:] // magic
	} else {
		return nil
	}
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		data = data[i+1:] // file NAME
	} else {
		return nil
	}
	var out []Entry
	for len(data) > 0 {
		sumLine, rest, ok := bytes.Cut(data, []byte("\n"))
		if !ok {
			break
		}
		sizeLine, rest, ok := bytes.Cut(rest, []byte("\n"))
		if !ok {
			break
		}
		var e Entry
		if h, ok := bytes.CutPrefix(sumLine, []byte("sha256 ")); ok {
			if s, err := hex.DecodeString(string(h)); err == nil && len(s) == sha256.Size {
				e.Sum = s
			}
		}
		n := len(rest) - 1 // a damaged size: take the rest
		if s, ok := bytes.CutPrefix(sizeLine, []byte("size ")); ok {
			if v, err := strconv.Atoi(string(s)); err == nil && v >= 0 && v < len(rest) {
				n = v
			}
		}
		if n < 0 {
			break
		}
		e.Content = rest[:n]
		if e.Sum != nil {
			sum := sha256.Sum256(e.Content)
			e.Intact = bytes.Equal(sum[:], e.Sum)
		}
		out = append(out, e)
		data = rest[n:]
		if len(data) > 0 {
			data = data[1:] // the newline after the content
		}
	}
	return out
}

// Candidate is a version of the file that may be used.
type Candidate struct {
	Data []byte
	// Verified: its SHA-256 is one the copy recorded.
	Verified bool
	// Primary: it is the file as read, not a version from the copy.
	Primary bool
}

// Candidates lists the versions of a file to try, best first, given the
// file as read (nil when missing or unreadable) and its copy's entries.
// When the file matches a version the copy vouches for, that is the only
// candidate. Otherwise the file comes first (unverified: only a check of
// its own, such as its seal, can vouch for it), then the copy's intact
// versions, nearest to the file first, then versions rebuilt from a
// damaged file and a damaged copy that match a recorded checksum, then
// the damaged copy's versions as they are.
func Candidates(primary []byte, entries []Entry) []Candidate {
	if primary != nil {
		sum := sha256.Sum256(primary)
		for _, e := range entries {
			if e.Sum != nil && bytes.Equal(e.Sum, sum[:]) {
				return []Candidate{{Data: primary, Verified: true, Primary: true}}
			}
		}
	}
	var out []Candidate
	if primary != nil {
		out = append(out, Candidate{Data: primary, Primary: true})
	}
	var intact []Entry
	for _, e := range entries {
		if e.Intact {
			intact = append(intact, e)
		}
	}
	if len(intact) == 2 && distance(primary, intact[1].Content) < distance(primary, intact[0].Content) {
		intact[0], intact[1] = intact[1], intact[0]
	}
	for _, e := range intact {
		out = append(out, Candidate{Data: e.Content, Verified: true})
	}
	for _, e := range entries {
		if !e.Intact && e.Sum != nil {
			if m := merge(primary, e.Content, e.Sum); m != nil {
				out = append(out, Candidate{Data: m, Verified: true})
			}
		}
	}
	// Last, what a damaged copy holds, unverified: a version whose
	// checksum line alone was damaged is intact, and only a check of its
	// own can tell.
	for _, e := range entries {
		if !e.Intact && !bytes.Equal(e.Content, primary) {
			out = append(out, Candidate{Data: e.Content})
		}
	}
	return out
}

// distance counts the bytes in which a and b differ (and their length
// difference).
func distance(a, b []byte) int {
	n := len(a) - len(b)
	if n < 0 {
		n = -n
	}
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

// merge looks for the version with SHA-256 sum among those made of a and
// b by taking each byte where they differ from one or the other.
func merge(a, b, sum []byte) []byte {
	if len(a) != len(b) || len(a) == 0 {
		return nil
	}
	var diff []int
	for i := range a {
		if a[i] != b[i] {
			if diff = append(diff, i); len(diff) > maxMerge {
				return nil
			}
		}
	}
	m := append([]byte(nil), a...)
	for mask := 0; mask < 1<<len(diff); mask++ {
		for j, i := range diff {
			if mask&(1<<j) != 0 {
				m[i] = b[i]
			} else {
				m[i] = a[i]
			}
		}
		if s := sha256.Sum256(m); bytes.Equal(s[:], sum) {
			return m
		}
	}
	return nil
}

// Read reads the copy of path; nil when it is missing or unreadable.
func Read(path string) []Entry {
	data, err := os.ReadFile(path + Suffix)
	if err != nil {
		return nil
	}
	return Parse(data)
}

// Holds reports whether the copy of path holds exactly data.
func Holds(path string, data []byte) bool {
	e := Read(path)
	return len(e) == 1 && e[0].Intact && bytes.Equal(e[0].Content, data)
}

// WriteFile replaces the file at path with data atomically: a temporary
// file (0600) in the same folder, synced, renamed over it, and the
// folder synced.
func WriteFile(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncdir.Sync(dir)
}

// Keep writes the copy of path holding versions.
func Keep(path string, versions ...[]byte) error {
	return WriteFile(path+Suffix, Encode(filepath.Base(path), versions...))
}
