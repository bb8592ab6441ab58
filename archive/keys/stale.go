package keys

import (
	"os"
	"path/filepath"
)

// tempPattern names the temporary file writeFile renames over the
// identity file.
const tempPattern = ".identity-*.tmp"

// RemoveStaleTemp removes the temporary identity files (and those of
// its copy) a process killed
// while writing the identity file left in dir. Such a file is the key
// under a passphrase that never took effect (the rename that would have
// made it the identity never happened), so it is removed rather than
// kept. The caller holds the archive's lock, so no write is in progress.
func RemoveStaleTemp(dir string) {
	for _, pattern := range []string{tempPattern, "." + FileName + "-*.tmp", "." + CopyName + "-*.tmp"} {
		matches, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, m := range matches {
			os.Remove(m)
		}
	}
}
