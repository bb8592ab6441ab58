// Command genwasm builds the browser verifier into app/web/gen: the
// WebAssembly of app/web/wasm, gzipped, and the wasm_exec.js of the Go
// toolchain that built it (the two must match). It runs from app/web
// (go generate ./app/web) and from make build.
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "genwasm:", err)
		os.Exit(1)
	}
}

func run() error {
	tmp, err := os.MkdirTemp("", "custody-wasm-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	wasm := filepath.Join(tmp, "verifier.wasm")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", wasm, "./wasm")
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building the WebAssembly: %w", err)
	}
	raw, err := os.ReadFile(wasm)
	if err != nil {
		return err
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		return err
	}
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %w", err)
	}
	root := strings.TrimSpace(string(out))
	loader, err := os.ReadFile(filepath.Join(root, "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		loader, err = os.ReadFile(filepath.Join(root, "misc", "wasm", "wasm_exec.js")) // before Go 1.24
	}
	if err != nil {
		return fmt.Errorf("the Go toolchain's wasm_exec.js: %w", err)
	}
	if err := os.WriteFile(filepath.Join("gen", "wasm_exec.js"), loader, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join("gen", "verifier.wasm.gz"), gz.Bytes(), 0o644)
}
