package dkimrecord

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Results of a DKIM check of one message.
const (
	Valid     = "VALID"      // a signature verified under a key record held
	ValidWeak = "VALID-WEAK" // verified, but with a weakness named in Weak
	Invalid   = "INVALID"    // a signature did not verify: Failed says which hash
	NoKey     = "NO KEY"     // signed, but no key record held for its selector
	Unsigned  = "UNSIGNED"   // no DKIM-Signature field
)

// Results lists them from best to worst evidence.
var Results = []string{Valid, ValidWeak, Invalid, NoKey, Unsigned}

// Outcome is what one check of one message concluded, about the signature
// that decided it (the best one when there are several).
type Outcome struct {
	Result    string
	Domain    string    // d=
	Selector  string    // s=
	Algorithm string    // a= (rsa-sha256, ed25519-sha256, rsa-sha1)
	KeyHash   string    // the key record used (Key.Hash), "" when none
	KeySource string    // that record's Source
	KeyFP     string    // SHA-256 of the public key's bytes (p=), hex
	Weak      []string  // why VALID-WEAK: "rsa-sha1", "key of 768 bits", "l= signs 120 of 300 body bytes", "headers not signed: subject"
	Failed    string    // why INVALID: "body hash", "header signature", or what was malformed
	At        time.Time // the time x= was judged at: when the message was recorded in the log
	Verifier  string    // what checked: Custody's version and the library's
	Detail    string    // more words, when useful
}

// Fields of a dkim event: verdict is Result, source is KeySource, what is
// the rest in "tag=value; " form (values never hold ";" or line ends).
func (o Outcome) What() string {
	var parts []string
	add := func(tag, v string) {
		if v != "" {
			parts = append(parts, tag+"="+clean(v))
		}
	}
	add("d", o.Domain)
	add("s", o.Selector)
	add("a", o.Algorithm)
	add("key", o.KeyHash)
	add("fp", o.KeyFP)
	add("weak", strings.Join(o.Weak, ", "))
	add("failed", o.Failed)
	add("at", o.At.UTC().Format(time.RFC3339))
	add("verifier", o.Verifier)
	add("detail", o.Detail)
	return strings.Join(parts, "; ")
}

func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ';' || r == '\n' || r == '\r' {
			return ','
		}
		return r
	}, s)
}

// ParseOutcome reads a dkim event's verdict, what and source back.
func ParseOutcome(verdict, what, source string) (Outcome, error) {
	o := Outcome{Result: verdict, KeySource: source}
	known := false
	for _, r := range Results {
		known = known || r == verdict
	}
	if !known {
		return o, fmt.Errorf("unknown DKIM result %q", clip(verdict))
	}
	if !utf8.ValidString(what) {
		return o, errors.New("a DKIM outcome that is not valid UTF-8")
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(what, "; ") {
		if part == "" {
			continue
		}
		tag, v, ok := strings.Cut(part, "=")
		if !ok || v == "" || strings.ContainsAny(v, ";\r\n") {
			return o, fmt.Errorf("unreadable DKIM outcome part %q", clip(part))
		}
		if seen[tag] {
			return o, fmt.Errorf("DKIM outcome tag %q given twice", clip(tag))
		}
		seen[tag] = true
		switch tag {
		case "d":
			o.Domain = v
		case "s":
			o.Selector = v
		case "a":
			o.Algorithm = v
		case "key":
			o.KeyHash = v
		case "fp":
			o.KeyFP = v
		case "weak":
			o.Weak = strings.Split(v, ", ")
			for _, w := range o.Weak {
				if w == "" || strings.Contains(w, ",") {
					return o, fmt.Errorf("unreadable DKIM weakness list %q", clip(v))
				}
			}
		case "failed":
			o.Failed = v
		case "at":
			t, err := time.Parse(time.RFC3339, v)
			if err != nil || t.UTC().Format(time.RFC3339) != v {
				return o, fmt.Errorf("unreadable DKIM outcome time %q", clip(v))
			}
			o.At = t
		case "verifier":
			o.Verifier = v
		case "detail":
			o.Detail = v
		default:
			return o, fmt.Errorf("unknown DKIM outcome tag %q", clip(tag))
		}
	}
	if o.At.IsZero() {
		return o, errors.New("a DKIM outcome without the time it was judged at")
	}
	return o, nil
}

// Summary is the outcome in one line for people: "VALID (d=corp.example,
// s=s2021)", "INVALID (body hash; d=…)", "VALID-WEAK (rsa-sha1; d=…)".
func (o Outcome) Summary() string {
	var in []string
	if o.Failed != "" {
		in = append(in, o.Failed)
	}
	in = append(in, o.Weak...)
	if o.Domain != "" {
		in = append(in, "d="+o.Domain)
	}
	if o.Selector != "" {
		in = append(in, "s="+o.Selector)
	}
	if len(in) == 0 {
		return o.Result
	}
	return o.Result + " (" + strings.Join(in, ", ") + ")"
}

// Agrees says whether two outcomes of the same message say the same: the
// result, the signature and the key.
func (o Outcome) Agrees(p Outcome) bool {
	return o.Result == p.Result && o.Domain == p.Domain && o.Selector == p.Selector && o.KeyHash == p.KeyHash &&
		o.Failed == p.Failed && strings.Join(o.Weak, ",") == strings.Join(p.Weak, ",")
}
