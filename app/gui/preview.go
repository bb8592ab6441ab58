package gui

import (
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"mime"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/quote"
)

// Preview bounds. Leaked material may be hostile: text is shown as plain
// characters (never markup), at most its first previewText bytes; images
// are decoded only as PNG, JPEG or GIF, only when small, and only after
// their declared dimensions were checked. Nothing is ever handed to
// another program.
const (
	previewText     = 64 << 10
	previewImage    = 8 << 20
	previewPixels   = 40_000_000
	previewLineWrap = 160
)

// preview is what loadPreview found, built off the UI goroutine.
type preview struct {
	text    string      // plain text, made safe to show
	headers [][2]string // email headers worth a glance
	img     image.Image // a decoded image
	none    string      // why there is no preview
	note    string      // e.g. "first 64 kB of 3.1 MB"
	wrap    bool        // prose (an e-mail): wrapped at the window's width
}

// loadPreview reads and decodes the preview off the UI goroutine.
func (u *ui) loadPreview(p *detailPage) {
	a, r := u.arc, p.rec
	u.goWork(func() {
		pv := makePreview(a, r)
		u.do(func() {
			p.preview.Objects = []fyne.CanvasObject{pv.view()}
			p.preview.Refresh()
		})
	})
}

func makePreview(a *archive.Archive, r *catalog.Record) preview {
	mt := r.MediaType
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = mt[:i]
	}
	switch {
	case mt == "image/png" || mt == "image/jpeg" || mt == "image/gif":
		if r.Size > previewImage {
			return preview{none: fmt.Sprintf("This image is %s; images larger than %s are not previewed.",
				humanBytes(r.Size), humanBytes(previewImage))}
		}
		b, err := a.ReadRange(r.Sum(), 0, r.Size)
		if err != nil {
			return preview{none: "The document could not be read: " + quote.Safe(err.Error())}
		}
		img, err := decodeImage(mt, b)
		if err != nil {
			return preview{none: "No preview: " + quote.Safe(err.Error())}
		}
		return preview{img: img}
	case strings.HasPrefix(mt, "text/") || mt == "message/rfc822" || mt == "application/json":
		b, err := a.ReadRange(r.Sum(), 0, previewText)
		if err != nil {
			return preview{none: "The document could not be read: " + quote.Safe(err.Error())}
		}
		pv := preview{text: safeText(b)}
		if int64(len(b)) < r.Size {
			pv.note = fmt.Sprintf("The first %s of %s are shown.", humanBytes(int64(len(b))), humanBytes(r.Size))
		}
		if mt == "message/rfc822" {
			pv.headers = emailHeaders(b)
			pv.wrap = true
		}
		return pv
	}
	return preview{none: fmt.Sprintf("No preview for %s documents. Custody never opens documents in other "+
		"programs; export the file to look at it somewhere safe.", r.MediaType)}
}

// decodeImage decodes a PNG, JPEG or GIF after checking its size.
func decodeImage(mt string, b []byte) (image.Image, error) {
	var cfg func(io.Reader) (image.Config, error)
	var dec func(io.Reader) (image.Image, error)
	switch mt {
	case "image/png":
		cfg, dec = png.DecodeConfig, png.Decode
	case "image/jpeg":
		cfg, dec = jpeg.DecodeConfig, jpeg.Decode
	case "image/gif":
		cfg, dec = gif.DecodeConfig, gif.Decode
	default:
		return nil, fmt.Errorf("%s images are not previewed", mt)
	}
	c, err := cfg(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("the image cannot be read (%v)", err)
	}
	if c.Width <= 0 || c.Height <= 0 || int64(c.Width)*int64(c.Height) > previewPixels {
		return nil, fmt.Errorf("the image claims to be %d×%d pixels, too large to preview", c.Width, c.Height)
	}
	img, err := dec(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("the image cannot be read (%v)", err)
	}
	return img, nil
}

// safeText turns bytes into text that shows every character for what it
// is: invalid UTF-8 and control characters become visible marks,
// direction overrides (which can make text read differently from what
// it is) are shown by name, and very long lines are broken.
func safeText(b []byte) string {
	// Drop a rune cut in half by the preview limit.
	for i := 0; i < 3 && len(b) > 0 && !utf8.Valid(b); i++ {
		if r, _ := utf8.DecodeLastRune(b); r != utf8.RuneError {
			break
		}
		b = b[:len(b)-1]
	}
	var out strings.Builder
	col := 0
	s := string(b)
	for i, r := range s {
		switch {
		case r == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			r = '\n'
		case r == '\t':
			out.WriteString("    ")
			col += 4
			continue
		case r == utf8.RuneError:
			r = '�'
		case isBidiControl(r):
			fmt.Fprintf(&out, "[U+%04X]", r)
			col += 8
			continue
		case r != '\n' && (unicode.IsControl(r) || r == '\u2028' || r == '\u2029'):
			r = '·'
		}
		if r == '\n' {
			out.WriteByte('\n')
			col = 0
			continue
		}
		if col >= previewLineWrap {
			out.WriteString("\n")
			col = 0
		}
		out.WriteRune(r)
		col++
	}
	return out.String()
}

func isBidiControl(r rune) bool {
	return r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' || r == '\u200e' || r == '\u200f' || r == '\u061c'
}

// emailHeaders picks the headers a reader looks at first, decoding
// encoded words for display only.
func emailHeaders(b []byte) [][2]string {
	m, err := mail.ReadMessage(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	dec := new(mime.WordDecoder)
	var out [][2]string
	for _, k := range []string{"From", "To", "Cc", "Date", "Subject", "Message-Id"} {
		v := m.Header.Get(k)
		if v == "" {
			continue
		}
		if d, err := dec.DecodeHeader(v); err == nil {
			v = d
		}
		out = append(out, [2]string{k, strings.ReplaceAll(safeText([]byte(v)), "\n", " ")})
	}
	return out
}

// view builds the preview's widgets (on the UI goroutine).
func (pv preview) view() fyne.CanvasObject {
	switch {
	case pv.img != nil:
		img := canvas.NewImageFromImage(pv.img)
		img.FillMode = canvas.ImageFillContain
		img.ScaleMode = canvas.ImageScaleSmooth
		img.SetMinSize(fyne.NewSize(200, 200))
		return img
	case pv.none != "":
		return container.NewPadded(para(pv.none))
	}
	var body fyne.CanvasObject
	if pv.wrap {
		l := widget.NewLabel(pv.text)
		l.Wrapping = fyne.TextWrapWord
		l.Selectable = true
		body = container.NewVScroll(l)
	} else {
		grid := widget.NewTextGrid()
		grid.Scroll = fyne.ScrollBoth // scroll inside, so a long text never stretches the window
		grid.SetText(pv.text)
		body = grid
	}
	var top []fyne.CanvasObject
	if len(pv.headers) > 0 {
		// One compact block: the headers a reader looks at first, decoded.
		keys, values := widget.NewLabel(""), widget.NewLabel("")
		keys.TextStyle = fyne.TextStyle{Bold: true}
		values.Truncation = fyne.TextTruncateEllipsis
		var k, v []string
		for _, h := range pv.headers {
			k = append(k, h[0]+":")
			v = append(v, h[1])
		}
		keys.SetText(strings.Join(k, "\n"))
		values.SetText(strings.Join(v, "\n"))
		top = append(top, container.NewBorder(nil, nil, keys, nil, values), widget.NewSeparator())
	}
	if pv.note != "" {
		top = append(top, widget.NewLabel(pv.note))
	}
	return container.NewBorder(container.NewVBox(top...), nil, nil, nil, body)
}
