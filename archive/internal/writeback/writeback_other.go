//go:build !linux

// Package writeback asks the kernel to start writing a file's bytes to
// disk as soon as they are written (see writeback_linux.go); elsewhere it
// does nothing, and the sync at the end writes everything.
package writeback

import "os"

// Start does nothing where the kernel offers no way to start the
// writeback of a range.
func Start(f *os.File, off, n int64) {}
