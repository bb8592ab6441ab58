package keys

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/custody-app/custody/archive/keycopy"
)

// CopyName is the name of the identity file's checksummed copy, beside it
// (archive/keycopy). A byte flipped in either is found by the copy's
// checksum, and the intact one repairs the other (Mend).
const CopyName = FileName + keycopy.Suffix

// source is where an identity was read from: the file as read and the
// versions its copy offers.
type source struct {
	dir     string
	primary []byte // identity.json as read; nil when missing or unreadable
	readErr error  // why it could not be read
	hasCopy bool   // the copy holds at least one entry
	cands   []keycopy.Candidate
	used    keycopy.Candidate // the version that was read (or unlocked)
}

func load(dir string) (*source, error) {
	s := &source{dir: dir}
	path := filepath.Join(dir, FileName)
	f, err := os.Open(path)
	switch {
	case err == nil:
		s.primary, err = io.ReadAll(io.LimitReader(f, maxFileSize+1))
		f.Close()
		if err != nil {
			s.primary, s.readErr = nil, fmt.Errorf("reading the identity file: %w", err)
		}
	case errors.Is(err, fs.ErrNotExist):
	default:
		s.readErr = fmt.Errorf("reading the identity file: %w", err)
	}
	entries := keycopy.Read(path)
	s.hasCopy = len(entries) > 0
	s.cands = keycopy.Candidates(s.primary, entries)
	if len(s.cands) == 0 {
		if s.readErr != nil {
			return nil, s.readErr
		}
		if s.primary == nil && !s.hasCopy {
			return nil, ErrNoIdentity
		}
	}
	return s, nil
}

// lost is the error for an identity none of whose versions can be used.
func (s *source) lost(primaryErr error) error {
	switch {
	case s.primary == nil && s.readErr == nil && !s.hasCopy:
		return ErrNoIdentity
	case !s.hasCopy:
		if primaryErr != nil && !errors.Is(primaryErr, ErrKeyFileDamaged) {
			return primaryErr
		}
		return withDetail(ErrKeyFilesDamaged, fmt.Sprintf("%s (%s), and it has no copy (%s) to repair it from", FileName, detailOf(primaryErr), CopyName))
	case s.primary == nil:
		return withDetail(ErrKeyFilesDamaged, fmt.Sprintf("%s is missing, and its copy %s is damaged", FileName, CopyName))
	}
	return withDetail(ErrKeyFilesDamaged, fmt.Sprintf("%s (%s), and so is its copy %s", FileName, detailOf(primaryErr), CopyName))
}

func detailOf(err error) string {
	var d *detailed
	switch {
	case errors.As(err, &d):
		return d.detail
	case err == nil:
		return "damaged"
	}
	return err.Error()
}

// newer refuses a file written by a newer release: its copy may hold
// an older version, which must never be used (nor written back) instead.
func (s *source) newer() error {
	if s.primary != nil {
		if _, err := parseFile(s.primary); errors.Is(err, ErrUnsupportedFormat) {
			return err
		}
	}
	return nil
}

// header returns the first version that parses, preferring one the
// copy vouches for: what anyone may read without the passphrase.
func (s *source) header() (*header, error) {
	if err := s.newer(); err != nil {
		return nil, err
	}
	var primaryErr error
	for pass := 0; pass < 2; pass++ {
		for _, c := range s.cands {
			if c.Verified != (pass == 0) {
				continue
			}
			h, err := parseFile(c.Data)
			if err == nil {
				s.used = c
				return h, nil
			}
			if c.Primary {
				primaryErr = err
			}
		}
	}
	if errors.Is(primaryErr, ErrUnsupportedFormat) {
		return nil, primaryErr
	}
	return nil, s.lost(primaryErr)
}

// unlock opens the first version the passphrase opens. A version the copy
// vouches for that refuses the passphrase proves it wrong; the file as
// read, unvouched for, proves nothing when it refuses it: it may be
// damaged (a flipped salt byte looks like a wrong passphrase).
func (s *source) unlock(pass []byte) (*Identity, *header, error) {
	if err := s.newer(); err != nil {
		return nil, nil, err
	}
	if len(pass) == 0 {
		return nil, nil, ErrEmptyPassphrase
	}
	var primaryErr error
	tried, wrong := 0, 0
	for _, c := range s.cands {
		h, err := parseFile(c.Data)
		if err == nil {
			var id *Identity
			if id, err = h.unseal(pass); err == nil {
				s.used = c
				id.src = s
				return id, h, nil
			}
			if c.Verified && errors.Is(err, ErrWrongPassphrase) {
				return nil, nil, err
			}
		}
		if errors.Is(err, ErrUnsupportedFormat) {
			return nil, nil, err
		}
		tried++
		if errors.Is(err, ErrWrongPassphrase) {
			wrong++
		}
		if c.Primary {
			primaryErr = err
		}
	}
	switch {
	case wrong > 0 && !s.hasCopy:
		return nil, nil, primaryErr // no copy: the file's own check is all there is
	case wrong == 1 && tried == 1:
		return nil, nil, ErrWrongPassphrase // the damaged copy holds the same version
	case wrong > 0 && wrong == tried:
		return nil, nil, withDetail(ErrKeyFilesDamaged, fmt.Sprintf("the passphrase was refused, but %s and its copy %s differ and neither can be vouched for, "+
			"so Custody cannot tell a wrong passphrase from damage; if the passphrase is right", FileName, CopyName))
	}
	return nil, nil, s.lost(primaryErr)
}

// Mend repairs the identity file and its copy from the version id was
// unlocked from, or, for id nil (an archive opened without its passphrase),
// from the version the copy vouches for: the damaged or missing one is
// rewritten, and a copy is made for an archive that has none. The caller
// holds the archive's lock in a folder it can write. It returns what it
// repaired, in words.
func Mend(dir string, id *Identity) ([]string, error) {
	var s *source
	if id != nil && id.src != nil && id.src.dir == dir {
		s = id.src
	} else {
		var err error
		if s, err = load(dir); err != nil {
			return nil, err
		}
		if _, err := s.header(); err != nil || !s.used.Verified {
			return nil, nil // nothing vouches for any version
		}
	}
	path := filepath.Join(dir, FileName)
	good := s.used.Data
	var did []string
	if !bytes.Equal(s.primary, good) {
		if err := keycopy.WriteFile(path, good); err != nil {
			return did, fmt.Errorf("restoring %s from its copy: %w", FileName, err)
		}
		if s.primary == nil {
			did = append(did, FileName+" was missing; restored from its copy "+CopyName)
		} else {
			did = append(did, FileName+" was damaged; restored from its copy "+CopyName)
		}
		s.primary = good
	}
	if !keycopy.Holds(path, good) {
		if err := keycopy.Keep(path, good); err != nil {
			return did, fmt.Errorf("writing the identity file's copy %s: %w", CopyName, err)
		}
		if s.hasCopy {
			did = append(did, CopyName+" was damaged or out of date; rewritten")
		}
		s.hasCopy = true
	}
	return did, nil
}

// Bytes returns the identity file as it should be (the version that was
// unlocked), for a recovery kit.
func (id *Identity) Bytes() []byte {
	if id.src == nil {
		return nil
	}
	return append([]byte(nil), id.src.used.Data...)
}

// UnlockBytes opens an identity file given as bytes (a recovery kit's)
// with the passphrase, without reading or writing any file.
func UnlockBytes(data, passphrase []byte) (*Identity, error) {
	h, err := parseFile(data)
	if err != nil {
		return nil, err
	}
	return h.unseal(passphrase)
}
