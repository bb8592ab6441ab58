package keys

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/custody-app/custody/archive/keycopy"
	"golang.org/x/mod/sumdb/note"
)

// DefaultScryptLogN is the scrypt cost new identity files get: half a
// second to a second of one core, and 128 MiB (docs/performance.md). Every command that writes
// unlocks the key, and the archive's memory budget (256 MiB of anonymous
// memory at peak) must hold with the key derivation inside it.
const DefaultScryptLogN = 17

// Bounds for CreateOptions.ScryptLogN. Below 10 a passphrase is cheap to
// guess; above 20 opening the archive is slow and memory-hungry.
const (
	MinScryptLogN = 10
	MaxScryptLogN = 20
)

// minScryptLogN is MinScryptLogN, lowered only by this package's tests
// (which flip every byte of a file and unlock it each time).
var minScryptLogN = MinScryptLogN

// CreateOptions describe a new identity.
type CreateOptions struct {
	Name         string // the archivist's display name; required
	Organisation string // optional
	Passphrase   []byte // required; not kept
	EncryptStore bool   // whether the archive's Badger store is encrypted
	// ScryptLogN sets the passphrase's scrypt cost; 0 means
	// DefaultScryptLogN. Tests and benchmarks pass MinScryptLogN.
	ScryptLogN int
}

// Public is what anyone can read from identity.json without the
// passphrase. Until Unlock succeeds, Name, Organisation and Created are
// only claims: they are authenticated by the seal, not by ReadPublic.
// The key name, fingerprint and origin are checked against the public key.
type Public struct {
	Name           string
	Organisation   string
	Created        time.Time
	KeyName        string // the key's name in signed notes
	Fingerprint    string // e.g. "MFRG-GZDF-MZTW-Q2LK"
	ArchiveID      string // 32 lowercase hex digits
	Origin         string // the checkpoint origin line
	PublicKey      ed25519.PublicKey
	VerifierKey    string // note verifier key: name+hash+base64
	StoreEncrypted bool
}

// Identity is an unlocked archivist identity. It can sign.
type Identity struct {
	pub      Public
	priv     ed25519.PrivateKey
	storeKey []byte
	src      *source // where it was read from; nil for a new one
}

// Create makes a new identity for the archive folder dir and writes
// dir/identity.json. It refuses if that file already exists.
func Create(dir string, opt CreateOptions) (*Identity, error) {
	if err := checkPersonField("name", opt.Name, true); err != nil {
		return nil, withDetail(ErrBadIdentityField, err.Error())
	}
	if err := checkPersonField("organisation", opt.Organisation, false); err != nil {
		return nil, withDetail(ErrBadIdentityField, err.Error())
	}
	if len(opt.Passphrase) == 0 {
		return nil, ErrEmptyPassphrase
	}
	logN := opt.ScryptLogN
	if logN == 0 {
		logN = DefaultScryptLogN
	}
	if logN < minScryptLogN || logN > MaxScryptLogN {
		return nil, fmt.Errorf("scrypt cost logN %d is outside %d..%d", logN, MinScryptLogN, MaxScryptLogN)
	}
	if Exists(dir) {
		return nil, ErrIdentityExists
	}

	secret := random(secretLen)
	defer clear(secret)
	priv := ed25519.NewKeyFromSeed(secret[:ed25519.SeedSize])
	pubKey := priv.Public().(ed25519.PublicKey)
	clear(priv)
	archiveID := random(archiveIDLen)
	keyName := keyNameFor(pubKey)
	h := &header{
		archiveID: archiveID,
		pub: Public{
			Name:           opt.Name,
			Organisation:   opt.Organisation,
			Created:        time.Now().UTC().Truncate(time.Second),
			KeyName:        keyName,
			Fingerprint:    FingerprintOf(pubKey),
			ArchiveID:      hex.EncodeToString(archiveID),
			Origin:         originFor(pubKey, archiveID),
			PublicKey:      pubKey,
			VerifierKey:    verifierKeyFor(keyName, pubKey),
			StoreEncrypted: opt.EncryptStore,
		},
	}
	if err := h.seal(opt.Passphrase, secret, logN); err != nil {
		return nil, err
	}
	data := h.encode()
	if _, err := parseFile(data); err != nil {
		return nil, fmt.Errorf("internal error: a new identity file does not read back: %w", err)
	}
	if err := writeFile(dir, data, true); err != nil {
		return nil, err
	}
	if err := keycopy.Keep(filepath.Join(dir, FileName), data); err != nil {
		return nil, fmt.Errorf("writing the identity file's copy: %w", err)
	}
	id, err := newIdentity(h.pub, secret)
	if err == nil {
		id.src = &source{dir: dir, primary: data, hasCopy: true, used: keycopy.Candidate{Data: data, Verified: true, Primary: true}}
	}
	return id, err
}

