package bundleformat

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEncodeName(t *testing.T) {
	for name, want := range map[string]string{
		"plain/name.txt": "plain/name.txt",
		"100% sure":      "100%25 sure",
		"a\tb\nc\rd":     "a%09b%0Ac%0Dd",
		"bad\xffbyte":    "bad%FFbyte",
		"é":              "é",
	} {
		if got := EncodeName(name); got != want {
			t.Errorf("EncodeName(%q) = %q, want %q", name, got, want)
		}
		if back, err := DecodeName(want); err != nil || back != name {
			t.Errorf("DecodeName(%q) = %q %v", want, back, err)
		}
	}
}

func FuzzEncodeName(f *testing.F) {
	f.Add("100% \t\n\r\xff")
	f.Fuzz(func(t *testing.T, name string) {
		enc := EncodeName(name)
		if !utf8.ValidString(enc) || strings.ContainsAny(enc, "\t\n\r") {
			t.Fatalf("encoded %q as %q", name, enc)
		}
		back, err := DecodeName(enc)
		if err != nil || back != name {
			t.Fatalf("%q → %q → %q %v", name, enc, back, err)
		}
		DecodeName(name) // any input: an error or a value, never a panic
	})
}
