package dkim

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// crlf turns bare LF line ends into CRLF, as a message is sent: mailboxes
// and .eml files often keep the local line ends, and DKIM signs the
// message as it travelled.
type crlf struct {
	r      *bufio.Reader
	lastCR bool
	addLF  bool // a CR to emit before the LF just read
}

func newCRLF(r io.Reader) io.Reader { return &crlf{r: bufio.NewReaderSize(r, 32<<10)} }

func (c *crlf) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if c.addLF {
			p[n] = '\n'
			n++
			c.addLF, c.lastCR = false, false
			continue
		}
		b, err := c.r.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if b == '\n' && !c.lastCR {
			p[n] = '\r'
			n++
			c.addLF = true
			continue
		}
		p[n] = b
		n++
		c.lastCR = b == '\r'
	}
	return n, nil
}

// MaxHeader bounds a message's header.
const MaxHeader = 1 << 20

// rawHeader reads a (CRLF) message's header fields, each with its
// continuation lines and final CRLF, leaving br at the body.
func rawHeader(br *bufio.Reader) ([]string, error) {
	var fields []string
	size := 0
	for {
		line, err := br.ReadString('\n')
		size += len(line)
		if size > MaxHeader {
			return nil, fmt.Errorf("the header is longer than %d bytes", MaxHeader)
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		if line == "\r\n" || line == "" {
			return fields, nil
		}
		if (line[0] == ' ' || line[0] == '\t') && len(fields) > 0 {
			fields[len(fields)-1] += line
		} else {
			fields = append(fields, line)
		}
		if err == io.EOF {
			return fields, nil
		}
	}
}

func fieldName(f string) string {
	k, _, ok := strings.Cut(f, ":")
	if !ok {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(k))
}

func fieldValue(f string) string {
	_, v, _ := strings.Cut(f, ":")
	return v
}

// tags parses a DKIM tag list ("v=1; a=rsa-sha256; ..."), RFC 6376 3.2.
func tags(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, part := range strings.Split(s, ";") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, errors.New("a tag without '='")
		}
		k = strings.TrimSpace(k)
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("tag %q given twice", k)
		}
		out[k] = strings.TrimSpace(v)
	}
	return out, nil
}

// noSpace removes folding white space (tag values such as b= and bh=
// may be folded).
func noSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
}
