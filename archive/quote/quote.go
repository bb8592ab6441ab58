// Package quote shortens untrusted text before a message quotes it. A
// manifest line, a checkpoint or a file name read from a bundle can be
// megabytes long; an error that repeats it whole is unreadable and can
// flood a report. Every parser of untrusted input quotes through Clip;
// EscapeInvalid shows a name that is not valid UTF-8.
package quote

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxLen is how many bytes of quoted text a message keeps.
const MaxLen = 80

// Clip returns s, or its first MaxLen bytes (cut at a character
// boundary) followed by "…".
func Clip(s string) string {
	if len(s) <= MaxLen {
		return s
	}
	n := MaxLen
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// EscapeInvalid shows bytes that are not valid UTF-8 as \xNN.
func EscapeInvalid(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			fmt.Fprintf(&b, `\x%02x`, s[i])
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
