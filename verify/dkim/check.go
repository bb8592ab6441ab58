// Package dkim checks the DKIM signatures of a message offline, against
// key records the archive holds (archive/dkimrecord), at a given time.
//
// The verification is go-msgauth's (github.com/emersion/go-msgauth/dkim):
// its LookupTXT is served from the records given, never from the network
// (a front end that wants DNS passes a lookup that records what it found
// first). go-msgauth cannot do three things an archive needs, so this
// package adds the least code that does them (own.go, canon.go):
//
//   - judge x= at a given time: go-msgauth compares it with the clock,
//     and an archive judges it at the time the message was recorded in
//     its log (VerifyOptions has no time). A signature the library calls
//     expired is checked again by own code at that time.
//   - say VALID-WEAK: the library refuses rsa-sha1, RSA keys under 1024
//     bits and l= outright (rightly, for a mail server's decision), but a
//     newsroom wants to know such a signature verified, and why it is
//     weak. Own code verifies these and names the weakness.
//   - say which selector and key: Verification has no selector, key or
//     algorithm, so the signature field's tags are read here too.
//
// A test checks the own code against go-msgauth on every message the
// library verifies, so the two cannot drift apart unnoticed.
package dkim

import (
	"bufio"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"time"

	msgauth "github.com/emersion/go-msgauth/dkim"

	"github.com/custody-app/custody/archive/dkimrecord"
)

// Options are a check's inputs besides the message.
type Options struct {
	Keys []dkimrecord.Key
	// At is when x= is judged: when the message was recorded in the log.
	At time.Time
}

// MaxSignatures bounds the signatures checked in one message.
const MaxSignatures = 8

// Verifier names what checks: this package's rules and the library's
// version.
func Verifier() string { return "custody-dkim/1 go-msgauth/" + libVersion() }

func libVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/emersion/go-msgauth" {
				return d.Version
			}
		}
	}
	return "v0.7.0"
}

// sigInfo is one DKIM-Signature field as read.
type sigInfo struct {
	field         string
	d, s, a       string
	keys          []dkimrecord.Key
	err           error // the field's tags cannot be read
	unsignedExtra []string
}

// Check checks the message open gives (it may be called several times,
// each giving the message from its start) and returns the outcome of its
// best signature. An error is a failure to read the message, never a
// verdict.
func Check(open func() (io.Reader, error), opt Options) (dkimrecord.Outcome, error) {
	out := dkimrecord.Outcome{At: opt.At.UTC().Truncate(time.Second), Verifier: Verifier()}
	r, err := open()
	if err != nil {
		return out, err
	}
	fields, err := rawHeader(bufio.NewReader(newCRLF(r)))
	if err != nil {
		out.Result, out.Failed = dkimrecord.Invalid, "the message's header cannot be read: "+err.Error()
		return out, nil
	}
	byName := map[string][]dkimrecord.Key{}
	for _, k := range opt.Keys {
		byName[k.Name()] = append(byName[k.Name()], k)
	}
	var sigs []*sigInfo
	for _, f := range fields {
		if fieldName(f) != "dkim-signature" {
			continue
		}
		si := &sigInfo{field: f}
		t, err := tags(fieldValue(f))
		if err != nil {
			si.err = err
		} else {
			si.d, si.s, si.a = strings.ToLower(noSpace(t["d"])), strings.ToLower(noSpace(t["s"])), noSpace(t["a"])
			si.keys = byName[si.s+"._domainkey."+si.d]
			si.unsignedExtra = unsignedHeaders(fields, t["h"])
		}
		sigs = append(sigs, si)
		if len(sigs) == MaxSignatures {
			break
		}
	}
	if len(sigs) == 0 {
		out.Result = dkimrecord.Unsigned
		return out, nil
	}
	// One round per key record of the name with the most: the library
	// refuses a name with several TXT records, so each round serves one.
	rounds := 1
	for _, s := range sigs {
		rounds = max(rounds, len(s.keys))
	}
	best := dkimrecord.Outcome{}
	for round := 0; round < rounds; round++ {
		served := func(si *sigInfo) (dkimrecord.Key, bool) {
			if len(si.keys) == 0 {
				return dkimrecord.Key{}, false
			}
			return si.keys[min(round, len(si.keys)-1)], true
		}
		lookup := func(name string) ([]string, error) {
			for _, si := range sigs {
				if si.s+"._domainkey."+si.d == strings.ToLower(name) {
					if k, ok := served(si); ok {
						return []string{k.TXT}, nil
					}
				}
			}
			return nil, fmt.Errorf("no key record held for %s", name)
		}
		r, err := open()
		if err != nil {
			return out, err
		}
		src := &watched{r: r}
		verifs, err := msgauth.VerifyWithOptions(newCRLF(src), &msgauth.VerifyOptions{LookupTXT: lookup, MaxVerifications: MaxSignatures})
		if src.err != nil {
			return out, src.err
		}
		if err != nil && err != msgauth.ErrTooManySignatures {
			out.Result, out.Failed = dkimrecord.Invalid, "the message cannot be read as mail: "+strings.TrimPrefix(err.Error(), "dkim: ")
			return out, nil
		}
		for i, v := range verifs {
			if i >= len(sigs) {
				break
			}
			k, ok := served(sigs[i])
			o, err := judge(open, fields, sigs[i], v, k, ok, out)
			if err != nil {
				return out, err
			}
			if best.Result == "" || better(o, best) {
				best = o
			}
		}
	}
	return best, nil
}

