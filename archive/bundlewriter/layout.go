package bundlewriter

import (
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/pathsafe"
)

// assignPaths gives each record its payload path: "data/" and its export
// name (its first name, each part made legal on every desktop system and
// readable by every BagIt tool, see manifestSafe).
// Clashes get " (2)", " (3)"… before the extension, so that no two paths
// are the same file on a case-insensitive, normalising file system (APFS,
// NTFS) and no path is both a file and a folder.
func assignPaths(recs []*catalog.Record) []string {
	files := map[string]bool{} // FoldKey of every file path
	dirs := map[string]bool{}  // FoldKey of every folder path
	out := make([]string, len(recs))
	for i, r := range recs {
		parts := strings.Split(archive.ExportName(r), "/")
		for k := range parts {
			parts[k] = manifestSafe(parts[k])
		}
		// A folder part that is already a file is renamed.
		for k := 0; k < len(parts)-1; k++ {
			orig := parts[k]
			for n := 2; files[pathsafe.FoldKey(strings.Join(parts[:k+1], "/"))]; n++ {
				parts[k] = numbered(orig, n, false)
			}
		}
		dir := strings.Join(parts[:len(parts)-1], "/")
		if dir != "" {
			dir += "/"
		}
		base := parts[len(parts)-1]
		name := dir + base
		for n := 2; files[pathsafe.FoldKey(name)] || dirs[pathsafe.FoldKey(name)]; n++ {
			name = dir + numbered(base, n, true)
		}
		files[pathsafe.FoldKey(name)] = true
		for d := path.Dir(name); d != "."; d = path.Dir(d) {
			dirs[pathsafe.FoldKey(d)] = true
		}
		out[i] = "data/" + name
	}
	return out
}

// manifestSafe maps one path element to a name that every BagIt tool
// reads back from a manifest as written. RFC 8493 asks a manifest to
// percent-encode "%", CR and LF, but tools decode differently (bagit-python
// 1.9 decodes only %0D and %0A, so "100%25 draft.txt" names a file it
// cannot find), and they trim white space at the end of a line. So a
// payload name never needs the encoding: "%" becomes "_" (CR and LF
// already did, with the other control characters), and so does white
// space at the end of an element (a no-break or ideographic space as
// well as a plain one). The original name is kept in custody/names.tsv
// and restored on receipt.
func manifestSafe(el string) string {
	el = strings.ReplaceAll(el, "%", "_")
	trimmed := strings.TrimRightFunc(el, unicode.IsSpace)
	if n := utf8.RuneCountInString(el[len(trimmed):]); n > 0 {
		el = trimmed + strings.Repeat("_", n)
	}
	return el
}

// numbered returns name with " (n)" added before its extension (files) or
// at its end (folders), cut so the result stays within MaxNameBytes.
func numbered(name string, n int, file bool) string {
	ext := ""
	if file {
		ext = path.Ext(name)
		if len(ext) > 16 || ext == name {
			ext = ""
		}
	}
	stem := strings.TrimSuffix(name, ext)
	mark := fmt.Sprintf(" (%d)", n)
	if keep := pathsafe.MaxNameBytes - len(mark) - len(ext); len(stem) > keep {
		for keep > 0 && !utf8.RuneStart(stem[keep]) {
			keep--
		}
		stem = stem[:keep]
	}
	return stem + mark + ext
}
