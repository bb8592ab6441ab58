package remote

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/custody-app/custody/archive/keys"
	"golang.org/x/crypto/scrypt"
)

// The identity envelope is identity.json sealed under a key derived from
// the passphrase, so that a clone needs only the passphrase, and the
// object store learns neither the archivist's name, organisation and
// origin nor the public key that identity.json shows in the clear:
//
//	"custody remote identity v1\n"
//	{"log_n":N,"salt":"base64 of 16 bytes"}\n
//	a sealed stream (seal.go) of identity.json, under
//	scrypt(passphrase, salt, 2^N, 8, 1)
const envelopeMagic = "custody remote identity v1\n"

// maxEnvelopeHeader bounds the header line, and maxIdentity the identity
// file, read from a remote (both far above what Custody writes).
const (
	maxEnvelopeHeader = 1 << 10
	maxIdentity       = 1 << 20
)

// ErrPassphrase means the passphrase does not open the remote's identity.
var ErrPassphrase = errors.New("the passphrase does not open this remote copy (or its identity object is damaged)")

type envelopeHeader struct {
	LogN int    `json:"log_n"`
	Salt string `json:"salt"`
}

func envelopeKey(passphrase, salt []byte, logN int) ([]byte, error) {
	return scrypt.Key(passphrase, salt, 1<<logN, 8, 1, 32)
}

// sealIdentity returns the envelope of identity (identity.json's bytes)
// under passphrase, at the scrypt cost logN.
func sealIdentity(identity, passphrase []byte, logN int) ([]byte, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	key, err := envelopeKey(passphrase, salt, logN)
	if err != nil {
		return nil, err
	}
	h, _ := json.Marshal(envelopeHeader{LogN: logN, Salt: base64.StdEncoding.EncodeToString(salt)})
	var buf bytes.Buffer
	buf.WriteString(envelopeMagic)
	buf.Write(h)
	buf.WriteByte('\n')
	s, err := NewSealer(&buf, key)
	if err != nil {
		return nil, err
	}
	s.Write(identity)
	if err := s.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// parseEnvelopeHeader reads an envelope's header from r (untrusted).
func parseEnvelopeHeader(r *bufio.Reader) (logN int, salt []byte, err error) {
	magic := make([]byte, len(envelopeMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != envelopeMagic {
		return 0, nil, errors.New("the remote's identity object is not a Custody identity envelope")
	}
	line, err := r.ReadSlice('\n')
	if err != nil || len(line) > maxEnvelopeHeader {
		return 0, nil, errors.New("the remote's identity envelope has no readable header")
	}
	var h envelopeHeader
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return 0, nil, fmt.Errorf("the remote's identity envelope header: %w", err)
	}
	if h.LogN < keys.MinScryptLogN || h.LogN > keys.MaxScryptLogN {
		return 0, nil, fmt.Errorf("the remote's identity envelope asks for scrypt cost %d, outside %d..%d", h.LogN, keys.MinScryptLogN, keys.MaxScryptLogN)
	}
	salt, err = base64.StdEncoding.DecodeString(h.Salt)
	if err != nil || len(salt) != 16 {
		return 0, nil, errors.New("the remote's identity envelope has no 16-byte salt")
	}
	return h.LogN, salt, nil
}

// openIdentity returns the identity.json bytes an envelope holds.
func openIdentity(envelope io.Reader, passphrase []byte) ([]byte, error) {
	br := bufio.NewReaderSize(envelope, maxEnvelopeHeader+len(envelopeMagic))
	logN, salt, err := parseEnvelopeHeader(br)
	if err != nil {
		return nil, err
	}
	key, err := envelopeKey(passphrase, salt, logN)
	if err != nil {
		return nil, err
	}
	o, err := NewOpener(br, key)
	if err != nil {
		return nil, ErrPassphrase
	}
	b, err := io.ReadAll(io.LimitReader(o, maxIdentity+1))
	if err != nil {
		return nil, ErrPassphrase
	}
	if len(b) > maxIdentity {
		return nil, errors.New("the remote's identity is larger than any identity file")
	}
	return b, nil
}

// identityLogN reads the scrypt cost recorded in identity.json, so the
// envelope costs a guesser what the identity file does.
func identityLogN(identity []byte) int {
	var f struct {
		KDF struct {
			LogN int `json:"log_n"`
		} `json:"kdf"`
	}
	if json.Unmarshal(identity, &f) != nil || f.KDF.LogN < keys.MinScryptLogN || f.KDF.LogN > keys.MaxScryptLogN {
		return keys.DefaultScryptLogN
	}
	return f.KDF.LogN
}
