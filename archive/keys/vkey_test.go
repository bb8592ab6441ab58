package keys_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"

	"filippo.io/edwards25519"
	"github.com/custody-app/custody/archive/keys"
	"golang.org/x/mod/sumdb/note"
)

// smallOrder lists encodings of the eight points of small order, first in
// canonical form, then non-canonical ones (field element not reduced, or
// x = 0 with the sign bit set). Catalogue row B19.
var smallOrder = []string{
	"0100000000000000000000000000000000000000000000000000000000000000", // identity
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2
	"0000000000000000000000000000000000000000000000000000000000000080", // order 4
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
	"0000000000000000000000000000000000000000000000000000000000000000", // all zero, order 4
	"0100000000000000000000000000000000000000000000000000000000000080", // identity, x sign set
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // order 2, x sign set
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // identity, y = p+1
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 4, y = p
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
}

// rawKey builds a syntactically valid verifier key for any 32 bytes, as
// an attacker would; note.NewEd25519VerifierKey checks nothing else.
func rawKey(t testing.TB, pub []byte) string {
	t.Helper()
	k, err := note.NewEd25519VerifierKey("someone", pub)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSmallOrderTableIsRight(t *testing.T) {
	for _, h := range smallOrder {
		p, err := new(edwards25519.Point).SetBytes(unhexT(t, h))
		if err != nil {
			t.Fatalf("%s is not a point: %v", h, err)
		}
		if new(edwards25519.Point).MultByCofactor(p).Equal(edwards25519.NewIdentityPoint()) != 1 {
			t.Errorf("%s is not of small order", h)
		}
	}
}

func TestWeakKeysRefused(t *testing.T) {
	for i, h := range smallOrder {
		_, _, err := keys.ParseVerifierKey(rawKey(t, unhexT(t, h)))
		if err == nil {
			t.Errorf("%s accepted", h)
			continue
		}
		canonical := i < 8
		if canonical && !errors.Is(err, keys.ErrWeakKey) {
			t.Errorf("%s: %v, want ErrWeakKey", h, err)
		}
		if c := keys.Code(err); c != "VERIFIER_KEY_WEAK" && c != "VERIFIER_KEY_MALFORMED" {
			t.Errorf("%s: code %q", h, c)
		}
	}
}

// TestWhyWeakKeysMatter shows the danger: with the identity point as public
// key, one fixed "signature" verifies any note under note's own parser.
func TestWhyWeakKeysMatter(t *testing.T) {
	vkey := rawKey(t, unhexT(t, smallOrder[0]))
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	forged := append(unhexT(t, smallOrder[0]), make([]byte, 32)...) // R = identity, S = 0
	for _, msg := range []string{"anything\n", "custody.app/x\n99\nAAAA\n"} {
		if !v.Verify([]byte(msg), forged) {
			t.Skip("this Go release rejects the identity public key itself")
		}
	}
	if _, _, err := keys.ParseVerifierKey(vkey); !errors.Is(err, keys.ErrWeakKey) {
		t.Fatalf("ParseVerifierKey = %v, want ErrWeakKey", err)
	}
}

func TestParseVerifierKeyAcceptsRealKeys(t *testing.T) {
	_, vkey, err := note.GenerateKey(rand.Reader, "example.org/log")
	if err != nil {
		t.Fatal(err)
	}
	v, info, err := keys.ParseVerifierKey(vkey)
	if err != nil {
		t.Fatalf("%s: %v", vkey, err)
	}
	if v.Name() != "example.org/log" || info.Name != v.Name() || info.KeyHash != v.KeyHash() || info.VerifierKey != vkey {
		t.Errorf("verifier %s/%08x, info %+v", v.Name(), v.KeyHash(), info)
	}
	if info.Fingerprint != keys.FingerprintOf(info.PublicKey) {
		t.Errorf("fingerprint %q", info.Fingerprint)
	}
}

func TestParseVerifierKeyRefuses(t *testing.T) {
	// A key whose 8-digit hash holds a letter, so that the upper-case case
	// differs from it (about 1 key in 40 has a hash of digits only).
	var good, name, rest, hash, key64 string
	for {
		pub, _, _ := ed25519.GenerateKey(rand.Reader)
		good = rawKey(t, pub)
		name, rest, _ = strings.Cut(good, "+")
		hash, key64, _ = strings.Cut(rest, "+")
		if strings.ToUpper(hash) != hash {
			break
		}
	}
	raw, _ := base64.StdEncoding.DecodeString(key64)
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	withAlg := func(alg byte) string { return b64(append([]byte{alg}, raw[1:]...)) }
	tests := []struct {
		name, vkey string
		want       error
	}{
		{"empty", "", keys.ErrBadVerifierKey},
		{"no plus", "someone", keys.ErrBadVerifierKey},
		{"two parts", name + "+" + hash, keys.ErrBadVerifierKey},
		{"space in name", "some one+" + rest, keys.ErrBadVerifierKey},
		{"empty name", "+" + rest, keys.ErrBadVerifierKey},
		{"control char in name", "some\x00one+" + rest, keys.ErrBadVerifierKey},
		{"invalid UTF-8 name", "some\xffone+" + rest, keys.ErrBadVerifierKey},
		{"long name", strings.Repeat("n", 129) + "+" + rest, keys.ErrBadVerifierKey},
		{"short hash", name + "+" + hash[:7] + "+" + key64, keys.ErrBadVerifierKey},
		{"upper-case hash", name + "+" + strings.ToUpper(hash) + "+" + key64, keys.ErrBadVerifierKey},
		{"hash not hex", name + "+zzzzzzzz+" + key64, keys.ErrBadVerifierKey},
		{"other name, same hash", "someone-else+" + rest, keys.ErrVerifierKeyHash},
		{"key not base64", name + "+" + hash + "+!!!!", keys.ErrBadVerifierKey},
		{"newline inside base64", name + "+" + hash + "+" + key64[:8] + "\n" + key64[8:], keys.ErrBadVerifierKey},
		{"carriage return inside base64", name + "+" + hash + "+" + key64 + "\r", keys.ErrBadVerifierKey},
		{"empty key", name + "+" + hash + "+", keys.ErrBadVerifierKey},
		{"algorithm 2", name + "+" + hash + "+" + withAlg(2), keys.ErrUnsupportedKey},
		{"algorithm 0", name + "+" + hash + "+" + withAlg(0), keys.ErrUnsupportedKey},
		{"31-byte key", name + "+" + hash + "+" + b64(raw[:32]), keys.ErrBadVerifierKey},
		{"33-byte key", name + "+" + hash + "+" + b64(append(raw, 0)), keys.ErrBadVerifierKey},
		{"very long", good + strings.Repeat("A", 600), keys.ErrBadVerifierKey},
		{"trailing newline", good + "\n", keys.ErrBadVerifierKey},
		{"leading space", " " + good, keys.ErrBadVerifierKey},
		{"not on the curve", rawKey(t, notOnCurve(t)), keys.ErrBadVerifierKey},
		{"non-canonical point", rawKey(t, nonCanonicalPoint(t)), keys.ErrBadVerifierKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, info, err := keys.ParseVerifierKey(tt.vkey)
			if !errors.Is(err, tt.want) || v != nil || info != nil {
				t.Errorf("ParseVerifierKey(%q) = %v, want %v", tt.vkey, err, tt.want)
			}
		})
	}
}

