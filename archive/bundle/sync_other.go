//go:build !linux

package bundle

import "os"

// syncTree makes every file written under dir durable, one file at a time.
func syncTree(dir string) error { return syncEach(dir) }

// startWriteback does nothing where the kernel offers no way to start a
// file's writeback; the sync in finish writes everything.
func startWriteback(f *os.File) {}
