package bundleformat

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/custody-app/custody/archive/quote"
)

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
