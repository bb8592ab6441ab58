package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxDepth bounds nesting in JSON that CheckKeys accepts; Custody's
// formats never go deeper than three levels.
const MaxDepth = 8

// CheckKeys checks that b is one JSON object and rejects what
// encoding/json would silently accept but another reader might read
// differently: a key given twice (also when the two differ only in letter
// case, which encoding/json folds together), keys the format does not
// define, trailing data and deep nesting. allowed is called for every
// object key with the name of the key under which the object sits (""
// for the top object; elements of an array take the array's key). top,
// when not nil, is called for each key of the top object, with whether
// its value is null.
func CheckKeys(b []byte, allowed func(container, key string) bool, top func(key string, null bool)) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return errors.New("empty input")
	}
	if !json.Valid(b) {
		var v any
		return ExplainSyntax(json.Unmarshal(b, &v))
	}
	// From here b is known to be well-formed JSON, so a plain scan that
	// skips over strings sees its structure exactly.
	type frame struct {
		obj       bool
		name      string
		keys      map[string]bool
		expectKey bool
	}
	start := skipSpace(b, 0)
	if b[start] != '{' {
		return errors.New("not a JSON object")
	}
	var stack []frame // values, and a key set only once an object has a key: a file of millions of "{}" must not cost a map each
	pending := ""
	for i := start; i < len(b); i++ {
		switch c := b[i]; c {
		case '{', '[':
			if len(stack) >= MaxDepth {
				return errors.New("JSON nested too deeply")
			}
			name := pending
			if n := len(stack); n > 0 && !stack[n-1].obj {
				name = stack[n-1].name
			}
			stack = append(stack, frame{obj: c == '{', name: name, expectKey: c == '{'})
		case '}', ']':
			stack = stack[:len(stack)-1]
		case ',':
			if f := &stack[len(stack)-1]; f.obj {
				f.expectKey = true
			}
		case '"':
			end := stringEnd(b, i)
			f := &stack[len(stack)-1]
			if f.obj && f.expectKey {
				key, err := unquote(b[i : end+1])
				if err != nil {
					return err
				}
				folded := strings.ToLower(key)
				if f.keys == nil {
					f.keys = map[string]bool{}
				}
				if f.keys[folded] {
					return fmt.Errorf("field %q appears twice", key)
				}
				f.keys[folded] = true
				if !allowed(f.name, key) {
					if f.name == "" {
						return fmt.Errorf("unknown field %q", key)
					}
					return fmt.Errorf("unknown field %q in %q", key, f.name)
				}
				if top != nil && len(stack) == 1 {
					v := skipSpace(b, skipSpace(b, end+1)+1) // past the colon
					top(key, b[v] == 'n')
				}
				f.expectKey = false
				pending = key
			}
			i = end
		}
	}
	return nil
}

// stringEnd returns the index of the quote closing the string that opens at i.
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return len(b) - 1 // unreachable for valid JSON
}

func unquote(raw []byte) (string, error) {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", ExplainSyntax(err)
	}
	return s, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// ExplainSyntax turns encoding/json's messages into plain ones.
func ExplainSyntax(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se) && strings.Contains(se.Error(), "unexpected end"), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("JSON ends too early")
	case errors.As(err, &se) && strings.Contains(se.Error(), "after top-level value"):
		return errors.New("unexpected data after the JSON object")
	case errors.As(err, &se):
		return fmt.Errorf("not valid JSON at byte %d: %s", se.Offset, strings.TrimPrefix(se.Error(), "json: "))
	}
	return fmt.Errorf("not valid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// ExplainType turns an unmarshal error into a plain one naming the field.
func ExplainType(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("field %q has the wrong type (a JSON %s where a %s belongs)", te.Field, te.Value, te.Type)
	}
	return ExplainSyntax(err)
}