// Exists reports whether dir holds an identity file.
func Exists(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, FileName))
	return err == nil
}

// readHeader reads and checks dir/identity.json, or the version its copy
// vouches for when the file is damaged (copy.go).
func readHeader(dir string) (*header, error) {
	s, err := load(dir)
	if err != nil {
		return nil, err
	}
	return s.header()
}

// ReadPublic reads the public part of dir/identity.json without the
// passphrase. See Public for what it vouches for.
func ReadPublic(dir string) (*Public, error) {
	h, err := readHeader(dir)
	if err != nil {
		return nil, err
	}
	p := h.pub
	return &p, nil
}

// Unlock opens dir/identity.json with the passphrase. It returns
// ErrWrongPassphrase for a wrong passphrase and an error matching
// ErrKeyFileDamaged if the file was damaged or edited. It never writes.
func Unlock(dir string, passphrase []byte) (*Identity, error) {
	s, err := load(dir)
	if err != nil {
		return nil, err
	}
	id, _, err := s.unlock(passphrase)
	return id, err
}

// ChangePassphrase re-wraps the identity under a new passphrase, keeping
// the key, the store key and the scrypt cost. The file is replaced
// atomically; on any error the old file stays as it was.
func ChangePassphrase(dir string, oldPass, newPass []byte) error {
	if len(oldPass) == 0 || len(newPass) == 0 {
		return ErrEmptyPassphrase
	}
	s, err := load(dir)
	if err != nil {
		return err
	}
	if _, _, err := s.unlock(oldPass); err != nil {
		return err
	}
	old := s.used.Data
	h, err := parseFile(old)
	if err != nil {
		return err
	}
	secret, err := h.open(oldPass)
	if err != nil {
		return err
	}
	defer clear(secret)
	if err := h.seal(newPass, secret, h.kdf.logN); err != nil {
		return err
	}
	// The copy vouches for both versions while the file is replaced, so
	// a crash at any moment leaves the file matching it (package
	// keycopy); the rename is the moment the new passphrase takes effect.
	path := filepath.Join(dir, FileName)
	data := h.encode()
	if err := keycopy.Keep(path, old, data); err != nil {
		return fmt.Errorf("writing the identity file's copy: %w", err)
	}
	if err := writeFile(dir, data, false); err != nil {
		return err
	}
	if err := keycopy.Keep(path, data); err != nil {
		return fmt.Errorf("writing the identity file's copy: %w", err)
	}
	return nil
}

// StoreKey returns the 32-byte key of the archive's Badger store, or nil
// if the store is not encrypted.
func (id *Identity) StoreKey() []byte {
	if id.storeKey == nil {
		return nil
	}
	return append([]byte(nil), id.storeKey...)
}

// Signer returns a note signer for the archive's checkpoints.
func (id *Identity) Signer() note.Signer {
	return &signer{name: id.pub.KeyName, hash: noteKeyHash(id.pub.KeyName, id.pub.PublicKey), priv: id.priv}
}

// VerifierKey returns the note verifier key others add to their trust
// store: name+hash+base64.
func (id *Identity) VerifierKey() string { return id.pub.VerifierKey }

// Fingerprint returns the public key's fingerprint, e.g. "MFRG-GZDF-MZTW-Q2LK".
func (id *Identity) Fingerprint() string { return id.pub.Fingerprint }

// Origin returns the archive's checkpoint origin line.
func (id *Identity) Origin() string { return id.pub.Origin }

// Public returns a copy of the identity's public part.
func (id *Identity) Public() *Public {
	p := id.pub
	p.PublicKey = append(ed25519.PublicKey(nil), id.pub.PublicKey...)
	return &p
}

// RemoteKey returns the 32-byte key that seals what a remote copy keeps
// besides pack files (archive/remote): derived from the archivist's
// private key, so it is the same for encrypted and unencrypted stores,
// survives passphrase changes, and is known to whoever unlocks the
// identity and to no one else.
func (id *Identity) RemoteKey() []byte {
	m := hmac.New(sha256.New, id.priv.Seed())
	m.Write([]byte("custody remote copy v1"))
	return m.Sum(nil)
}
