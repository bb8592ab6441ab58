package gui

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive/archivetest"
)

func TestSafeText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "hello\nworld", "hello\nworld"},
		{"CRLF", "a\r\nb\rc", "a\nb\nc"},
		{"tab", "a\tb", "a    b"},
		{"control characters", "a\x00b\x1bc\x7f", "a·b·c·"},
		{"invalid UTF-8", "a\xffb", "a�b"},
		{"direction override", "invoice_\u202Egpj.exe", "invoice_[U+202E]gpj.exe"},
		{"a rune cut by the limit", "ab\xe2\x82", "ab"},
		{"line separator", "a\u2028b", "a·b"},
	} {
		if got := safeText([]byte(tc.in)); got != tc.want {
			t.Errorf("%s: safeText(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
	long := strings.Repeat("x", 400)
	if lines := strings.Split(safeText([]byte(long)), "\n"); len(lines) != 3 || len(lines[0]) != previewLineWrap {
		t.Errorf("a 400-character line is shown as %d lines", len(lines))
	}
}

func pngOf(w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.NRGBA{R: 255, A: 255})
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

func TestDecodeImage(t *testing.T) {
	img, err := decodeImage("image/png", pngOf(40, 30))
	if err != nil || img.Bounds().Dx() != 40 {
		t.Fatalf("a small PNG: %v", err)
	}
	// A PNG header claiming a huge image is refused before any decoding.
	huge := pngOf(1, 1)
	huge[16], huge[17], huge[18], huge[19] = 0, 0, 0xff, 0xff // width 65535
	huge[20], huge[21], huge[22], huge[23] = 0, 0, 0xff, 0xff // height 65535
	if _, err := decodeImage("image/png", huge); err == nil {
		t.Error("a 65535×65535 image was decoded")
	}
	if _, err := decodeImage("image/svg+xml", []byte("<svg/>")); err == nil {
		t.Error("an SVG was decoded")
	}
	if _, err := decodeImage("image/jpeg", pngOf(2, 2)); err == nil {
		t.Error("a PNG was decoded as a JPEG")
	}
}

func TestPreviewKinds(t *testing.T) {
	files := map[string]string{
		"a.png":  string(pngOf(64, 64)),
		"b.pdf":  "%PDF-1.4\n1 0 obj\n<< /JS (app.alert(1)) >>\nendobj\n",
		"c.html": "<html><script>alert(1)</script><p>hello</p></html>",
		"d.txt":  strings.Repeat("line of text\n", 10000),
	}
	dir := makeArchive(t, archivetest.Options(true), files, "")
	u := openTestUI(t, dir)
	for _, r := range u.main.docs.records(t) {
		pv := makePreview(u.arc, r)
		switch r.FirstName() {
		case "a.png":
			if pv.img == nil {
				t.Errorf("no image preview for a PNG: %s", pv.none)
			}
		case "b.pdf":
			if pv.none == "" || pv.text != "" || pv.img != nil {
				t.Errorf("a PDF was previewed: %+v", pv)
			}
		case "c.html":
			if !strings.Contains(pv.text, "<script>alert(1)</script>") {
				t.Errorf("HTML is not shown as plain text: %q", pv.text)
			}
		case "d.txt":
			if len(pv.text) > previewText || !strings.Contains(pv.note, "first 65.5 kB of 130 kB") {
				t.Errorf("a long text: %d bytes shown, note %q", len(pv.text), pv.note)
			}
		}
	}
}

func TestPassphraseStrength(t *testing.T) {
	for _, tc := range []struct {
		pass string
		min  int
		max  int
	}{
		{"", 0, 0},
		{"password", 1, 1},
		{"aaaaaaaaaaaaaaaaaaaa", 1, 1},
		{"abcdefghijklmnop", 1, 1},
		{"Tr0ub4dor&3", 2, 3},
		{"correct horse battery staple", 2, 2},
		{"quiet river lantern copper meadow orbit", 3, 4},
		{"9#kL!q2@Zp$7^mW*4&xR", 4, 4},
	} {
		if got := passphraseStrength(tc.pass).Level; got < tc.min || got > tc.max {
			t.Errorf("%q rated %d, want %d..%d", tc.pass, got, tc.min, tc.max)
		}
	}
}

func TestWords(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{humanBytes(0), "0 bytes"},
		{humanBytes(1), "1 byte"},
		{humanBytes(999), "999 bytes"},
		{humanBytes(1500), "1.5 kB"},
		{humanBytes(123_456_789), "123 MB"},
		{count(100000), "100,000"},
		{count(-1234), "-1,234"},
		{plural(1, "document", "documents"), "1 document"},
		{plural(2000, "document", "documents"), "2,000 documents"},
		{typeName("message/rfc822"), "Email"},
		{typeName("text/plain; charset=utf-8"), "Text"},
		{typeName("application/vnd.openxmlformats-officedocument.presentationml.presentation"), "Slides"},
		{typeName("application/octet-stream"), "Other"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
