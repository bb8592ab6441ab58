package keys

import (
	"os"
	"path/filepath"
)

// tempPattern names the temporary file writeFile renames over the
// identity file.
const tempPattern = ".identity-*.tmp"

// RemoveStaleTemp removes the temporary identity files a process killed
// while writing the identity file left in dir. Such a file is the key
// under a passphrase that never took effect (the rename that would have
// made it the identity never happened), so it is removed rather than
// kept. The caller holds the archive's lock, so no write is in progress.
func RemoveStaleTemp(dir string) {
	matches, _ := filepath.Glob(filepath.Join(dir, tempPattern))
	for _, m := range matches {
		os.Remove(m)
	}
}
