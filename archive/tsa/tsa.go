// Package tsa checks RFC 3161 time stamps of checkpoints: what a
// time-stamping authority answered when asked to vouch for one.
//
// A signed checkpoint carries no trustworthy time: the archivist's clock
// could say anything. A time-stamping authority (TSA) signs, with its own
// key and clock, "I saw this SHA-256 at this time"; asked about the exact
// bytes of a checkpoint note, its token proves the checkpoint, and so
// every event below it, existed no later than that time. Together with
// what the checkpoint quotes (the newest event time in it), that makes a
// bracket: not before the events it holds, not after the token's time
// (docs/provenance.md, "Timestamps").
//
// The package is pure: it checks a token against the bytes it should
// vouch for and the roots the person checking trusts. It keeps nothing
// and talks to no one: the archive asks TSAs with archive/tsaclient and
// keeps the tokens next to their checkpoints (archive/tsastore); the
// bundle and proof checkers call Check without linking a store or an
// HTTP client (it compiles to WebAssembly for the browser verifier).
//
// Requests and responses are read and written by
// github.com/digitorus/timestamp (and its pkcs7), the library sigstore's
// timestamp-authority verification uses; the chain is checked here with
// crypto/x509 against the roots given.
package tsa

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/custody-app/custody/archive/quote"
	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"
)

// MaxToken bounds a token read from a bundle, a proof file or a TSA: a
// real one is a few kilobytes (a signature and a short certificate chain).
const MaxToken = 64 << 10

// Errors of Check. A token that fails with one of these must never count
// as evidence of time: it is a problem, not a note.
var (
	// ErrMalformed: the bytes are not a time-stamp token, or its signature
	// does not verify under the certificate it carries.
	ErrMalformed = errors.New("not a valid time-stamp token")
	// ErrOtherHash: the token vouches for other bytes than the checkpoint
	// it was given with.
	ErrOtherHash = errors.New("the time-stamp token is over other bytes than this checkpoint")
)

// Stamp is what a token says, once checked.
type Stamp struct {
	// Time is the TSA's genTime: the checkpoint existed no later than it.
	Time time.Time `json:"time"`
	// Accuracy is the TSA's stated accuracy of Time (0 when not given).
	Accuracy time.Duration `json:"accuracy,omitempty"`
	// TSA names the authority from its signing certificate's subject
	// (untrusted text until Trusted; show it through quote.Safe).
	TSA string `json:"tsa"`
	// Trusted is true when the signing certificate chains, for time
	// stamping, to one of the roots given.
	Trusted bool `json:"trusted"`
	// Why says why it is not trusted (no roots given, unknown root, no
	// time-stamping usage).
	Why string `json:"why,omitempty"`
}

// Words says what the stamp proves, for people: "recorded before
// 2026-12-02 17:41 UTC per <TSA>", the minute rounded up past the TSA's
// stated accuracy so that the words stay true (the name through
// quote.Safe).
func (s *Stamp) Words() string { return RecordedBefore(s.Time, s.Accuracy, s.TSA) }

// RecordedBefore words a time stamp (see Stamp.Words).
func RecordedBefore(t time.Time, accuracy time.Duration, name string) string {
	up := t.UTC().Add(accuracy)
	if r := up.Truncate(time.Minute); r.Before(up) {
		up = r.Add(time.Minute)
	}
	return fmt.Sprintf("recorded before %s UTC per %s", up.Format("2006-01-02 15:04"), quote.Safe(name))
}

