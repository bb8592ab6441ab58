package bag

import "strings"

// DecodePath undoes the percent-encoding of RFC 8493 §2.1.3 (written by
// archive/bundle's EncodePath): "%25", "%0A" and "%0D" (either case) become
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
