package dkim

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/custody-app/custody/archive/dkimrecord"
)

// publicKey is a key record's key as read.
type publicKey struct {
	pub    crypto.PublicKey
	algo   string   // rsa or ed25519
	bits   int      // RSA modulus size
	fp     string   // SHA-256 of the p= bytes, hex
	hashes []string // h= of the record; nil: any
}

func parseKey(txt string) (*publicKey, error) {
	t, err := tags(txt)
	if err != nil {
		return nil, fmt.Errorf("the key record cannot be read: %w", err)
	}
	if v, ok := t["v"]; ok && v != "DKIM1" {
		return nil, errors.New("the key record is not v=DKIM1")
	}
	p := noSpace(t["p"])
	if p == "" {
		return nil, errors.New("the key record is revoked (empty p=)")
	}
	der, err := base64.StdEncoding.DecodeString(p)
	if err != nil {
		return nil, errors.New("the key record's p= is not base64")
	}
	sum := sha256.Sum256(der)
	k := &publicKey{fp: hex.EncodeToString(sum[:])}
	if h, ok := t["h"]; ok {
		for _, x := range strings.Split(h, ":") {
			k.hashes = append(k.hashes, strings.TrimSpace(x))
		}
	}
	switch t["k"] {
	case "", "rsa":
		pub, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			if pub, err = x509.ParsePKCS1PublicKey(der); err != nil {
				return nil, errors.New("the key record's RSA key cannot be read")
			}
		}
		rk, ok := pub.(*rsa.PublicKey)
		if !ok {
			return nil, errors.New("the key record's key is not RSA")
		}
		k.pub, k.algo, k.bits = rk, "rsa", rk.N.BitLen()
	case "ed25519":
		if len(der) != ed25519.PublicKeySize {
			return nil, errors.New("the key record's Ed25519 key has the wrong size")
		}
		k.pub, k.algo = ed25519.PublicKey(der), "ed25519"
	default:
		return nil, fmt.Errorf("unknown key type k=%s", clip(t["k"]))
	}
	return k, nil
}

