package keys

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"
)

// FileName is the identity file's name inside an archive folder.
const FileName = "identity.json"

const (
	formatV1     = 1
	kdfScrypt    = "scrypt"
	aeadXChaCha  = "xchacha20poly1305"
	adPrefix     = "custody identity v1\n"
	maxFileSize  = 64 << 10
	maxNameRunes = 100
	archiveIDLen = 16
	secretLen    = 64 // Ed25519 seed, then the Badger store key
	checkLen     = 16
	minSaltLen   = 16
	maxSaltLen   = 64
)

// Limits on scrypt parameters read from a file. See the package doc.
const (
	maxLogN      = 22
	maxR         = 16
	maxP         = 4
	maxKDFMemory = 1 << 30 // bytes: 128 * r * 2^logN
)

// fileV1 is identity.json as stored.
type fileV1 struct {
	Format         int        `json:"format"`
	Name           string     `json:"name"`
	Organisation   string     `json:"organisation"`
	Created        string     `json:"created"`
	KeyName        string     `json:"key_name"`
	Fingerprint    string     `json:"fingerprint"`
	ArchiveID      string     `json:"archive_id"`
	Origin         string     `json:"origin"`
	PublicKey      string     `json:"public_key"`
	StoreEncrypted bool       `json:"store_encrypted"`
	KDF            kdfField   `json:"kdf"`
	Sealed         sealedPart `json:"sealed"`
}

type kdfField struct {
	Name  string `json:"name"`
	Salt  string `json:"salt"`
	LogN  int    `json:"log_n"`
	R     int    `json:"r"`
	P     int    `json:"p"`
	Check string `json:"check"`
}

type sealedPart struct {
	AEAD       string `json:"aead"`
	Nonce      string `json:"nonce"`
	Ciphertext string `json:"ciphertext"`
}

// header is a parsed and checked identity file.
type header struct {
	pub       Public
	archiveID []byte
	kdf       kdfParams
	check     []byte
	nonce     []byte
	sealed    []byte
}

type kdfParams struct {
	salt       []byte
	logN, r, p int
}

func damaged(format string, args ...any) error {
	return withDetail(ErrKeyFileDamaged, fmt.Sprintf(format, args...))
}

// parseFile reads and checks everything in an identity file that can be
// checked without the passphrase, including the KDF limits.
func parseFile(data []byte) (*header, error) {
	if len(data) > maxFileSize {
		return nil, damaged("it is %d bytes, far larger than any identity file", len(data))
	}
	var f fileV1
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		var probe struct{ Format int }
		if json.Unmarshal(data, &probe) == nil && probe.Format > formatV1 {
			return nil, ErrUnsupportedFormat
		}
		return nil, damaged("it is not a readable identity file (%v)", err)
	}
	if dec.More() {
		return nil, damaged("it has data after the end")
	}
	if f.Format != formatV1 {
		if f.Format > formatV1 {
			return nil, ErrUnsupportedFormat
		}
		return nil, damaged("unknown format number %d", f.Format)
	}
	h := &header{}
	if err := h.fill(&f); err != nil {
		return nil, err
	}
	return h, nil
}

func (h *header) fill(f *fileV1) error {
	if err := checkPersonField("name", f.Name, true); err != nil {
		return damaged("%v", err)
	}
	if err := checkPersonField("organisation", f.Organisation, false); err != nil {
		return damaged("%v", err)
	}
	created, err := time.Parse(time.RFC3339, f.Created)
	if err != nil || created.UTC().Format(time.RFC3339) != f.Created {
		return damaged("its creation time %q is not a UTC time in RFC 3339 form", f.Created)
	}
	pub, err := decodeB64(f.PublicKey, ed25519.PublicKeySize, "public key")
	if err != nil {
		return err
	}
	id, err := hex.DecodeString(f.ArchiveID)
	if err != nil || len(id) != archiveIDLen || hex.EncodeToString(id) != f.ArchiveID {
		return damaged("its archive ID %q is not %d bytes of lowercase hex", f.ArchiveID, archiveIDLen)
	}
	fp := FingerprintOf(pub)
	switch {
	case f.Fingerprint != fp:
		return damaged("its fingerprint %q does not belong to its public key (%s)", f.Fingerprint, fp)
	case f.KeyName != keyNameFor(pub):
		return damaged("its key name %q does not belong to its public key", f.KeyName)
	case f.Origin != originFor(pub, id):
		return damaged("its origin %q does not match its key and archive ID", f.Origin)
	}
	if err := h.fillKDF(&f.KDF); err != nil {
		return err
	}
	if f.Sealed.AEAD != aeadXChaCha {
		return damaged("unknown cipher %q", f.Sealed.AEAD)
	}
	if h.nonce, err = decodeB64(f.Sealed.Nonce, 24, "nonce"); err != nil {
		return err
	}
	if h.sealed, err = decodeB64(f.Sealed.Ciphertext, secretLen+16, "sealed key"); err != nil {
		return err
	}
	h.archiveID = id
	h.pub = Public{
		Name:           f.Name,
		Organisation:   f.Organisation,
		Created:        created,
		KeyName:        f.KeyName,
		Fingerprint:    fp,
		ArchiveID:      f.ArchiveID,
		Origin:         f.Origin,
		PublicKey:      ed25519.PublicKey(pub),
		VerifierKey:    verifierKeyFor(f.KeyName, pub),
		StoreEncrypted: f.StoreEncrypted,
	}
	return nil
}

