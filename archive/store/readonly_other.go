//go:build !windows

package store

// Badger's read-only mode takes a shared lock on the store's folder here,
// beside the archive's own lock; an open that fails for any other reason
// than a crash to recover from is reported as it is.
const (
	bypassReadOnlyLock = false
	fallBackOnAnyError = false
)
