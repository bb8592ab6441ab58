//go:build js && wasm

package main

import "encoding/json"

func marshal(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
