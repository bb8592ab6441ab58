// Package quote shortens untrusted text before a message quotes it. A
// manifest line, a checkpoint or a file name read from a bundle can be
// megabytes long; an error that repeats it whole is unreadable and can
// flood a report. Every parser of untrusted input quotes through Clip.
package quote

import "unicode/utf8"

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
