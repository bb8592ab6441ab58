package bag

import "strings"

// EncodePath writes a file path the way RFC 8493 §2.1.3 wants it in a
// manifest or fetch.txt line: "%" becomes "%25", a line feed "%0A" and a
// carriage return "%0D". Nothing else is encoded (spaces stay spaces).
// Bag writers must use it for every path they write.
func EncodePath(p string) string {
	if !strings.ContainsAny(p, "%\r\n") {
		return p
	}
	var b strings.Builder
	b.Grow(len(p) + 8)
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '%':
			b.WriteString("%25")
		case '\n':
			b.WriteString("%0A")
		case '\r':
			b.WriteString("%0D")
		default:
			b.WriteByte(p[i])
		}
	}
	return b.String()
}

// DecodePath undoes EncodePath: "%25", "%0A" and "%0D" (either case) become
// "%", LF and CR. Any other "%" is kept as written, because bags made
// before BagIt 1.0 hold names such as "data/%7Etest.txt" and
// "data/%test2.txt" literally. DecodePath(EncodePath(p)) == p for every p.
func DecodePath(p string) string {
	if !strings.Contains(p, "%") {
		return p
	}
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		if p[i] == '%' && i+2 < len(p) {
			switch strings.ToUpper(p[i+1 : i+3]) {
			case "25":
				b.WriteByte('%')
				i += 2
				continue
			case "0A":
				b.WriteByte('\n')
				i += 2
				continue
			case "0D":
				b.WriteByte('\r')
				i += 2
				continue
			}
		}
		b.WriteByte(p[i])
	}
	return b.String()
}
