//go:build !linux

package pack

import "os"

// startWriteback is a no-op where the kernel offers no way to start
// writeback of a range (see writeback_linux.go).
func startWriteback(f *os.File, off, n int64) {}
