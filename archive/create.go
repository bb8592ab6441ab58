package archive

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// A new archive is built in a temporary folder next to its place
// (".NAME.custody-new-*") and renamed into place once it is complete and
// closed: an init that is refused (a full disk) or killed leaves no
// half-made archive, which every later command would call damaged. A
// folder that already holds other files is used in place, as before.

const asideInfix = ".custody-new-"

// createAside creates the archive for dir aside and renames it into
// place. dir must be missing or an empty folder.
func createAside(dir string, opt Options) error {
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return fmt.Errorf("cannot create the archive folder: %w", err)
	}
	removeStaleAside(parent, base)
	tmp, err := os.MkdirTemp(parent, "."+base+asideInfix+"*")
	if err != nil {
		return fmt.Errorf("cannot create the archive folder: %w", err)
	}
	a, err := openIn(tmp, opt)
	if err == nil {
		err = a.Close()
	}
	if err == nil {
		if rerr := os.Remove(dir); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			err = rerr
		}
	}
	if err == nil {
		err = os.Rename(tmp, dir)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if d, err := os.Open(parent); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// removeStaleAside removes what an interrupted creation of the archive
// named base left in parent.
func removeStaleAside(parent, base string) {
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "."+base+asideInfix) {
			os.RemoveAll(filepath.Join(parent, e.Name()))
		}
	}
}

// emptyOrMissing reports whether dir does not exist or is an empty folder.
func emptyOrMissing(dir string) bool {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return true
	}
	return err == nil && len(entries) == 0
}