// notOnCurve returns 32 bytes that decode to no curve point.
func notOnCurve(t *testing.T) []byte {
	for i := 2; i < 256; i++ {
		b := make([]byte, 32)
		b[0] = byte(i)
		if _, err := new(edwards25519.Point).SetBytes(b); err != nil {
			return b
		}
	}
	t.Fatal("no invalid encoding found")
	return nil
}

// nonCanonicalPoint returns y = p + k for some small k: a valid point of
// large order written with an unreduced field element.
func nonCanonicalPoint(t *testing.T) []byte {
	for k := 2; k <= 18; k++ {
		b := unhexT(t, "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")
		b[0] += byte(k)
		p, err := new(edwards25519.Point).SetBytes(b)
		if err == nil && new(edwards25519.Point).MultByCofactor(p).Equal(edwards25519.NewIdentityPoint()) != 1 {
			return b
		}
	}
	t.Fatal("no non-canonical point found")
	return nil
}

// TestNonCanonicalSignatureRefused adds the group order L to S: the same
// signature in a second form must not verify (catalogue row B19).
func TestNonCanonicalSignatureRefused(t *testing.T) {
	_, id := create(t, false)
	v, _, err := keys.ParseVerifierKey(id.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("custody.app/x\n1\nAAAA\n")
	sig, _ := id.Signer().Sign(msg)
	if !v.Verify(msg, sig) {
		t.Fatal("good signature refused")
	}
	l, _ := new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)
	s := new(big.Int).SetBytes(reverse(sig[32:]))
	s.Add(s, l)
	bad := append(append([]byte(nil), sig[:32]...), reverse(s.FillBytes(make([]byte, 32)))...)
	if v.Verify(msg, bad) {
		t.Error("signature with S + L verified")
	}
}

func reverse(b []byte) []byte {
	r := make([]byte, len(b))
	for i := range b {
		r[len(b)-1-i] = b[i]
	}
	return r
}

func unhexT(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
