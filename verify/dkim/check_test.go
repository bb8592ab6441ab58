//go:debug rsa1024min=0

package dkim

import (
	"bufio"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/custody-app/custody/archive/dkimrecord"
	"github.com/custody-app/custody/verify/dkim/dkimtest"
)

var at = time.Date(2024, 3, 7, 12, 0, 0, 0, time.UTC)

func check(t *testing.T, msg string, keys ...dkimtest.Key) dkimrecord.Outcome {
	t.Helper()
	var recs []dkimrecord.Key
	for _, k := range keys {
		recs = append(recs, k.Record)
	}
	o, err := Check(func() (io.Reader, error) { return strings.NewReader(msg), nil }, Options{Keys: recs, At: at})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestOutcomes(t *testing.T) {
	rsaKey := dkimtest.RSA(t, "s2021", "corp.example", 2048)
	ed := dkimtest.Ed25519(t, "ed1", "corp.example")
	stray := dkimtest.RSA(t, "gone", "corp.example", 1024)
	short := dkimtest.RSA(t, "old", "corp.example", 768)
	msg := dkimtest.Message("cfo@corp.example", "Budget", "Line 1 moved.\r\nFrom now on ask me.\r\n")
	good := dkimtest.Sign(t, rsaKey, msg, dkimtest.Opts{})
	folded := "From: cfo@corp.example\r\nTo: board@corp.example,\r\n\tpress@corp.example\r\nSubject: A long\r\n  subject,   folded\r\nDate: Tue, 05 Mar 2024 09:12:00 +0000\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße,  \t \r\nüber   alles\r\n\r\n\r\n"
	cases := []struct {
		name   string
		msg    string
		keys   []dkimtest.Key
		result string
		failed string
		weak   string
	}{
		{"rsa relaxed", good, []dkimtest.Key{rsaKey, ed}, dkimrecord.Valid, "", ""},
		{"rsa simple", dkimtest.Sign(t, rsaKey, msg, dkimtest.Opts{Simple: true}), []dkimtest.Key{rsaKey}, dkimrecord.Valid, "", ""},
		{"ed25519", dkimtest.Sign(t, ed, msg, dkimtest.Opts{}), []dkimtest.Key{rsaKey, ed}, dkimrecord.Valid, "", ""},
		{"attachment", dkimtest.Sign(t, rsaKey, dkimtest.WithAttachment("cfo@corp.example", "Deck", "deck.pdf", dkimtest.PDF()), dkimtest.Opts{}), []dkimtest.Key{rsaKey}, dkimrecord.Valid, "", ""},
		{"LF line ends", strings.ReplaceAll(good, "\r\n", "\n"), []dkimtest.Key{rsaKey}, dkimrecord.Valid, "", ""},
		{"folded, 8-bit, relaxed", dkimtest.Sign(t, rsaKey, folded, dkimtest.Opts{Headers: []string{"From", "To", "Subject", "Date", "Content-Type", "Content-Transfer-Encoding"}}), []dkimtest.Key{rsaKey}, dkimrecord.Valid, "", ""},
		{"folded, 8-bit, simple, LF", strings.ReplaceAll(dkimtest.Sign(t, ed, folded, dkimtest.Opts{Simple: true, Headers: []string{"From", "To", "Subject", "Date"}}), "\r\n", "\n"), []dkimtest.Key{ed}, dkimrecord.Valid, "", ""},
		{"forged body", dkimtest.Replace(t, good, "Line 1 moved.", "Line 2 moved."), []dkimtest.Key{rsaKey}, dkimrecord.Invalid, "body hash", ""},
		{"forged subject", dkimtest.Replace(t, good, "Subject: Budget", "Subject: Budget (final)"), []dkimtest.Key{rsaKey}, dkimrecord.Invalid, "header signature", ""},
		{"missing key", dkimtest.Sign(t, stray, msg, dkimtest.Opts{}), []dkimtest.Key{rsaKey}, dkimrecord.NoKey, "", ""},
		{"unsigned", msg, []dkimtest.Key{rsaKey}, dkimrecord.Unsigned, "", ""},
		{"x= after the recorded time", dkimtest.Sign(t, rsaKey, msg, dkimtest.Opts{Expiration: at.Add(24 * time.Hour)}), []dkimtest.Key{rsaKey}, dkimrecord.Valid, "", ""},
		{"x= before the recorded time", dkimtest.Sign(t, rsaKey, msg, dkimtest.Opts{Expiration: at.Add(-time.Hour)}), []dkimtest.Key{rsaKey}, dkimrecord.Invalid, "signature expired", ""},
		{"key under 1024 bits", dkimtest.Sign(t, short, msg, dkimtest.Opts{}), []dkimtest.Key{short}, dkimrecord.ValidWeak, "", "key of 768 bits"},
		{"subject not signed", dkimtest.Sign(t, rsaKey, msg, dkimtest.Opts{Headers: []string{"From", "To", "Date"}}), []dkimtest.Key{rsaKey}, dkimrecord.ValidWeak, "", "headers not signed: subject"},
		{"a second subject added", "Subject: Resign now\r\n" + good, []dkimtest.Key{rsaKey}, dkimrecord.ValidWeak, "", "headers not signed: subject"},
	}
	for _, c := range cases {
		o := check(t, c.msg, c.keys...)
		if o.Result != c.result || !strings.HasPrefix(o.Failed, c.failed) || strings.Join(o.Weak, "; ") != c.weak {
			t.Errorf("%s: %s, failed %q, weak %q; want %s %q %q", c.name, o.Result, o.Failed, o.Weak, c.result, c.failed, c.weak)
		}
		if !o.At.Equal(at) || !strings.Contains(o.Verifier, "go-msgauth/") {
			t.Errorf("%s: at %v, verifier %q", c.name, o.At, o.Verifier)
		}
	}
	o := check(t, good, rsaKey)
	if o.Domain != "corp.example" || o.Selector != "s2021" || o.KeyHash != rsaKey.Record.Hash() || o.KeySource != "test zone export" || len(o.KeyFP) != 64 {
		t.Errorf("VALID outcome: %+v", o)
	}
	if got := o.Summary(); got != "VALID (d=corp.example, s=s2021)" {
		t.Errorf("summary %q", got)
	}
	back, err := dkimrecord.ParseOutcome(o.Result, o.What(), o.KeySource)
	if err != nil || !back.Agrees(o) || back.KeyFP != o.KeyFP || !back.At.Equal(o.At) {
		t.Errorf("outcome read back: %+v, %v", back, err)
	}
}

// A rotated selector: two records under one name, the first not the
// signing key's.
func TestSeveralRecordsForOneName(t *testing.T) {
	k := dkimtest.RSA(t, "s1", "corp.example", 2048)
	old := dkimtest.RSA(t, "s1", "corp.example", 2048)
	msg := dkimtest.Sign(t, k, dkimtest.Message("a@corp.example", "Hi", "x\r\n"), dkimtest.Opts{})
	if o := check(t, msg, old, k); o.Result != dkimrecord.Valid || o.KeyHash != k.Record.Hash() {
		t.Errorf("%s with key %s, want VALID with %s", o.Result, o.KeyHash, k.Record.Hash())
	}
}

// signOwn signs with the tags go-msgauth's signer does not write (l=,
// rsa-sha1), using this package's canonicalization.
func signOwn(t *testing.T, k dkimtest.Key, msg, algo string, l int64) string {
	br := bufio.NewReader(newCRLF(strings.NewReader(msg)))
	fields, _ := rawHeader(br)
	var h func() hash.Hash = sha256.New
	ch := crypto.SHA256
	if algo == "rsa-sha1" {
		h, ch = sha1.New, crypto.SHA1
	}
	bh := h()
	c := &bodyCanon{w: bh, relaxed: true, limit: l}
	io.Copy(c, br)
	c.Close()
	sig := "DKIM-Signature: v=1; a=" + algo + "; c=relaxed/relaxed; d=" + k.Domain + "; s=" + k.Selector + "; h=from:subject"
	if l >= 0 {
		sig += "; l=" + strconv.FormatInt(l, 10)
	}
	sig += "; bh=" + base64.StdEncoding.EncodeToString(bh.Sum(nil)) + "; b=\r\n"
	hh := h()
	for _, name := range []string{"from", "subject"} {
		for i := len(fields) - 1; i >= 0; i-- {
			if fieldName(fields[i]) == name {
				io.WriteString(hh, canonHeader(fields[i], true))
				break
			}
		}
	}
	io.WriteString(hh, strings.TrimSuffix(canonHeader(sig, true), "\r\n"))
	b, err := rsa.SignPKCS1v15(nil, k.Signer.(*rsa.PrivateKey), ch, hh.Sum(nil))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(sig, "\r\n") + base64.StdEncoding.EncodeToString(b) + "\r\n" + msg
}

func TestWeakSignatures(t *testing.T) {
	k := dkimtest.RSA(t, "s1", "corp.example", 2048)
	msg := "From: a@corp.example\r\nSubject: Pay\r\n\r\nPay the invoice.\r\n"
	o := check(t, signOwn(t, k, msg, "rsa-sha1", -1), k)
	if o.Result != dkimrecord.ValidWeak || strings.Join(o.Weak, ";") != "rsa-sha1" {
		t.Errorf("rsa-sha1: %+v", o)
	}
	lsig := signOwn(t, k, msg, "rsa-sha256", 6)
	o = check(t, lsig+"P.S. to a different account.\r\n", k)
	if o.Result != dkimrecord.ValidWeak || strings.Join(o.Weak, ";") != "l= signs 6 of 48 body bytes" {
		t.Errorf("l=: %+v", o)
	}
	if o = check(t, dkimtest.Replace(t, lsig, "Pay the", "Pax the"), k); o.Result != dkimrecord.Invalid || o.Failed != "body hash" {
		t.Errorf("l= with the signed part changed: %+v", o)
	}
	if o = check(t, signOwn(t, k, msg, "rsa-sha256", 1000), k); o.Result != dkimrecord.Invalid {
		t.Errorf("l= longer than the body: %+v", o)
	}
}

// The own verifier agrees with go-msgauth on what the library verifies.
func TestOwnCodeAgreesWithLibrary(t *testing.T) {
	k := dkimtest.RSA(t, "s1", "corp.example", 2048)
	ed := dkimtest.Ed25519(t, "e1", "corp.example")
	bodies := []string{"", "x", "a  b \t\r\n\r\n\r\n", "\r\n\r\n", " lead\r\ntrail \r\n", "Grüße\r\n", "no end"}
	for _, b := range bodies {
		for _, simple := range []bool{false, true} {
			for _, key := range []dkimtest.Key{k, ed} {
				msg := dkimtest.Sign(t, key, "From: a@corp.example\r\nSubject:  Folded\r\n\tline \r\n\r\n"+b, dkimtest.Opts{Simple: simple, Headers: []string{"From", "Subject"}})
				if o := check(t, msg, key); o.Result != dkimrecord.Valid {
					t.Fatalf("library: %q simple=%v: %+v", b, simple, o)
				}
				br := bufio.NewReader(newCRLF(strings.NewReader(msg)))
				fields, _ := rawHeader(br)
				pk, _ := parseKey(key.Record.TXT)
				res, failed, _ := ownVerify(fields, fields[0], br, pk, at)
				if res != dkimrecord.Valid {
					t.Errorf("own code: %q simple=%v %s: %s %s", b, simple, pk.algo, res, failed)
				}
			}
		}
	}
}

func FuzzCheck(f *testing.F) {
	k := dkimtest.Ed25519(f, "e1", "corp.example")
	f.Add(dkimtest.Sign(f, k, "From: a@corp.example\r\nSubject: x\r\n\r\nbody\r\n", dkimtest.Opts{}))
	f.Add("DKIM-Signature: v=1; a=rsa-sha1; l=5; x=1; d=corp.example; s=e1; h=from; bh=; b=\r\nFrom: a\r\n\r\n")
	f.Fuzz(func(t *testing.T, msg string) {
		o, err := Check(func() (io.Reader, error) { return strings.NewReader(msg), nil }, Options{Keys: []dkimrecord.Key{k.Record}, At: at})
		if err != nil {
			t.Fatal(err)
		}
		if rank(o.Result) >= len(dkimrecord.Results) {
			t.Fatalf("result %q", o.Result)
		}
		if _, err := dkimrecord.ParseOutcome(o.Result, o.What(), o.KeySource); err != nil {
			t.Fatal(err)
		}
	})
}
