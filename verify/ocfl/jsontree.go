package ocfl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// object is a JSON object read strictly: its keys in file order and
// their values. A key given twice is an error (encoding/json would keep
// the last one silently, another reader the first).
type object struct {
	keys []string
	vals map[string]any
}

func (o *object) get(k string) (any, bool) {
	v, ok := o.vals[k]
	return v, ok
}

// Values are *object, []any, string, json.Number, bool or nil.

const maxDepth = 16

var errTooMany = errors.New("too many values")

// parseJSON reads one JSON value from b, holding at most maxValues values
// (so a hostile inventory's memory stays proportional to its size, which
// the caller bounds), refusing duplicate keys, deep nesting and anything
// after the value.
func parseJSON(b []byte, maxValues int) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	p := &jsonParser{dec: dec, left: maxValues}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("more data after the JSON value")
	}
	return v, nil
}

type jsonParser struct {
	dec  *json.Decoder
	left int
}

func (p *jsonParser) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nested deeper than %d levels", maxDepth)
	}
	if p.left--; p.left < 0 {
		return nil, errTooMany
	}
	tok, err := p.dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &object{vals: map[string]any{}}
			for p.dec.More() {
				kt, err := p.dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				if _, dup := o.vals[k]; dup {
					return nil, &dupKeyError{k}
				}
				o.keys = append(o.keys, k)
				o.vals[k] = v
			}
			_, err := p.dec.Token() // '}'
			return o, err
		case '[':
			var a []any
			for p.dec.More() {
				v, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := p.dec.Token() // ']'
			if a == nil {
				a = []any{}
			}
			return a, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return tok, nil
	}
}

type dupKeyError struct{ key string }

func (e *dupKeyError) Error() string { return fmt.Sprintf("the key %q is given twice", e.key) }

// typeName names a JSON value's type for messages.
func typeName(v any) string {
	switch v.(type) {
	case *object:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "true or false"
	case nil:
		return "null"
	}
	return "a value"
}
