// Package dkimrecord is the form of the DKIM evidence an archive keeps:
// key records (a selector's DNS TXT record, with where and when it was
// obtained) and outcomes (what a DKIM check of a message concluded, as the
// fields of a dkim log event). It is pure: the archive stores both, the
// checker (verify/dkim) produces outcomes, and a recipient's bundle check
// reads both back without a store.
//
// Keys are rotated and old DNS records vanish, so a message is checked
// against records held, not against today's DNS. A record is identified by
// the SHA-256 of its name and its TXT value (Hash): an outcome names the
// record it used by that hash, so a record carried in a bundle can be
// matched to the outcome that used it, and nobody can swap in another key.
package dkimrecord

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Key is one key record.
type Key struct {
	Selector string `json:"selector"` // lower case
	Domain   string `json:"domain"`   // lower case, without a final dot
	TXT      string `json:"txt"`      // the TXT value, its strings joined
	// Source says where the record came from ("zone export of corp.example
	// from its registrar", "DNS lookup"); Obtained when (UTC).
	Source   string    `json:"source"`
	Obtained time.Time `json:"obtained"`
}

// Name is the DNS name the record was published under.
func (k Key) Name() string { return k.Selector + "._domainkey." + k.Domain }

// Hash is the SHA-256 of the record's name and value: what an outcome
// names. Source and Obtained are not part of it (the same record obtained
// twice is the same record).
func (k Key) Hash() string {
	h := sha256.Sum256([]byte("custody-dkim-key-v1\x00" + k.Name() + "\x00" + k.TXT))
	return hex.EncodeToString(h[:])
}

// Line is the record as a zone file line, the form ParseZone reads.
func (k Key) Line() string {
	var b strings.Builder
	b.WriteString(k.Name() + ". IN TXT")
	for s := k.TXT; ; {
		n := min(len(s), 255)
		b.WriteString(` "` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s[:n]) + `"`)
		s = s[n:]
		if s == "" {
			break
		}
	}
	return b.String()
}

// Limits on what ParseZone reads.
const (
	MaxLine = 64 << 10
	MaxKeys = 10000
)

// ParseZone reads DNS TXT lines as zone exports show them:
//
//	sel._domainkey.example.com. 3600 IN TXT "v=DKIM1; k=rsa; " "p=MIIB..."
//
// A TTL and the class are optional; a value may be split into several
// quoted strings (joined without a separator, as DNS does) and may span
// lines inside parentheses. Lines that are empty, comments (";") or
// records of another type or name are skipped; a _domainkey TXT line
// that cannot be read is an error naming its line.
func ParseZone(r io.Reader, source string, obtained time.Time) ([]Key, error) {
	if strings.TrimSpace(source) == "" {
		return nil, errors.New("say where the key records came from (a source)")
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), MaxLine)
	var keys []Key
	lineNo := 0
	var pending string
	startLine := 0
	for sc.Scan() {
		lineNo++
		line := stripComment(sc.Text())
		if pending == "" {
			startLine = lineNo
		}
		pending += " " + line
		if strings.Count(pending, "(") > strings.Count(pending, ")") {
			continue // a record continued on the next line
		}
		text := strings.NewReplacer("(", " ", ")", " ").Replace(pending)
		pending = ""
		if strings.TrimSpace(text) == "" {
			continue
		}
		k, ok, err := parseLine(text)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", startLine, err)
		}
		if !ok {
			continue
		}
		k.Source, k.Obtained = source, obtained.UTC().Truncate(time.Second)
		if len(keys) == MaxKeys {
			return nil, fmt.Errorf("more than %d key records", MaxKeys)
		}
		keys = append(keys, k)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", lineNo+1, err)
	}
	if pending != "" {
		return nil, fmt.Errorf("line %d: a parenthesis is not closed", startLine)
	}
	return keys, nil
}

// stripComment removes a ";" comment outside quoted strings.
func stripComment(s string) string {
	in := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			in = !in
		case ';':
			if !in {
				return s[:i]
			}
		}
	}
	return s
}

// recordLine is a zone line: name, an optional TTL and class, TXT, value.
var recordLine = regexp.MustCompile(`(?is)^\s*(\S+)\s+(?:(?:\d+[smhdw]?|IN|CH|HS)\s+){0,2}TXT\s+(.*?)\s*$`)

func parseLine(s string) (Key, bool, error) {
	m := recordLine.FindStringSubmatch(s)
	if m == nil {
		return Key{}, false, nil
	}
	name := strings.ToLower(strings.TrimSuffix(m[1], "."))
	sel, dom, ok := strings.Cut(name, "._domainkey.")
	if !ok {
		return Key{}, false, nil
	}
	txt, err := quotedStrings(m[2])
	if err != nil {
		return Key{}, false, err
	}
	if sel == "" || dom == "" || !validName(sel) || !validName(dom) {
		return Key{}, false, fmt.Errorf("%q is not a selector._domainkey.domain name", clip(name))
	}
	if !utf8.ValidString(txt) {
		return Key{}, false, errors.New("the TXT value is not valid UTF-8")
	}
	return Key{Selector: sel, Domain: dom, TXT: txt}, true, nil
}

func validName(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

// quotedStrings joins a TXT record's character strings; an unquoted
// value is taken as one string.
func quotedStrings(s string) (string, error) {
	if !strings.HasPrefix(s, `"`) {
		if s == "" {
			return "", errors.New("the TXT record has no value")
		}
		return s, nil
	}
	var b strings.Builder
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		if s[0] != '"' {
			return "", fmt.Errorf("unexpected %q between the TXT record's strings", clip(s))
		}
		i := 1
		for ; i < len(s) && s[i] != '"'; i++ {
			if s[i] == '\\' && i+1 < len(s) {
				i++
			}
			b.WriteByte(s[i])
		}
		if i == len(s) {
			return "", errors.New("a quoted string of the TXT record is not closed")
		}
		s = s[i+1:]
	}
	return b.String(), nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
