// Package syncdir makes the names in a folder durable: after a file is
// created or renamed, the folder itself must be synced, or a power cut can
// lose the name even though the file's bytes were synced.
package syncdir

import (
	"errors"
	"os"
	"runtime"
	"syscall"
)

// Sync syncs the folder dir. Windows cannot sync a folder handle (its file
// systems journal names themselves), and some file systems refuse to sync
// a folder; both count as done.
func Sync(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	err = d.Sync()
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, errors.ErrUnsupported) {
		return nil
	}
	return err
}
