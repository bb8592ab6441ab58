// Package web makes the browser verifier: one self-contained HTML page
// that checks a bundle on the reader's computer with the very code of
// `custody bundle verify` (verify/bundle compiled to WebAssembly, run in
// a Web Worker), with no network and nothing to install. See
// docs/verify-in-browser.md.
//
// The WebAssembly is generated (go generate ./app/web, which make build
// runs) into gen/ and embedded from there; a binary built without it
// still builds, and Page says how to build it.
package web

//go:generate go run ./genwasm

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

//go:embed assets/page.html assets/page.js assets/worker.js
var assets embed.FS

//go:embed gen
var gen embed.FS

// ErrNotBuilt is Page's error in a binary built without the verifier.
var ErrNotBuilt = errors.New("this custody was built without the browser verifier: build it with `make build` " +
	"(or `go generate ./app/web` before `go build`)")

// Page returns the verifier page, built from the embedded WebAssembly.
func Page() ([]byte, error) {
	wasmGz, err1 := fs.ReadFile(gen, "gen/verifier.wasm.gz")
	loader, err2 := fs.ReadFile(gen, "gen/wasm_exec.js")
	if err1 != nil || err2 != nil {
		return nil, ErrNotBuilt
	}
	return PageWith(wasmGz, loader)
}

// PageWith returns the page for the given gzipped WebAssembly and its
// wasm_exec.js (tests build both fresh).
func PageWith(wasmGz, loader []byte) ([]byte, error) {
	read := func(name string) string {
		b, _ := fs.ReadFile(assets, "assets/"+name)
		return string(b)
	}
	parts := []struct{ mark, text string }{
		{"/*WASM*/", base64.StdEncoding.EncodeToString(wasmGz)},
		{"/*WASM_EXEC*/", string(loader)},
		{"/*WORKER*/", read("worker.js")},
		{"/*PAGE*/", read("page.js")},
	}
	page := read("page.html")
	for _, p := range parts {
		// Inline script text must not close its element early.
		if strings.Contains(strings.ToLower(p.text), "</script") {
			return nil, fmt.Errorf("the page's %s holds </script", p.mark)
		}
		if strings.Count(page, p.mark) != 1 {
			return nil, fmt.Errorf("the page template lacks %s", p.mark)
		}
		page = strings.Replace(page, p.mark, p.text, 1)
	}
	return []byte(page), nil
}

// Sum is the page's SHA-256 in hex, as docs/verify-in-browser.md has a
// recipient compare it.
func Sum(page []byte) string {
	s := sha256.Sum256(page)
	return hex.EncodeToString(s[:])
}

// Size is the page's size in MB, one decimal, for a tick box's label.
func Size(page []byte) string {
	return fmt.Sprintf("%.1f MB", float64(len(page))/1e6)
}
