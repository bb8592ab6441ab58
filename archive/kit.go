package archive

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/custody-app/custody/archive/keycopy"
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/store"
	badger "github.com/dgraph-io/badger/v4"
)

// A recovery kit is a text file to print and keep apart from the archive:
// the two small files every document depends on (identity.json, still
// wrapped by the passphrase, and the store's KEYREGISTRY, wrapped by the
// store key inside it), each with its SHA-256, the archive's fingerprint
// and origin, and how to restore them, with Custody or by hand. It holds
// nothing that opens the archive without the passphrase.

const (
	kitTitle    = "CUSTODY RECOVERY KIT"
	kitIdentity = "identity.json"
	kitRegistry = "store/KEYREGISTRY"
)

// RecoveryKit returns the recovery kit of the archive in dir, made from
// the intact versions of its key files (unlocked with pass).
func RecoveryKit(dir string, pass []byte) ([]byte, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	lk, err := acquire(dir, true, nil)
	if err != nil {
		return nil, err
	}
	defer lk.Release()
	id, err := keys.Unlock(dir, pass)
	if err != nil {
		return nil, err
	}
	ident := id.Bytes()
	reg, err := store.RegistryBytes(filepath.Join(dir, StoreDir), id.StoreKey())
	if err != nil {
		return nil, err
	}
	pub := id.Public()
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n%s\n\n", kitTitle, strings.Repeat("=", len(kitTitle)))
	fmt.Fprintf(&b, "Archivist:   %s\nFingerprint: %s\nLog origin:  %s\nMade:        %s\n\n",
		pub.Name, pub.Fingerprint, pub.Origin, time.Now().UTC().Format(time.RFC3339))
	b.WriteString(`Keep this page apart from the archive (printed, or on another disk). It holds
the archive's two key files. Both stay locked by the passphrase, which this kit
does not contain: without the passphrase it opens nothing. If Custody says that
identity.json or store/KEYREGISTRY is damaged and cannot repair it from its
copy, restore them from this kit:

  custody --archive ARCHIVE-FOLDER keys restore THIS-FILE

By hand: write the lines between BEGIN identity.json and END identity.json to
ARCHIVE-FOLDER/identity.json (each line ending in a newline); decode the base64
lines between BEGIN and END store/KEYREGISTRY (base64 -d) into
ARCHIVE-FOLDER/store/KEYREGISTRY; check both with sha256sum against the values
below; delete identity.json.copy and store/KEYREGISTRY.copy (the next command
that changes the archive writes new ones); then run custody verify.

`)
	fmt.Fprintf(&b, "-----BEGIN %s sha256 %x-----\n", kitIdentity, sha256.Sum256(ident))
	b.Write(ident)
	if len(ident) > 0 && ident[len(ident)-1] != '\n' {
		return nil, errors.New("the identity file does not end in a newline")
	}
	fmt.Fprintf(&b, "-----END %s-----\n\n", kitIdentity)
	fmt.Fprintf(&b, "-----BEGIN %s sha256 %x-----\n", kitRegistry, sha256.Sum256(reg))
	enc := base64.StdEncoding.EncodeToString(reg)
	for len(enc) > 64 {
		b.WriteString(enc[:64] + "\n")
		enc = enc[64:]
	}
	b.WriteString(enc + "\n")
	fmt.Fprintf(&b, "-----END %s-----\n", kitRegistry)
	return b.Bytes(), nil
}

// ErrKitDamaged means a recovery kit does not read, or a part of it does
// not match its checksum.
var ErrKitDamaged = errors.New("the recovery kit is damaged or incomplete (a part is missing or does not match its SHA-256); use another copy of it")

// kitPart returns the bytes between the BEGIN and END lines of name,
// checked against the SHA-256 on the BEGIN line.
func kitPart(kit []byte, name string, decode bool) ([]byte, error) {
	begin := []byte("-----BEGIN " + name + " sha256 ")
	i := bytes.Index(kit, begin)
	if i < 0 {
		return nil, ErrKitDamaged
	}
	rest := kit[i+len(begin):]
	line, body, ok := bytes.Cut(rest, []byte("\n"))
	sum, err := hex.DecodeString(string(bytes.TrimSuffix(line, []byte("-----"))))
	if !ok || err != nil || len(sum) != sha256.Size {
		return nil, ErrKitDamaged
	}
	j := bytes.Index(body, []byte("-----END "+name+"-----"))
	if j < 0 {
		return nil, ErrKitDamaged
	}
	data := body[:j]
	if decode {
		if data, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(data)), "")); err != nil {
			return nil, ErrKitDamaged
		}
	}
	if s := sha256.Sum256(data); !bytes.Equal(s[:], sum) {
		return nil, ErrKitDamaged
	}
	return data, nil
}

// RestoreFromKit restores the key files of the archive in dir from a
// recovery kit, under the archive's lock: each one that is damaged (its
// intact version cannot be found in it or its copy) is replaced by the
// kit's, which must open with pass. Intact files are kept. It returns what
// it did, in words.
func RestoreFromKit(dir string, kit, pass []byte) ([]string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	ident, err := kitPart(kit, kitIdentity, false)
	if err != nil {
		return nil, err
	}
	reg, err := kitPart(kit, kitRegistry, true)
	if err != nil {
		return nil, err
	}
	lk, err := acquire(dir, false, nil)
	if err != nil {
		return nil, err
	}
	defer lk.Release()
	var did []string
	id, err := keys.Unlock(dir, pass)
	if errors.Is(err, keys.ErrWrongPassphrase) || errors.Is(err, keys.ErrEmptyPassphrase) {
		return nil, err
	}
	if err != nil {
		// The archive's own identity is lost: the kit's must open with the
		// passphrase before it replaces anything.
		check, terr := keys.UnlockBytes(ident, pass)
		if terr != nil {
			return nil, fmt.Errorf("the kit's identity does not open with this passphrase (it may be from before a passphrase change): %w", terr)
		}
		if pub, perr := keys.ReadPublic(dir); perr == nil && pub.Origin != check.Origin() {
			return nil, fmt.Errorf("the kit belongs to another archive (%s, not %s); nothing was changed", check.Origin(), pub.Origin)
		}
		path := filepath.Join(dir, keys.FileName)
		if err := keycopy.WriteFile(path, ident); err != nil {
			return nil, err
		}
		if err := keycopy.Keep(path, ident); err != nil {
			return nil, err
		}
		did = append(did, "identity.json restored from the kit")
		if id, err = keys.Unlock(dir, pass); err != nil {
			return did, err
		}
	} else {
		if _, err := keys.Mend(dir, id); err != nil {
			return nil, err
		}
		did = append(did, "identity.json is intact; kept")
	}
	sdir := filepath.Join(dir, StoreDir)
	if _, err := store.RegistryBytes(sdir, id.StoreKey()); err == nil {
		return append(did, "store/KEYREGISTRY is intact; kept"), nil
	}
	if !store.ValidRegistry(reg, id.StoreKey()) {
		return did, errors.New("the kit's key registry does not belong to this archive's store key; store/KEYREGISTRY was not changed")
	}
	path := filepath.Join(sdir, badger.KeyRegistryFileName)
	if err := keycopy.WriteFile(path, reg); err != nil {
		return did, err
	}
	if err := keycopy.Keep(path, reg); err != nil {
		return did, err
	}
	return append(did, "store/KEYREGISTRY restored from the kit"), nil
}
