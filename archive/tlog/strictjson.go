package tlog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxJSONDepth bounds nesting in any JSON this package reads; the formats
// it defines never go deeper than three levels.
const maxJSONDepth = 8

// checkKeys walks the JSON text b and rejects what encoding/json would
// silently accept but another reader might read differently: a key given
// twice (also when the two differ only in letter case, which encoding/json
// folds together), keys the format does not define, trailing data and deep
// nesting. allowed is called for every object key with the name of the key
// under which the object sits ("" for the top object; elements of an array
// take the array's key).
func checkKeys(b []byte, allowed func(container, key string) bool) error {
	type frame struct {
		obj       bool
		name      string
		keys      map[string]bool
		expectKey bool
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var stack []*frame
	started := false
	pending := "" // key of the value about to be read
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].obj {
			stack[n-1].expectKey = true
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if !started {
				return errors.New("empty input")
			}
			return nil
		}
		if err != nil {
			return jsonSyntaxError(err)
		}
		if started && len(stack) == 0 {
			return errors.New("unexpected data after the JSON object")
		}
		if !started {
			if d, ok := tok.(json.Delim); !ok || d != '{' {
				return errors.New("not a JSON object")
			}
		}
		started = true
		top := (*frame)(nil)
		if n := len(stack); n > 0 {
			top = stack[n-1]
		}
		if top != nil && top.obj && top.expectKey {
			key, ok := tok.(string)
			if !ok {
				if d, ok := tok.(json.Delim); ok && d == '}' {
					stack = stack[:len(stack)-1]
					valueDone()
					continue
				}
				return errors.New("malformed JSON object")
			}
			folded := strings.ToLower(key)
			if top.keys[folded] {
				return fmt.Errorf("field %q appears twice", key)
			}
			top.keys[folded] = true
			if !allowed(top.name, key) {
				if top.name == "" {
					return fmt.Errorf("unknown field %q", key)
				}
				return fmt.Errorf("unknown field %q in %q", key, top.name)
			}
			top.expectKey = false
			pending = key
			continue
		}
		name := pending
		if top != nil && !top.obj {
			name = top.name
		}
		switch d := tok.(type) {
		case json.Delim:
			switch d {
			case '{', '[':
				if len(stack) >= maxJSONDepth {
					return errors.New("JSON nested too deeply")
				}
				stack = append(stack, &frame{obj: d == '{', name: name, keys: map[string]bool{}, expectKey: d == '{'})
			case ']':
				stack = stack[:len(stack)-1]
				valueDone()
			default:
				return errors.New("malformed JSON object")
			}
		default:
			valueDone()
		}
	}
}

// jsonSyntaxError turns encoding/json's messages into plain ones.
func jsonSyntaxError(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) && strings.Contains(se.Error(), "unexpected end") {
		return errors.New("JSON ends too early")
	}
	if errors.As(err, &se) {
		return fmt.Errorf("not valid JSON at byte %d: %s", se.Offset, strings.TrimPrefix(se.Error(), "json: "))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("JSON ends too early")
	}
	return fmt.Errorf("not valid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// jsonTypeError turns an unmarshal error into a plain one naming the field.
func jsonTypeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("field %q has the wrong type (a JSON %s where a %s belongs)", te.Field, te.Value, te.Type)
	}
	return jsonSyntaxError(err)
}