func (h *header) fillKDF(k *kdfField) error {
	if k.Name != kdfScrypt {
		return damaged("unknown key derivation %q", k.Name)
	}
	if err := checkScrypt(k.LogN, k.R, k.P); err != nil {
		return err
	}
	salt, err := base64.StdEncoding.Strict().DecodeString(k.Salt)
	if err != nil || len(salt) < minSaltLen || len(salt) > maxSaltLen {
		return damaged("its scrypt salt is not %d to %d bytes of base64", minSaltLen, maxSaltLen)
	}
	if h.check, err = decodeB64(k.Check, checkLen, "passphrase check"); err != nil {
		return err
	}
	h.kdf = kdfParams{salt: salt, logN: k.LogN, r: k.R, p: k.P}
	return nil
}

// checkScrypt refuses parameters that would make opening the file hang or
// exhaust memory. It runs before any key derivation.
func checkScrypt(logN, r, p int) error {
	switch {
	case logN < 1 || r < 1 || p < 1:
		return damaged("its scrypt parameters (logN %d, r %d, p %d) are not valid", logN, r, p)
	case logN > maxLogN || r > maxR || p > maxP:
		return damaged("its scrypt cost (logN %d, r %d, p %d) is above the limit Custody accepts (logN %d, r %d, p %d); "+
			"Custody never writes such a file, and opening it could take hours or exhaust memory", logN, r, p, maxLogN, maxR, maxP)
	case 128*r<<logN > maxKDFMemory:
		return damaged("its scrypt parameters (logN %d, r %d) would need %d MiB of memory, above the %d MiB Custody allows",
			logN, r, (128*r<<logN)>>20, maxKDFMemory>>20)
	}
	return nil
}

func decodeB64(s string, n int, what string) ([]byte, error) {
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != n {
		return nil, damaged("its %s is not %d bytes of base64", what, n)
	}
	return b, nil
}

// checkPersonField checks a name or organisation: printable text, no
// surrounding spaces, at most maxNameRunes characters.
func checkPersonField(what, s string, required bool) error {
	switch {
	case s == "" && required:
		return fmt.Errorf("the %s is empty", what)
	case utf8.RuneCountInString(s) > maxNameRunes:
		return fmt.Errorf("the %s is longer than %d characters", what, maxNameRunes)
	case !printable(s, true):
		return fmt.Errorf("the %s contains control or invalid characters", what)
	case s != "" && (unicode.IsSpace(rune(s[0])) || unicode.IsSpace(rune(s[len(s)-1]))):
		return fmt.Errorf("the %s starts or ends with a space", what)
	}
	return nil
}

// printable reports whether s is valid UTF-8 made of printable characters;
// the ASCII space is allowed only if spaces is true.
func printable(s string, spaces bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || (r == ' ' && !spaces) {
			return false
		}
	}
	return true
}

// encode writes h as identity.json.
func (h *header) encode() []byte {
	f := fileV1{
		Format:         formatV1,
		Name:           h.pub.Name,
		Organisation:   h.pub.Organisation,
		Created:        h.pub.Created.UTC().Format(time.RFC3339),
		KeyName:        h.pub.KeyName,
		Fingerprint:    h.pub.Fingerprint,
		ArchiveID:      h.pub.ArchiveID,
		Origin:         h.pub.Origin,
		PublicKey:      base64.StdEncoding.EncodeToString(h.pub.PublicKey),
		StoreEncrypted: h.pub.StoreEncrypted,
		KDF: kdfField{
			Name:  kdfScrypt,
			Salt:  base64.StdEncoding.EncodeToString(h.kdf.salt),
			LogN:  h.kdf.logN,
			R:     h.kdf.r,
			P:     h.kdf.p,
			Check: base64.StdEncoding.EncodeToString(h.check),
		},
		Sealed: sealedPart{
			AEAD:       aeadXChaCha,
			Nonce:      base64.StdEncoding.EncodeToString(h.nonce),
			Ciphertext: base64.StdEncoding.EncodeToString(h.sealed),
		},
	}
	out, err := json.MarshalIndent(&f, "", "  ")
	if err != nil {
		panic(err) // only strings, ints and bools: cannot fail
	}
	return append(out, '\n')
}

// associatedData binds every readable field to the seal. Each field is
// length-prefixed so no two different headers give the same bytes. The
// passphrase check is left out: it is derived from the passphrase, and a
// changed check value is detected on its own.
func (h *header) associatedData() []byte {
	var b []byte
	put := func(p []byte) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(p)))
		b = append(b, p...)
	}
	putInt := func(n int) { put(binary.BigEndian.AppendUint64(nil, uint64(n))) }
	b = append(b, adPrefix...)
	putInt(formatV1)
	put([]byte(h.pub.Name))
	put([]byte(h.pub.Organisation))
	put([]byte(h.pub.Created.UTC().Format(time.RFC3339)))
	put([]byte(h.pub.KeyName))
	put(h.archiveID)
	put([]byte(h.pub.Origin))
	put(h.pub.PublicKey)
	if h.pub.StoreEncrypted {
		put([]byte{1})
	} else {
		put([]byte{0})
	}
	put([]byte(kdfScrypt))
	put(h.kdf.salt)
	putInt(h.kdf.logN)
	putInt(h.kdf.r)
	putInt(h.kdf.p)
	put([]byte(aeadXChaCha))
	return b
}
