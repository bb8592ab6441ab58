package store

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"time"

	"github.com/custody-app/custody/archive/errcode"
	"github.com/custody-app/custody/archive/keycopy"
	badger "github.com/dgraph-io/badger/v4"
)

// Badger's KEYREGISTRY holds the data keys that encrypt every table and
// value-log file, each wrapped by the store key. It is a few dozen bytes
// with no second copy: one flipped byte made every document unreadable,
// reported as a wrong passphrase. So a checksummed copy is kept beside it
// (KEYREGISTRY.copy, package keycopy), and before Badger opens the store
// the registry is checked the way Badger reads it (key_registry.go: a
// 16-byte IV, the text "Hello Badger" encrypted with the store key in
// AES-CTR under that IV, then records of a 4-byte length, a 4-byte
// CRC-32C and the data key). A damaged registry is restored from its copy
// where the folder may be written, under the archive's lock; elsewhere
// the good version is given to Badger through the shadow (shadow.go),
// and nothing in the folder is changed.
//
// Data keys are rotated every 20 years rather than Badger's 10 days
// (dataKeyLife): the store key that wraps them is the one secret that
// matters, and a registry that does not change keeps the archive's
// recovery kit valid. (The period must stay well below the time since
// 1970: Badger compares it with the age of the newest key, and a store
// with no key yet counts from 1970; a longer period would make Badger
// write a new store without any data key, that is, unencrypted.)

const dataKeyLife = 20 * 365 * 24 * time.Hour

// RegistryCopyName is the copy's name in the store folder.
const RegistryCopyName = badger.KeyRegistryFileName + keycopy.Suffix

// ErrRegistryDamaged means the store's key registry is damaged and no
// intact version of it was found.
var ErrRegistryDamaged = errcode.New(KeyRegistryDamaged,
	"the store's key registry (store/KEYREGISTRY), which every document needs, is damaged")

const restoreAdvice = "restore it from the archive's recovery kit (custody keys restore KIT) or restore the archive folder from a backup"

// KeyRegistryDamaged is ErrRegistryDamaged's code.
const KeyRegistryDamaged = "KEY_REGISTRY_DAMAGED"

const (
	registryIVLen = aes.BlockSize
	sanityText    = "Hello Badger"
)

// validRegistry reports whether data is a key registry Badger reads with
// key (nil: a store that is not encrypted).
func validRegistry(data, key []byte) bool {
	head := registryIVLen + len(sanityText)
	if len(data) < head {
		return false
	}
	sanity := data[registryIVLen:head]
	if len(key) > 0 {
		block, err := aes.NewCipher(key)
		if err != nil {
			return false
		}
		plain := make([]byte, len(sanity))
		cipher.NewCTR(block, data[:registryIVLen]).XORKeyStream(plain, sanity)
		sanity = plain
	}
	if string(sanity) != sanityText {
		return false
	}
	for rest := data[head:]; len(rest) > 0; {
		if len(rest) < 8 {
			return false
		}
		n := uint64(binary.BigEndian.Uint32(rest[:4]))
		if n > uint64(len(rest)-8) || crc32.Checksum(rest[8:8+n], castagnoli) != binary.BigEndian.Uint32(rest[4:8]) {
			return false
		}
		rest = rest[8+n:]
	}
	return true
}

// mendRegistry checks the key registry in dir against its copy before
// Badger opens the store. With mayWrite (the archive's lock is held in a
// writable folder) a damaged registry or copy is rewritten from the intact
// one, and a missing copy is made; otherwise nothing is written, and use
// is the intact registry when the one in dir is damaged (to be read
// through the shadow).
func mendRegistry(dir string, key []byte, mayWrite bool, log *Log) (use []byte, err error) {
	path := filepath.Join(dir, badger.KeyRegistryFileName)
	if mayWrite {
		for _, pattern := range []string{".KEYREGISTRY-*.tmp", ".KEYREGISTRY.copy-*.tmp"} {
			stale, _ := filepath.Glob(filepath.Join(dir, pattern))
			for _, f := range stale {
				os.Remove(f)
			}
		}
	}
	primary, rerr := os.ReadFile(path)
	if rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
		primary = nil
	}
	entries := keycopy.Read(path)
	if primary == nil && len(entries) == 0 {
		if rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			return nil, readError(rerr)
		}
		return nil, nil // a new store: Badger makes it
	}
	var good []byte
	for _, c := range keycopy.Candidates(primary, entries) {
		if validRegistry(c.Data, key) {
			good = c.Data
			break
		}
	}
	if good == nil {
		log.Errorf("the store's key registry does not read, nor does any version of its copy")
		if len(entries) == 0 {
			return nil, errcode.New(KeyRegistryDamaged, ErrRegistryDamaged.Msg+", and it has no copy (store/"+RegistryCopyName+") to repair it from; "+restoreAdvice)
		}
		return nil, errcode.New(KeyRegistryDamaged, ErrRegistryDamaged.Msg+", and so is its copy (store/"+RegistryCopyName+"); "+restoreAdvice)
	}
	if !bytes.Equal(primary, good) {
		if !mayWrite {
			log.Warningf("the store's key registry is damaged; reading with its copy (nothing is written here)")
			return good, nil
		}
		if err := keycopy.WriteFile(path, good); err != nil {
			return nil, readError(err)
		}
		log.Warningf("repaired: the store's key registry (store/KEYREGISTRY) was damaged or missing; restored from its copy")
	}
	if mayWrite && !keycopy.Holds(path, good) {
		if err := keycopy.Keep(path, good); err != nil {
			log.Warningf("could not write the key registry's copy: %v", err)
		}
	}
	return nil, nil
}

// keepRegistryCopy brings the registry's copy up to date after Badger
// opened the store for writing (it adds the first data key of a new
// store then).
func keepRegistryCopy(dir string, key []byte, log *Log) {
	path := filepath.Join(dir, badger.KeyRegistryFileName)
	data, err := os.ReadFile(path)
	if err != nil || !validRegistry(data, key) || keycopy.Holds(path, data) {
		return
	}
	if err := keycopy.Keep(path, data); err != nil {
		log.Warningf("could not write the key registry's copy: %v", err)
	}
}

// RegistryBytes returns the store's key registry in dir as it should be
// (the intact one of the file and its copy), for a recovery kit.
func RegistryBytes(dir string, key []byte) ([]byte, error) {
	path := filepath.Join(dir, badger.KeyRegistryFileName)
	primary, _ := os.ReadFile(path)
	for _, c := range keycopy.Candidates(primary, keycopy.Read(path)) {
		if validRegistry(c.Data, key) {
			return c.Data, nil
		}
	}
	return nil, ErrRegistryDamaged
}

// ValidRegistry reports whether data is a key registry Badger reads with
// key: what a restore checks before it writes one.
func ValidRegistry(data, key []byte) bool { return validRegistry(data, key) }