// ownVerify checks signature field sig of a message (header fields, then
// the body from body) under key, judging x= at at. It is used only where
// go-msgauth refuses (see check.go); its result says which hash failed,
// or VALID / VALID-WEAK with the weaknesses.
func ownVerify(fields []string, sig string, body io.Reader, key *publicKey, at time.Time) (result, failed string, weak []string) {
	t, err := tags(fieldValue(sig))
	if err != nil {
		return dkimrecord.Invalid, "malformed signature: " + err.Error(), nil
	}
	for _, need := range []string{"v", "a", "b", "bh", "d", "h", "s"} {
		if _, ok := t[need]; !ok {
			return dkimrecord.Invalid, "malformed signature: no " + need + "= tag", nil
		}
	}
	if x, ok := t["x"]; ok {
		sec, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			return dkimrecord.Invalid, "malformed signature: x= is not a time", nil
		}
		if exp := time.Unix(sec, 0).UTC(); at.After(exp) {
			return dkimrecord.Invalid, "signature expired (x=" + exp.Format(time.RFC3339) + ", before " + at.UTC().Format(time.RFC3339) + ")", nil
		}
	}
	keyAlgo, hashAlgo, _ := strings.Cut(strings.ToLower(t["a"]), "-")
	if keyAlgo != key.algo {
		return dkimrecord.Invalid, "the key is " + key.algo + ", the signature " + clip(t["a"]), nil
	}
	var h func() hash.Hash
	var ch crypto.Hash
	switch hashAlgo {
	case "sha256":
		h, ch = sha256.New, crypto.SHA256
	case "sha1":
		if keyAlgo != "rsa" {
			return dkimrecord.Invalid, "unknown algorithm " + clip(t["a"]), nil
		}
		h, ch = sha1.New, crypto.SHA1
		weak = append(weak, "rsa-sha1")
	default:
		return dkimrecord.Invalid, "unknown algorithm " + clip(t["a"]), nil
	}
	if key.hashes != nil && !contains(key.hashes, hashAlgo) {
		return dkimrecord.Invalid, "the key record does not allow " + hashAlgo, nil
	}
	if key.algo == "rsa" && key.bits < 1024 {
		weak = append(weak, fmt.Sprintf("key of %d bits", key.bits))
	}
	hc, bc, _ := strings.Cut(strings.ToLower(t["c"]), "/")
	if hc == "" {
		hc = "simple"
	}
	if bc == "" {
		bc = "simple"
	}
	if (hc != "simple" && hc != "relaxed") || (bc != "simple" && bc != "relaxed") {
		return dkimrecord.Invalid, "unknown canonicalization " + clip(t["c"]), nil
	}
	limit := int64(-1)
	if l, ok := t["l"]; ok {
		if limit, err = strconv.ParseInt(l, 10, 64); err != nil || limit < 0 {
			return dkimrecord.Invalid, "malformed signature: l= is not a length", nil
		}
	}
	bh := h()
	bcw := &bodyCanon{w: bh, relaxed: bc == "relaxed", limit: limit}
	if _, err := io.Copy(bcw, body); err != nil {
		return dkimrecord.Invalid, "the body could not be read: " + err.Error(), nil
	}
	bcw.Close()
	if limit >= 0 {
		if limit > bcw.out {
			return dkimrecord.Invalid, fmt.Sprintf("body hash (l=%d is longer than the body's %d bytes)", limit, bcw.out), nil
		}
		weak = append(weak, fmt.Sprintf("l= signs %d of %d body bytes", limit, bcw.out))
	}
	want, err := base64.StdEncoding.DecodeString(noSpace(t["bh"]))
	if err != nil || !bytes.Equal(bh.Sum(nil), want) {
		return dkimrecord.Invalid, "body hash", nil
	}
	hh := h()
	used := map[int]bool{}
	for _, name := range strings.Split(t["h"], ":") {
		name = strings.ToLower(strings.TrimSpace(name))
		for i := len(fields) - 1; i >= 0; i-- {
			if !used[i] && fieldName(fields[i]) == name {
				used[i] = true
				io.WriteString(hh, canonHeader(fields[i], hc == "relaxed"))
				break
			}
		}
	}
	io.WriteString(hh, strings.TrimSuffix(canonHeader(withoutB(sig), hc == "relaxed"), "\r\n"))
	signature, err := base64.StdEncoding.DecodeString(noSpace(t["b"]))
	if err != nil {
		return dkimrecord.Invalid, "malformed signature: b= is not base64", nil
	}
	digest := hh.Sum(nil)
	switch k := key.pub.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < 1024 {
			err = verifyShortRSA(k, ch, digest, signature)
		} else {
			err = rsa.VerifyPKCS1v15(k, ch, digest, signature)
		}
	case ed25519.PublicKey:
		if !ed25519.Verify(k, digest, signature) {
			err = errors.New("bad signature")
		}
	}
	if err != nil {
		return dkimrecord.Invalid, "header signature", nil
	}
	if len(weak) > 0 {
		return dkimrecord.ValidWeak, "", weak
	}
	return dkimrecord.Valid, "", nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// digestInfo is the DER prefix of PKCS #1 v1.5's DigestInfo per hash.
var digestInfo = map[crypto.Hash][]byte{
	crypto.SHA1:   {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14},
	crypto.SHA256: {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20},
}

// verifyShortRSA verifies a PKCS #1 v1.5 signature under an RSA key of
// less than 1024 bits, which crypto/rsa refuses to use (rightly: such a
// key can be factored). The outcome is VALID-WEAK at best, and says so;
// the signature is still worth telling apart from a forgery by anyone
// who did not factor the key.
func verifyShortRSA(pub *rsa.PublicKey, h crypto.Hash, digest, sig []byte) error {
	k := (pub.N.BitLen() + 7) / 8
	if len(sig) != k || pub.E < 2 {
		return errors.New("bad signature")
	}
	s := new(big.Int).SetBytes(sig)
	if s.Cmp(pub.N) >= 0 {
		return errors.New("bad signature")
	}
	em := new(big.Int).Exp(s, big.NewInt(int64(pub.E)), pub.N).FillBytes(make([]byte, k))
	t := append(append([]byte(nil), digestInfo[h]...), digest...)
	if k < len(t)+11 {
		return errors.New("the key is too short for the hash")
	}
	want := make([]byte, k)
	want[1] = 1
	for i := 2; i < k-len(t)-1; i++ {
		want[i] = 0xff
	}
	copy(want[k-len(t):], t)
	if subtle.ConstantTimeCompare(em, want) != 1 {
		return errors.New("bad signature")
	}
	return nil
}
