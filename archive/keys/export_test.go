package keys

import (
	"path/filepath"

	"github.com/custody-app/custody/archive/keycopy"
)

// DeriveRuns counts key derivations (see deriveRuns).
var DeriveRuns = &deriveRuns

// WriteCopyForTest writes the identity's copy holding versions.
func WriteCopyForTest(dir string, versions ...[]byte) error {
	return keycopy.Keep(filepath.Join(dir, FileName), versions...)
}

// CheapKDF lets Create write files at scrypt cost logN 1 until undone.
func CheapKDF() (undo func()) {
	minScryptLogN = 1
	return func() { minScryptLogN = MinScryptLogN }
}
