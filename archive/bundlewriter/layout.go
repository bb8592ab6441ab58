package bundlewriter

import (
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/pathsafe"
	"github.com/custody-app/custody/archive/quote"
)

// assignPaths gives each record its payload path: "data/" and its export
// name (its first name, each part made legal on every desktop system).
// Clashes get " (2)", " (3)"… before the extension, so that no two paths
// are the same file on a case-insensitive, normalising file system (APFS,
// NTFS) and no path is both a file and a folder.
func assignPaths(recs []*catalog.Record) []string {
	files := map[string]bool{} // FoldKey of every file path
	dirs := map[string]bool{}  // FoldKey of every folder path
	out := make([]string, len(recs))
	for i, r := range recs {
		parts := strings.Split(archive.ExportName(r), "/")
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

// EncodeName writes a name for names.tsv: "%" and the bytes TAB, LF and
// CR become %25, %09, %0A and %0D, and every byte that is not part of
// valid UTF-8 becomes %XX (two uppercase hex digits). The result is valid
// UTF-8 with no TAB or line break, and DecodeName gives back the exact
// bytes.
func EncodeName(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); {
		r, size := utf8.DecodeRuneInString(name[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, "%%%02X", name[i])
		case r == '%' || r == '\t' || r == '\n' || r == '\r':
			fmt.Fprintf(&b, "%%%02X", byte(r))
		default:
			b.WriteString(name[i : i+size])
		}
		i += size
	}
	return b.String()
}

// DecodeName undoes EncodeName. Every "%" must start a two-digit hex
// escape; anything else is an error, so that one line has one meaning.
func DecodeName(s string) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", fmt.Errorf("%q ends in an incomplete %%-escape", quote.Clip(s))
		}
		hi, ok1 := unhex(s[i+1])
		lo, ok2 := unhex(s[i+2])
		if !ok1 || !ok2 {
			return "", fmt.Errorf("%q holds %q, which is not a %%-escape", quote.Clip(s), s[i:i+3])
		}
		b.WriteByte(hi<<4 | lo)
		i += 2
	}
	return b.String(), nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}
