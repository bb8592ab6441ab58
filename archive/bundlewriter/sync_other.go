//go:build !linux

package bundlewriter

// syncTree makes every file written under dir durable, one file at a time.
func syncTree(dir string) error { return syncEach(dir) }
