package keys

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync/atomic"

	"github.com/custody-app/custody/archive/internal/syncdir"
	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/scrypt"
	"golang.org/x/text/unicode/norm"
)

const checkLabel = "custody identity passphrase check\n"

// deriveRuns counts key derivations, so tests can tell that a damaged
// file was refused before the costly one ran.
var deriveRuns atomic.Int64

// derive runs scrypt once over the NFC form of the passphrase. The first
// 32 bytes open the seal; the rest gives the passphrase check value.
func derive(pass []byte, k kdfParams) (key, check []byte, err error) {
	deriveRuns.Add(1)
	p := norm.NFC.Bytes(pass)
	out, err := scrypt.Key(p, k.salt, 1<<k.logN, k.r, k.p, 64)
	if len(p) > 0 && &p[0] != &pass[0] {
		clear(p)
	}
	// scrypt's 128 * r * N bytes of working memory (128 MiB at the
	// default cost) are garbage now: give them back to the system before
	// the caller goes on to open a store, so the two never add up. (At
	// the low costs of tests, a megabyte or so, there is nothing to give.)
	if k.logN >= 14 {
		debug.FreeOSMemory()
	}
	if err != nil {
		return nil, nil, fmt.Errorf("deriving the key from the passphrase: %w", err)
	}
	sum := sha256.Sum256(append([]byte(checkLabel), out[32:]...))
	clear(out[32:])
	return out[:32], sum[:checkLen], nil
}

// seal fills h's salt, nonce, check value and sealed secret.
func (h *header) seal(pass, secret []byte, logN int) error {
	h.kdf = kdfParams{salt: random(minSaltLen), logN: logN, r: 8, p: 1}
	h.nonce = random(chacha20poly1305.NonceSizeX)
	key, check, err := derive(pass, h.kdf)
	if err != nil {
		return err
	}
	defer clear(key)
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return err
	}
	h.check = check
	h.sealed = aead.Seal(nil, h.nonce, secret, h.associatedData())
	return nil
}

// open returns the 64-byte secret. Only when neither the seal nor the check
// value match the passphrase is it wrong; if one matches and the other does
// not, the file was edited.
func (h *header) open(pass []byte) ([]byte, error) {
	key, check, err := derive(pass, h.kdf)
	if err != nil {
		return nil, err
	}
	defer clear(key)
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	secret, aeadErr := aead.Open(nil, h.nonce, h.sealed, h.associatedData())
	checkOK := subtle.ConstantTimeCompare(check, h.check) == 1
	switch {
	case aeadErr == nil && checkOK:
		return secret, nil
	case aeadErr != nil && !checkOK:
		return nil, ErrWrongPassphrase
	case aeadErr != nil:
		return nil, damaged("the passphrase is right, but the file's readable fields were changed after it was written")
	default:
		clear(secret)
		return nil, damaged("its passphrase check value was changed")
	}
}

// unseal opens h and checks that the seed belongs to the stored public key.
func (h *header) unseal(pass []byte) (*Identity, error) {
	if len(pass) == 0 {
		return nil, ErrEmptyPassphrase
	}
	secret, err := h.open(pass)
	if err != nil {
		return nil, err
	}
	defer clear(secret)
	return newIdentity(h.pub, secret)
}

func newIdentity(pub Public, secret []byte) (*Identity, error) {
	priv := ed25519.NewKeyFromSeed(secret[:ed25519.SeedSize])
	if !priv.Public().(ed25519.PublicKey).Equal(pub.PublicKey) {
		clear(priv)
		return nil, damaged("its public key does not belong to its secret key")
	}
	id := &Identity{pub: pub, priv: priv}
	if pub.StoreEncrypted {
		id.storeKey = append([]byte(nil), secret[ed25519.SeedSize:]...)
	}
	return id, nil
}

func random(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	return b
}

// writeFile replaces dir/identity.json atomically: a temporary file in the
// same folder is written and synced, then renamed over the old one, and the
// folder is synced. On any error the old file is left as it was. With
// create set it refuses to replace an existing file; the caller holds the
// archive lock, so nothing can create one in between.
func writeFile(dir string, data []byte, create bool) (err error) {
	final := filepath.Join(dir, FileName)
	tmp, err := os.CreateTemp(dir, tempPattern)
	if err != nil {
		return fmt.Errorf("writing the identity file: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("writing the identity file: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing the identity file to disk: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing the identity file: %w", err)
	}
	if create {
		if _, serr := os.Lstat(final); serr == nil {
			return ErrIdentityExists
		}
	}
	if err = os.Rename(tmp.Name(), final); err != nil {
		return fmt.Errorf("replacing the identity file: %w", err)
	}
	if err := syncdir.Sync(dir); err != nil {
		return fmt.Errorf("syncing the archive folder: %w", err)
	}
	return nil
}
