//go:build !linux

package store

import "os"

// allocate is a no-op where fallocate is missing: Windows maps files
// whole (not sparse), and macOS has no equivalent that Badger's files
// would keep.
func allocate(f *os.File, off, n int64, keepSize bool) error { return nil }
