package archive

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/custody-app/custody/archive/errcode"
	"github.com/custody-app/custody/archive/quote"
)

// An import means what it says: every path it is given must be there and
// readable, or nothing is imported (a typo in a script must not pass as
// an import of nothing), and the archive folder itself is never a
// document: importing it, a folder inside it or a folder holding it would
// sign its wrapped key, lock and store files as evidence. Files below a
// top-level folder that cannot be read are still skipped one by one and
// listed, as before.

// ImportPathRefused is the code of both refusals.
const ImportPathRefused = "IMPORT_PATH_REFUSED"

// CheckImportPaths refuses, before anything is read or written, a
// top-level path that is missing or unreadable, and the archive folder in
// dir, anything inside it or any folder holding it.
func CheckImportPaths(dir string, paths []string) error {
	arc := realPath(dir)
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return errcode.New(ImportPathRefused, fmt.Sprintf("cannot import %s: %s; nothing was imported", quote.Safe(p), plainIOError(err)))
		}
		f, err := os.Open(p)
		if err == nil && fi.IsDir() {
			_, err = f.Readdirnames(1)
			if errors.Is(err, io.EOF) {
				err = nil
			}
		}
		if f != nil {
			f.Close()
		}
		if err != nil {
			return errcode.New(ImportPathRefused, fmt.Sprintf("cannot import %s: %s; nothing was imported", quote.Safe(p), plainIOError(err)))
		}
		if arc == "" {
			continue
		}
		rp := realPath(p)
		switch {
		case rp == arc || within(rp, arc):
			return errcode.New(ImportPathRefused, fmt.Sprintf("%s is the archive folder or inside it: its files are the archive itself, not documents; nothing was imported", quote.Safe(p)))
		case fi.IsDir() && within(arc, rp):
			return errcode.New(ImportPathRefused, fmt.Sprintf("%s holds the archive folder %s: import the folders beside it instead; nothing was imported", quote.Safe(p), quote.Safe(dir)))
		}
	}
	return nil
}

// realPath is p absolute with its links resolved ("" if that fails).
func realPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return ""
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	return abs
}

// within reports whether p is below dir.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
