// Package quote makes untrusted text fit to show. Everything a stranger
// hands over (a bundle's names, manifests and tag files, a document's
// source and notes, a key's self-chosen name) is written by someone who
// may want to fool the reader.
//
// Safe is the one function every front end (command line, window, HTML
// report) shows such text through: control characters, bidi controls and
// invalid UTF-8 become visible escapes, so a name cannot clear the
// terminal, paint a false verdict, forge a line of output or reorder
// itself on screen. Clip shortens text before a message quotes it: a
// manifest line, a checkpoint or a file name read from a bundle can be
// megabytes long, and an error that repeats it whole is unreadable and
// can flood a report. EscapeInvalid shows only the bytes that are not
// valid UTF-8 (for records kept as text, not for the screen).
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
