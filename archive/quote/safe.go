package quote

import (
	"strings"
	"unicode/utf8"
)

// Safe returns s as a person may read it: every character that could
// move the cursor, clear or recolour a terminal, start a new line, turn
// the text around, or not be text at all is replaced by a visible escape.
// A stranger chooses every name, source, note, tag and path in a bundle;
// shown raw, an ESC sequence can paint a false verdict over the real one,
// a newline can forge a line of output, and U+202E can make "txt.exe"
// read as "exe.txt". Every front end shows outside text through Safe;
// --json output keeps the raw values.
//
// The escapes (one scheme, the same everywhere):
//
//   - a byte of C0 (0x00–0x1F, including TAB, LF, CR and ESC) or DEL
//     (0x7F): \x and two lowercase hex digits (\x09, \x0a, \x1b, \x7f);
//   - a byte that is not part of valid UTF-8: \x and its two hex digits
//     (\xff), never the replacement character;
//   - a C1 control (U+0080–U+009F), a bidi control (U+061C, U+200E,
//     U+200F, U+202A–U+202E, U+2066–U+2069) or a line or paragraph
//     separator (U+2028, U+2029): \u and four lowercase hex digits
//     (\u0085, \u202e);
//   - a backslash is doubled (\\) when what follows it would otherwise
//     read as an escape: a backslash, an x, a u, or an escape. Elsewhere
//     it stays single, so a Windows path reads as itself.
//
// Every other character, spaces and quotes included, is shown as it is.
// Distinct inputs give distinct outputs: reading \\ as one backslash,
// \xNN as a byte and \uNNNN as a character, and any other backslash as
// itself, gives s back. When nothing needs escaping, Safe returns s
// itself without allocating.
func Safe(s string) string {
	i := firstUnsafe(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		switch {
		case c == '\\':
			b.WriteByte('\\')
			if escapedAt(s, i+1) {
				b.WriteByte('\\')
			}
			i++
		case c < utf8.RuneSelf:
			if c < 0x20 || c == 0x7f {
				writeHex(&b, 'x', uint32(c), 2)
			} else {
				b.WriteByte(c)
			}
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				writeHex(&b, 'x', uint32(c), 2)
			case unsafeRune(r):
				writeHex(&b, 'u', uint32(r), 4)
			default:
				b.WriteString(s[i : i+size])
			}
			i += size
		}
	}
	return b.String()
}

// firstUnsafe returns the index of the first byte Safe must change, or
// -1 when s can be shown as it is.
func firstUnsafe(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f || (c == '\\' && escapedAt(s, i+1)) {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			return i
		}
		i += size
	}
	return -1
}

// escapedAt reports whether what Safe shows for s[i:] begins with a
// backslash, an x or a u: then a backslash before it must be doubled.
func escapedAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	switch c := s[i]; {
	case c == '\\' || c == 'x' || c == 'u' || c < 0x20 || c == 0x7f:
		return true
	case c < utf8.RuneSelf:
		return false
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	return (r == utf8.RuneError && size == 1) || unsafeRune(r)
}

// unsafeRune reports whether r (at or above U+0080) is a C1 control, a
// bidi control or a line or paragraph separator.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r == 0x2028, r == 0x2029:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

const hexDigits = "0123456789abcdef"

func writeHex(b *strings.Builder, kind byte, v uint32, digits int) {
	b.WriteByte('\\')
	b.WriteByte(kind)
	for shift := 4 * (digits - 1); shift >= 0; shift -= 4 {
		b.WriteByte(hexDigits[(v>>uint(shift))&0xf])
	}
}
