package pathsafe

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// reservedStem reports whether a path element names a Windows device. Windows
// compares the part before the first dot (or colon), ignoring case and
// trailing spaces, so "aux.txt", "Con .tar.gz" and "COM¹" are devices too.
func reservedStem(el string) (string, bool) {
	stem := el
	if i := strings.IndexAny(stem, ".:"); i >= 0 {
		stem = stem[:i]
	}
	stem = strings.ToUpper(strings.TrimRight(stem, " "))
	switch stem {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$":
		return stem, true
	}
	if len(stem) < 4 {
		return "", false
	}
	head, tail := stem[:3], stem[3:]
	if head != "COM" && head != "LPT" {
		return "", false
	}
	switch tail {
	case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
		return stem, true
	}
	return "", false
}

// Portable maps one path element (a file or folder name, no slashes
// expected) to a name that Windows, macOS and Linux all accept, and reports
// whether it had to change anything. Names that are already portable come
// back unchanged; callers record the original next to the mapped name.
//
// The mapping: invalid UTF-8 bytes, control characters and
// < > : " | ? * \ / become "_"; a trailing dot or space becomes "_"; a
// reserved device name gets "_" after its stem ("CON.txt" → "CON_.txt");
// "", "." and ".." become "_", "_." and "_.."-like safe names; a name
// longer than 255 bytes is cut at a character boundary, keeping its
// extension, and marked with a short hash of the original so that two
// long names that share a beginning stay apart.
func Portable(name string) (string, bool) {
	switch name {
	case "":
		return "_", true
	case ".":
		return "_", true
	case "..":
		return "__", true
	}
	var b strings.Builder
	for i := 0; i < len(name); {
		r, size := utf8.DecodeRuneInString(name[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteByte('_')
		case r < 0x20 || r == 0x7f || strings.ContainsRune(`<>:"|?*\/`, r):
			b.WriteByte('_')
		default:
			b.WriteString(name[i : i+size])
		}
		i += size
	}
	safe := b.String()
	if _, ok := reservedStem(safe); ok {
		i := strings.IndexByte(safe, '.')
		if i < 0 {
			i = len(safe)
		}
		safe = safe[:i] + "_" + safe[i:]
	}
	if trimmed := strings.TrimRight(safe, ". "); len(trimmed) < len(safe) {
		safe = trimmed + strings.Repeat("_", len(safe)-len(trimmed))
	}
	if len(safe) > MaxNameBytes {
		safe = shorten(name, safe)
	}
	return safe, safe != name
}

// shorten cuts safe to MaxNameBytes, keeping a short extension and adding
// "~" and 8 hex digits of the original name's SHA-256 before it.
func shorten(orig, safe string) string {
	sum := sha256.Sum256([]byte(orig))
	mark := "~" + hex.EncodeToString(sum[:4])
	ext := ""
	if i := strings.LastIndexByte(safe, '.'); i > 0 && len(safe)-i <= 16 {
		ext = safe[i:]
		safe = safe[:i]
	}
	keep := MaxNameBytes - len(mark) - len(ext)
	for keep > 0 && !utf8.RuneStart(safe[keep]) {
		keep--
	}
	return safe[:keep] + mark + ext
}
