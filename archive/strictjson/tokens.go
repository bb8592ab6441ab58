package strictjson

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/custody-app/custody/archive/quote"
	tlog "golang.org/x/mod/sumdb/tlog"
)

// The token reader: JSON read token by token, for files too large to hold
// as a value (custody/proofs.json) or read a line at a time (events.jsonl),
// so that a key given twice, a number written as a string or with a
// fraction, or anything after the value is refused rather than silently
// resolved one way.

// NewDecoder returns a decoder over b, which must be valid UTF-8 (the
// decoder would otherwise replace bad bytes silently).
func NewDecoder(b []byte) (*json.Decoder, error) {
	if !utf8.Valid(b) {
		return nil, errors.New("not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec, nil
}

// Object reads one JSON object, calling fn for each key to decode its
// value; a key given twice is an error. At the top level (depth 0) it
// also refuses anything after the object.
func Object(dec *json.Decoder, fn func(key string) error) error {
	top := dec.InputOffset() == 0
	if err := delim(dec, '{'); err != nil {
		return err
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return syntax(err)
		}
		key, _ := t.(string)
		if seen[key] {
			return fmt.Errorf("field %q appears twice", key)
		}
		seen[key] = true
		if err := fn(key); err != nil {
			return syntax(err)
		}
	}
	if err := delim(dec, '}'); err != nil {
		return err
	}
	if top {
		if _, err := dec.Token(); err != io.EOF {
			return errors.New("more follows the JSON object")
		}
	}
	return nil
}

// Array reads one JSON array, calling fn for each element.
func Array(dec *json.Decoder, fn func(i int) error) error {
	if err := delim(dec, '['); err != nil {
		return err
	}
	for i := 0; dec.More(); i++ {
		if err := fn(i); err != nil {
			return err
		}
	}
	return delim(dec, ']')
}

func delim(dec *json.Decoder, want json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return syntax(err)
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q, found %v", string(want), t)
	}
	return nil
}

// Count reads a whole number from 0 to 2⁶², written without a sign,
// fraction or exponent.
func Count(dec *json.Decoder, n *int64) error {
	t, err := dec.Token()
	if err != nil {
		return syntax(err)
	}
	num, ok := t.(json.Number)
	if !ok {
		return fmt.Errorf("expected a number, found %v", t)
	}
	s := string(num)
	if s == "" || len(s) > 19 || strings.TrimLeft(s, "0123456789") != "" || len(s) > 1 && s[0] == '0' {
		return fmt.Errorf("%q is not a whole number written plainly", quote.Clip(s))
	}
	v, err := num.Int64()
	if err != nil || v > 1<<62 {
		return fmt.Errorf("%q is too large", quote.Clip(s))
	}
	*n = v
	return nil
}

// Hashes reads a proof: at most max hashes, each 32 bytes in standard
// base64.
func Hashes(dec *json.Decoder, max int, out *[]tlog.Hash) error {
	var list []string
	err := Array(dec, func(i int) error {
		if i >= max {
			return fmt.Errorf("a proof has more than %d hashes", max)
		}
		var s string
		if err := dec.Decode(&s); err != nil {
			return err
		}
		list = append(list, s)
		return nil
	})
	if err != nil {
		return err
	}
	hs := make([]tlog.Hash, len(list))
	for i, s := range list {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(b) != tlog.HashSize || base64.StdEncoding.EncodeToString(b) != s {
			return fmt.Errorf("hash %q is not 32 bytes of standard base64", quote.Clip(s))
		}
		copy(hs[i][:], b)
	}
	*out = hs
	return nil
}

func syntax(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("not valid JSON at byte %d: %v", se.Offset, se)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("field %q has the wrong type (%s)", te.Field, te.Value)
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("the JSON ends too early")
	}
	return err
}