// judge turns the library's verification of one signature into an
// outcome, checking again with own code where the library refuses.
func judge(open func() (io.Reader, error), fields []string, si *sigInfo, v *msgauth.Verification, k dkimrecord.Key, haveKey bool, base dkimrecord.Outcome) (dkimrecord.Outcome, error) {
	o := base
	o.Domain, o.Selector, o.Algorithm = si.d, si.s, si.a
	if si.err != nil {
		o.Result, o.Failed = dkimrecord.Invalid, "malformed signature: "+si.err.Error()
		return o, nil
	}
	if !haveKey {
		o.Result = dkimrecord.NoKey
		return o, nil
	}
	o.KeyHash, o.KeySource = k.Hash(), k.Source
	key, kerr := parseKey(k.TXT)
	if kerr == nil {
		o.KeyFP = key.fp
	}
	msg := ""
	if v.Err != nil {
		msg = v.Err.Error()
	}
	switch {
	case v.Err == nil:
		o.Result = dkimrecord.Valid
	case kerr != nil:
		o.Result, o.Failed = dkimrecord.Invalid, kerr.Error()
		return o, nil
	case strings.Contains(msg, "signature has expired"), strings.Contains(msg, "hash algorithm too weak"),
		strings.Contains(msg, "key is too short"), strings.Contains(msg, "insecure body length tag"):
		r, err := open()
		if err != nil {
			return o, err
		}
		br := bufio.NewReader(newCRLF(r))
		if _, err := rawHeader(br); err != nil {
			return o, err
		}
		var weak []string
		o.Result, o.Failed, weak = ownVerify(fields, si.field, br, key, base.At)
		o.Weak = append(o.Weak, weak...)
		if o.Result == dkimrecord.Invalid {
			o.Weak = nil
		}
	case strings.Contains(msg, "body hash did not verify"):
		o.Result, o.Failed = dkimrecord.Invalid, "body hash"
	case strings.Contains(msg, "signature did not verify"):
		o.Result, o.Failed = dkimrecord.Invalid, "header signature"
	default:
		o.Result, o.Failed = dkimrecord.Invalid, strings.TrimPrefix(msg, "dkim: ")
	}
	if o.Result == dkimrecord.Valid || o.Result == dkimrecord.ValidWeak {
		if len(si.unsignedExtra) > 0 {
			o.Weak = append(o.Weak, "headers not signed: "+strings.Join(si.unsignedExtra, ", "))
		}
		if len(o.Weak) > 0 {
			o.Result = dkimrecord.ValidWeak
		}
	}
	return o, nil
}

// rank orders results: a valid signature decides over an invalid one (a
// list server may add a signature and break the author's), an invalid
// one over a missing key.
func rank(r string) int {
	for i, x := range dkimrecord.Results {
		if x == r {
			return i
		}
	}
	return len(dkimrecord.Results)
}

func better(a, b dkimrecord.Outcome) bool {
	if rank(a.Result) != rank(b.Result) {
		return rank(a.Result) < rank(b.Result)
	}
	return len(a.Weak) < len(b.Weak)
}

// readerFacing are the header fields a reader relies on: an instance of
// one that the signature does not cover (not signed at all, or added
// beyond the instances signed, which over-signing prevents) is named.
var readerFacing = []string{"from", "sender", "reply-to", "to", "cc", "subject", "date"}

func unsignedHeaders(fields []string, h string) []string {
	signed := map[string]int{}
	for _, n := range strings.Split(h, ":") {
		signed[strings.ToLower(strings.TrimSpace(n))]++
	}
	have := map[string]int{}
	for _, f := range fields {
		have[fieldName(f)]++
	}
	var out []string
	for _, n := range readerFacing {
		if have[n] > signed[n] {
			out = append(out, n)
		}
	}
	return out
}

// watched remembers a read error of the message itself (a damaged
// document), which is not a verdict about its signatures.
type watched struct {
	r   io.Reader
	err error
}

func (w *watched) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if err != nil && err != io.EOF && w.err == nil {
		w.err = err
	}
	return n, err
}
