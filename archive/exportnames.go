package archive

import (
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/custody-app/custody/archive/pathsafe"
)

// exportNames gives every document of one export a path of its own on
// every desktop system, whatever system the export runs on: the folder
// may be copied to macOS or Windows later, where names that differ only
// in letter case or Unicode normalisation (NFC/NFD) are one file. So two
// paths are told apart by their fold key (pathsafe.FoldKey), never by
// their bytes. A document whose name is also a folder of the export ("x"
// beside "x/y.txt") yields: the folder keeps its name, the file gets a
// suffix. Whatever is already in the target folder is left alone by the
// exclusive create that follows (createUnique).
type exportNames struct {
	dirs  map[string]bool // fold keys of the folders the export creates
	files map[string]bool // fold keys of the files placed so far
}

// newExportNames plans for the relative paths (from ExportName) that the
// export will write.
func newExportNames(rels []string) *exportNames {
	n := &exportNames{dirs: map[string]bool{}, files: map[string]bool{}}
	for _, rel := range rels {
		for i := 0; i < len(rel); i++ {
			if rel[i] == '/' {
				n.dirs[pathsafe.FoldKey(rel[:i])] = true
			}
		}
	}
	return n
}

// free reports whether name may be placed: no folder of the export and
// no file already placed has its fold key.
func (n *exportNames) free(name string) bool {
	k := pathsafe.FoldKey(name)
	return !n.dirs[k] && !n.files[k]
}

func (n *exportNames) take(name string) { n.files[pathsafe.FoldKey(name)] = true }

// maxExtension is the longest extension kept when a name is cut or given
// a suffix (pathsafe.Portable keeps the same).
const maxExtension = 16

// suffixed returns the n-th name to try for rel: rel itself for n = 1,
// then "stem (n).ext". The last element is cut at a character boundary,
// keeping its extension, so that it fits pathsafe.MaxNameBytes with the
// suffix.
func suffixed(rel string, n int) string {
	if n <= 1 {
		return rel
	}
	dir, file := path.Split(rel)
	stem, ext := file, ""
	if i := strings.LastIndexByte(file, '.'); i > 0 && len(file)-i <= maxExtension {
		stem, ext = file[:i], file[i:]
	}
	suffix := fmt.Sprintf(" (%d)", n)
	if keep := pathsafe.MaxNameBytes - len(suffix) - len(ext); len(stem) > keep {
		for keep > 0 && !utf8.RuneStart(stem[keep]) {
			keep--
		}
		stem = stem[:keep]
	}
	return dir + stem + suffix + ext
}
