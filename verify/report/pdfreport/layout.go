package pdfreport

import (
	"strings"
	"unicode"

	"github.com/custody-app/custody/assets/fonts"
	"github.com/signintech/gopdf"
)

// A4 in points, and the margins of every page.
const (
	pageW   = 595.28
	pageH   = 841.89
	margin  = 50.0
	bottom  = pageH - margin - 16 // the footer sits below
	textW   = pageW - 2*margin
	labelW  = 130.0 // the first column of a row
	lineGap = 1.35  // line height as a multiple of the font size
)

// Font families as registered with gopdf.
const (
	sans = "sans"
	bold = "bold"
	cjk  = "cjk"
	kor  = "kor"
)

// rgb is a colour.
type rgb struct{ r, g, b uint8 }

var (
	black = rgb{0x22, 0x22, 0x22}
	grey  = rgb{0x66, 0x66, 0x66}
	red   = rgb{0xb3, 0x26, 0x1e}
	green = rgb{0x1e, 0x7b, 0x34}
	amber = rgb{0x8a, 0x61, 0x00}
	white = rgb{0xff, 0xff, 0xff}
)

// style is how a piece of text looks.
type style struct {
	size  float64
	bold  bool
	color rgb
	// whole: break lines only at spaces (a key, a hash, a command), not
	// after the slashes and hyphens of names and paths.
	whole bool
}

var (
	body  = style{size: 10, color: black}
	small = style{size: 8.5, color: grey}
	label = style{size: 10, bold: true, color: black}
	h2    = style{size: 13, bold: true, color: black}
	code  = style{size: 8.5, color: black, whole: true}
)

// page lays out text top to bottom on A4 pages, wrapping lines and
// taking each character from the first font that has it: DejaVu Sans
// (Latin, Greek, Cyrillic, Arabic, Hebrew), Droid Sans Fallback (CJK
// ideographs, kana) or NanumGothicCoding (Hangul).
type page struct {
	pdf    *gopdf.GoPdf
	y      float64
	footer string
	has    map[glyph]bool
	err    error
}

type glyph struct {
	family string
	r      rune
}

func newPage(title, footer string) (*page, error) {
	p := &page{pdf: &gopdf.GoPdf{}, footer: footer, has: map[glyph]bool{}}
	p.pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	for _, f := range []struct {
		name string
		data []byte
	}{{sans, fonts.Sans}, {bold, fonts.SansBold}, {cjk, fonts.CJK}, {kor, fonts.Hangul}} {
		if err := p.pdf.AddTTFFontData(f.name, f.data); err != nil {
			return nil, err
		}
	}
	p.pdf.AddFooter(func() {
		p.pdf.SetY(pageH - margin + 6)
		p.pdf.SetX(margin)
		p.write(p.footer+" · page "+itoa(p.pdf.GetNumberOfPages()), small)
	})
	p.pdf.SetInfo(gopdf.PdfInfo{Title: title, Creator: "Custody", Producer: "Custody (gopdf)"})
	p.pdf.AddPage()
	p.y = margin
	return p, nil
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// family is the font a rune is drawn with.
func (p *page) family(r rune, b bool) string {
	first := sans
	if b {
		first = bold
	}
	if r < 0x0500 || unicode.IsSpace(r) {
		return first // DejaVu covers Latin, Greek and Cyrillic whole
	}
	for _, f := range []string{first, sans, cjk, kor} {
		k := glyph{f, r}
		ok, seen := p.has[k]
		if !seen {
			if err := p.pdf.SetFont(f, "", 10); err == nil {
				ok, _ = p.pdf.IsCurrFontContainGlyph(r)
			}
			p.has[k] = ok
		}
		if ok {
			return f
		}
	}
	return first // no font has it: its "missing glyph" box shows
}

// run is text drawn with one font.
type run struct {
	family string
	text   string
}

func (p *page) runs(s string, b bool) []run {
	var out []run
	for _, r := range s {
		f := p.family(r, b)
		if n := len(out); n > 0 && out[n-1].family == f {
			out[n-1].text += string(r)
			continue
		}
		out = append(out, run{f, string(r)})
	}
	return out
}

func (p *page) width(s string, st style) float64 {
	w := 0.0
	for _, r := range p.runs(s, st.bold) {
		p.setFont(r.family, st.size)
		n, err := p.pdf.MeasureTextWidth(r.text)
		p.keep(err)
		w += n
	}
	return w
}

func (p *page) setFont(f string, size float64) { p.keep(p.pdf.SetFont(f, "", size)) }

func (p *page) keep(err error) {
	if err != nil && p.err == nil {
		p.err = err
	}
}

// write draws s at the current position on one line.
func (p *page) write(s string, st style) {
	p.pdf.SetTextColor(st.color.r, st.color.g, st.color.b)
	for _, r := range p.runs(s, st.bold) {
		p.setFont(r.family, st.size)
		p.keep(p.pdf.Cell(nil, r.text))
	}
}

// wrap breaks s into lines no wider than w: at spaces, between CJK
// characters, and inside a word only when the word alone is too wide
// (a hash, a path).
func (p *page) wrap(s string, st style, w float64) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, tok := range tokens(para, st.whole) {
			if line == "" && strings.TrimSpace(tok) == "" {
				continue
			}
			if p.width(line+tok, st) <= w {
				line += tok
				continue
			}
			if line != "" {
				lines = append(lines, strings.TrimRight(line, " "))
				line = ""
				if strings.TrimSpace(tok) == "" {
					continue
				}
			}
			for p.width(tok, st) > w { // a word wider than the line: cut it
				cut := p.fit(tok, st, w)
				lines = append(lines, tok[:cut])
				tok = tok[cut:]
			}
			line = tok
		}
		lines = append(lines, strings.TrimRight(line, " "))
	}
	return lines
}