// Check checks token against msg (the exact bytes it should vouch for:
// a checkpoint note) and roots (nil or empty: nobody's; the stamp is then
// read but not trusted). It returns ErrMalformed or ErrOtherHash (wrapped)
// when the token is no evidence at all; a token whose chain does not reach
// a given root is returned with Trusted false and the reason.
func Check(token, msg []byte, roots *x509.CertPool) (*Stamp, error) {
	if len(token) == 0 || len(token) > MaxToken {
		return nil, fmt.Errorf("%w: %d bytes", ErrMalformed, len(token))
	}
	if !wellFormed(token, 0) {
		return nil, fmt.Errorf("%w: it is not well-formed DER", ErrMalformed)
	}
	ts, err := parse(token)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrMalformed, quote.Clip(err.Error()))
	}
	if !ts.AddTSACertificate {
		return nil, fmt.Errorf("%w: it carries no certificate, so its signature cannot be checked", ErrMalformed)
	}
	want := sha256.Sum256(msg)
	if ts.HashAlgorithm != crypto.SHA256 || !bytes.Equal(ts.HashedMessage, want[:]) {
		return nil, fmt.Errorf("%w (it vouches for %s %x, the checkpoint's SHA-256 is %x)", ErrOtherHash, ts.HashAlgorithm, ts.HashedMessage, want[:])
	}
	p7, err := parsePKCS7(token)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrMalformed, quote.Clip(err.Error()))
	}
	leaf := p7.GetOnlySigner()
	if leaf == nil {
		return nil, fmt.Errorf("%w: it must have exactly one signer", ErrMalformed)
	}
	st := &Stamp{Time: ts.Time.UTC(), Accuracy: ts.Accuracy, TSA: Name(leaf)}
	st.Trusted, st.Why = chains(leaf, p7.Certificates, ts.Time, roots)
	return st, nil
}

// chains says whether leaf chains to roots for time stamping, at the time
// it stamped.
func chains(leaf *x509.Certificate, certs []*x509.Certificate, at time.Time, roots *x509.CertPool) (bool, string) {
	if roots == nil || roots.Equal(x509.NewCertPool()) {
		return false, "no time-stamping root was given to check it against"
	}
	if !slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageTimeStamping) {
		return false, "its certificate is not for time stamping"
	}
	inter := x509.NewCertPool()
	for _, c := range certs {
		if c != leaf {
			inter.AddCert(c)
		}
	}
	_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}})
	if err != nil {
		return false, "its certificate does not chain to a root given: " + quote.Clip(err.Error())
	}
	return true, ""
}

// Name is what a TSA calls itself in its signing certificate: the common
// name, else the organisation, else the whole subject.
func Name(c *x509.Certificate) string {
	switch {
	case c.Subject.CommonName != "":
		return c.Subject.CommonName
	case len(c.Subject.Organization) > 0:
		return c.Subject.Organization[0]
	}
	return c.Subject.String()
}

// ParseRoots reads the PEM certificates in b into a pool; it refuses a
// file with none.
func ParseRoots(b []byte) (*x509.CertPool, error) {
	certs, err := RootCerts(b)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, nil
}

// RootCerts reads the PEM certificates in b; it refuses a file with none.
func RootCerts(b []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for len(b) > 0 {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("a certificate in the roots file cannot be read: %w", err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("the roots file holds no PEM certificate (\"-----BEGIN CERTIFICATE-----\")")
	}
	return out, nil
}

// maxDepth bounds the nesting wellFormed walks: a token nests about a
// dozen levels deep.
const maxDepth = 48

// wellFormed reports whether b is exactly one DER element whose
// constructed elements all hold well-formed elements, to any depth up to
// maxDepth. The pkcs7 parser reads BER by hand and can index out of range
// on a length that lies; nothing reaches it that encoding/asn1 has not
// read first.
func wellFormed(b []byte, depth int) bool {
	if depth > maxDepth {
		return false
	}
	var v asn1.RawValue
	rest, err := asn1.Unmarshal(b, &v)
	if err != nil || len(rest) != 0 {
		return false
	}
	if !v.IsCompound {
		return true
	}
	for in := v.Bytes; len(in) > 0; {
		var e asn1.RawValue
		r, err := asn1.Unmarshal(in, &e)
		if err != nil || !wellFormed(e.FullBytes, depth+1) {
			return false
		}
		in = r
	}
	return true
}

// parse and parsePKCS7 call the library, turning a panic on input the
// DER walk let through into an error: a stranger's token must never stop
// a check.
func parse(token []byte) (ts *timestamp.Timestamp, err error) {
	defer func() {
		if r := recover(); r != nil {
			ts, err = nil, fmt.Errorf("unreadable token (%v)", r)
		}
	}()
	return timestamp.Parse(token)
}

func parsePKCS7(token []byte) (p7 *pkcs7.PKCS7, err error) {
	defer func() {
		if r := recover(); r != nil {
			p7, err = nil, fmt.Errorf("unreadable token (%v)", r)
		}
	}()
	return pkcs7.Parse(token)
}
