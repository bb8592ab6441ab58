package dkim

import (
	"io"
	"strings"
)

// This file is the own code the library could not spare (see check.go):
// RFC 6376 §3.4 canonicalization, for the signatures go-msgauth refuses
// outright (rsa-sha1, keys under 1024 bits, l=, and x= judged at a time
// that is not now). A test checks it against the library on every
// message the library does verify.

// canonHeader canonicalizes one header field (with its CRLF).
func canonHeader(f string, relaxed bool) string {
	if !relaxed {
		return f
	}
	k, v, _ := strings.Cut(f, ":")
	v = strings.NewReplacer("\r\n", "").Replace(v)
	v = strings.Join(strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '\t' }), " ")
	return strings.ToLower(strings.TrimSpace(k)) + ":" + v + "\r\n"
}

// bodyCanon canonicalizes a CRLF body as it is written, keeping at most
// limit bytes (-1: all), and drops the trailing empty lines.
type bodyCanon struct {
	w        io.Writer
	relaxed  bool
	limit    int64
	out      int64 // canonical bytes produced (also beyond limit)
	pending  int   // empty lines held back
	content  bool  // the current line has content
	wsp      bool  // relaxed: white space held back
	heldCR   bool
	anything bool
	err      error
}

func (c *bodyCanon) emit(b []byte) {
	c.anything = true
	if c.limit >= 0 {
		room := c.limit - c.out
		if room < int64(len(b)) {
			if room > 0 {
				c.write(b[:room])
			}
			c.out += int64(len(b))
			return
		}
	}
	c.out += int64(len(b))
	c.write(b)
}

func (c *bodyCanon) write(b []byte) {
	if c.err == nil {
		_, c.err = c.w.Write(b)
	}
}

func (c *bodyCanon) char(b byte) {
	if c.relaxed && (b == ' ' || b == '\t') {
		c.wsp = true
		return
	}
	for ; c.pending > 0; c.pending-- {
		c.emit([]byte("\r\n"))
	}
	if c.wsp {
		c.emit([]byte(" "))
		c.wsp = false
	}
	c.emit([]byte{b})
	c.content = true
}

func (c *bodyCanon) endLine() {
	c.wsp = false
	if c.content {
		c.emit([]byte("\r\n"))
	} else {
		c.pending++
	}
	c.content = false
}

func (c *bodyCanon) Write(p []byte) (int, error) {
	for _, b := range p {
		if c.heldCR {
			c.heldCR = false
			if b == '\n' {
				c.endLine()
				continue
			}
			c.char('\r')
		}
		if b == '\r' {
			c.heldCR = true
			continue
		}
		c.char(b)
	}
	return len(p), c.err
}

// Close ends the body: a last line without CRLF gets one; an empty body
// is CRLF in simple canonicalization and nothing in relaxed.
func (c *bodyCanon) Close() error {
	if c.heldCR {
		c.char('\r')
	}
	if c.content {
		c.emit([]byte("\r\n"))
	}
	if !c.relaxed && c.out == 0 {
		c.emit([]byte("\r\n"))
	}
	return c.err
}

// withoutB removes the value of the b= tag from a DKIM-Signature field,
// as the signer saw it when signing.
func withoutB(f string) string {
	k, v, _ := strings.Cut(f, ":")
	var out strings.Builder
	out.WriteString(k + ":")
	parts := strings.Split(v, ";")
	for i, part := range parts {
		if i > 0 {
			out.WriteByte(';')
		}
		name, _, ok := strings.Cut(part, "=")
		if ok && strings.TrimSpace(name) == "b" {
			out.WriteString(part[:strings.Index(part, "=")+1])
			if strings.HasSuffix(part, "\r\n") && i == len(parts)-1 {
				out.WriteString("\r\n")
			}
			continue
		}
		out.WriteString(part)
	}
	return out.String()
}
