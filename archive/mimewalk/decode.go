package mimewalk

import (
	"bufio"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
)

// newBase64 decodes base64 that may carry line ends (which the standard
// decoder skips) and other white space (which it does not).
func newBase64(r io.Reader) io.Reader {
	return base64.NewDecoder(base64.StdEncoding, &dropSpace{r: bufio.NewReader(r)})
}

type dropSpace struct{ r *bufio.Reader }

func (d *dropSpace) Read(p []byte) (int, error) {
	for {
		n, err := d.r.Read(p)
		k := 0
		for _, c := range p[:n] {
			if c != ' ' && c != '\t' {
				p[k] = c
				k++
			}
		}
		if k > 0 || err != nil {
			return k, err
		}
	}
}

func newQP(r io.Reader) io.Reader { return quotedprintable.NewReader(r) }
