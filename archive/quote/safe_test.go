package quote

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"report 2024.pdf", "report 2024.pdf"},
		{"Grüße, 日本語 \"quoted\" 'too'", "Grüße, 日本語 \"quoted\" 'too'"},
		{"tab\there", `tab\x09here`},
		{"b\nOK: all documents verified", `b\x0aOK: all documents verified`},
		{"cr\rover", `cr\x0dover`},
		{"data/x\x1b[2J\x1b[H\x1b[32mINTACT", `data/x\x1b[2J\x1b[H\x1b[32mINTACT`},
		{"nul\x00del\x7f", `nul\x00del\x7f`},
		{"c1\u0085\u009b", `c1\u0085\u009b`},
		{"invoice\u202efdp.exe", `invoice\u202efdp.exe`},
		{"\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069", `\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069`},
		{"line\u2028para\u2029", `line\u2028para\u2029`},
		{"bad\xff\xfeutf8", `bad\xff\xfeutf8`},
		{"\xc3", `\xc3`},               // a cut-off two-byte character
		{"\xc3\xa9", "é"},              // the same bytes, whole
		{"\xc2\x85", `\u0085`},         // C1 NEL, valid UTF-8
		{"\x85", `\x85`},               // the lone byte 0x85: not valid UTF-8
		{`C:\Users\Bo`, `C:\Users\Bo`}, // a backslash that reads as itself stays single
		{`a\x1b`, `a\\x1b`},            // the four characters, not an escape
		{`\u202e`, `\\u202e`},
		{`two\\`, `two\\\`},
		{"\\\x1b", `\\\x1b`},
		{`end\`, `end\`},
		{"\u200b\u00ad", "\u200b\u00ad"}, // invisible but not controls: left as they are
	}
	for _, tc := range tests {
		if got := Safe(tc.in); got != tc.want {
			t.Errorf("Safe(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := unescape(Safe(tc.in)); got != tc.in {
			t.Errorf("unescape(Safe(%q)) = %q", tc.in, got)
		}
	}
}

func TestSafeDoesNotAllocateForPlainText(t *testing.T) {
	for _, s := range []string{"", "report.pdf", `C:\Users\Bo\scan 1.tif`, "Grüße 日本語"} {
		if n := testing.AllocsPerRun(100, func() { _ = Safe(s) }); n != 0 {
			t.Errorf("Safe(%q) allocates %v times", s, n)
		}
	}
}

func FuzzSafe(f *testing.F) {
	for _, s := range []string{"", "plain", "a\x1b[2Jb", "b\nOK", "\u202e", "\xff", `\x41`, `\\`, "\\\n", "\u0085\xc2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Safe(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Safe(%q) = %q is not valid UTF-8", s, got)
		}
		for _, r := range got {
			if r < 0x20 || (r >= 0x7f && r <= 0x9f) || unsafeRune(r) {
				t.Fatalf("Safe(%q) = %q holds %U", s, got, r)
			}
		}
		// Distinct inputs give distinct outputs: the output reads back
		// as exactly the input.
		if back := unescape(got); back != s {
			t.Fatalf("Safe(%q) = %q reads back as %q", s, got, back)
		}
		if firstUnsafe(s) < 0 && got != s {
			t.Fatalf("Safe(%q) changed text that needs no escape", s)
		}
	})
}

// unescape reads Safe's output back as the documentation says: \\ is
// one backslash, \xNN a byte, \uNNNN a character, any other backslash
// itself.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			i++
			continue
		}
		switch s[i+1] {
		case '\\':
			b.WriteByte('\\')
			i += 2
			continue
		case 'x':
			if i+4 <= len(s) {
				if v, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
					b.WriteByte(byte(v))
					i += 4
					continue
				}
			}
		case 'u':
			if i+6 <= len(s) {
				if v, err := strconv.ParseUint(s[i+2:i+6], 16, 32); err == nil {
					b.WriteRune(rune(v))
					i += 6
					continue
				}
			}
		}
		b.WriteByte('\\')
		i++
	}
	return b.String()
}
