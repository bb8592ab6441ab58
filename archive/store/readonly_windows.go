//go:build windows

package store

// Badger refuses its read-only mode on Windows only because its directory
// lock has no shared form there; every file it then opens is opened
// read-only and mapped read-only. The archive's own lock (or read-only
// media) keeps writers out, so the read-only open leaves Badger's lock
// out. Should the read-only open still fail for a reason that is not
// damage, the shadow is read instead.
const (
	bypassReadOnlyLock = true
	fallBackOnAnyError = true
)
