package bundlewriter

import (
	"io/fs"
	"os"
	"path/filepath"
)

// syncEach syncs every regular file under dir, then the folders.
func syncEach(dir string) error {
	return filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.Type().IsRegular() && !e.IsDir() {
			return nil
		}
		flag := os.O_WRONLY
		if e.IsDir() {
			flag = os.O_RDONLY
		}
		f, err := os.OpenFile(p, flag, 0)
		if err != nil {
			if e.IsDir() {
				return nil // some systems cannot open folders for syncing
			}
			return err
		}
		serr := f.Sync()
		cerr := f.Close()
		if e.IsDir() {
			return nil
		}
		if serr != nil {
			return serr
		}
		return cerr
	})
}