// fit is how many bytes of s fit in w (at least one rune).
func (p *page) fit(s string, st style, w float64) int {
	last := 0
	for i, r := range s {
		if i > 0 && p.width(s[:i], st) > w {
			return last
		}
		last = i + len(string(r))
		_ = r
	}
	return len(s)
}

// tokens splits a paragraph into words, runs of spaces and single CJK
// characters, each a place a line may break.
func tokens(s string, whole bool) []string {
	var out []string
	cur := ""
	flush := func() {
		if cur != "" {
			out = append(out, cur)
			cur = ""
		}
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r):
			flush()
			out = append(out, string(r))
		case r == ' ':
			if cur != "" && !strings.HasSuffix(cur, " ") {
				flush()
			}
			cur += " "
		default:
			if strings.HasSuffix(cur, " ") {
				flush()
			}
			cur += string(r)
			if !whole && (r == '/' || r == '-' || r == ',') {
				flush() // paths and lists may break after a separator
			}
		}
	}
	flush()
	return out
}

// need starts a new page unless h more points fit on this one.
func (p *page) need(h float64) {
	if p.y+h > bottom {
		p.pdf.AddPage()
		p.y = margin
	}
}

// para writes s wrapped to the text width, at x (an indent from the
// margin) and width w.
func (p *page) paraAt(s string, st style, x, w float64) {
	lh := st.size * lineGap
	for _, l := range p.wrap(s, st, w) {
		p.need(lh)
		p.pdf.SetXY(margin+x, p.y)
		p.write(l, st)
		p.y += lh
	}
}

func (p *page) para(s string, st style) { p.paraAt(s, st, 0, textW) }

func (p *page) space(h float64) { p.y += h }

// heading starts a section, on a new page if the heading and a few lines
// would not fit.
func (p *page) heading(s string) {
	p.need(h2.size*lineGap + 4*body.size*lineGap)
	p.space(8)
	p.para(s, h2)
	p.pdf.SetStrokeColor(0xcc, 0xcc, 0xcc)
	p.pdf.Line(margin, p.y, margin+textW, p.y)
	p.space(4)
}

// row writes a label and its value beside it, the value wrapped.
func (p *page) row(name, value string, st style) {
	lh := st.size * lineGap
	lines := p.wrap(value, st, textW-labelW)
	names := p.wrap(name, label, labelW-8)
	p.need(lh * float64(min(max(len(lines), len(names)), 3)))
	y := p.y
	for _, n := range names {
		p.pdf.SetXY(margin, y)
		p.write(n, label)
		y += label.size * lineGap
	}
	for _, l := range lines {
		p.need(lh)
		p.pdf.SetXY(margin+labelW, p.y)
		p.write(l, st)
		p.y += lh
	}
	p.y = max(p.y, y)
	p.space(2)
}

// banner writes the verdict in white on its colour.
func (p *page) banner(s string, c rgb) {
	st := style{size: 20, bold: true, color: white}
	lines := p.wrap(s, st, textW-20)
	h := float64(len(lines))*st.size*lineGap + 14
	p.need(h)
	p.pdf.SetFillColor(c.r, c.g, c.b)
	p.pdf.RectFromUpperLeftWithStyle(margin, p.y, textW, h, "F")
	y := p.y + 7
	for _, l := range lines {
		p.pdf.SetXY(margin+10, y)
		p.write(l, st)
		y += st.size * lineGap
	}
	p.y += h + 8
}

// box writes s (a command, a key) in a light grey box.
func (p *page) box(s string) {
	lines := p.wrap(s, code, textW-12)
	lh := code.size * lineGap
	for i, l := range lines {
		p.need(lh + 4)
		p.pdf.SetFillColor(0xf2, 0xf2, 0xf2)
		top, h := p.y, lh
		if i == 0 {
			top, h = p.y-2, lh+2
		}
		if i == len(lines)-1 {
			h += 3
		}
		p.pdf.RectFromUpperLeftWithStyle(margin, top, textW, h, "F")
		p.pdf.SetXY(margin+6, p.y)
		p.write(l, code)
		p.y += lh
	}
	p.space(6)
}
