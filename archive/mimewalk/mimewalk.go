// Package mimewalk finds the attachments of an e-mail message (RFC 2045,
// 2046, 2183) as a stream: it walks multipart bodies to any depth and hands
// over each attachment's bytes decoded from base64 or quoted-printable, as
// the sender's program had them, without holding the message in memory.
//
// A message from a stranger can be malformed in every way MIME allows:
// a missing closing boundary, a boundary parameter that is absent, base64
// with stray characters, headers without end. Each is a Problem reported
// with the part it was found in; the walk goes on where it can and never
// panics. Headers are read with a bound (MaxHeader), and nesting with one
// (MaxDepth).
package mimewalk

import (
	"bufio"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"strconv"
	"strings"
)

// MaxHeader bounds a message's top header; multipart parts' headers are
// bounded by mime/multipart (10 MiB, 10,000 fields).
const MaxHeader = 1 << 20

// MaxDepth bounds how deeply multiparts may nest.
const MaxDepth = 32

// Part is one attachment.
type Part struct {
	Index     int    // 0-based among the message's attachments, in order
	Path      string // where it sits: "2" is the second part of the top multipart, "2.1" the first inside that
	MediaType string // as declared, lower case ("application/pdf"); "application/octet-stream" when unreadable
	Filename  string // as declared (decoded RFC 2047/2231 words), untrusted; "" when none
	Encoding  string // the transfer encoding that was undone ("base64", "quoted-printable", "" for none)
	// Body gives the decoded bytes; a read error is a malformed encoding.
	Body io.Reader
}

// Problem is something malformed found in a message.
type Problem struct {
	Path string // the part ("" for the message itself)
	What string // plain words, untrusted text already clipped
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.What
	}
	return "part " + p.Path + ": " + p.What
}

// Walk reads one message from r and calls fn for each attachment, in
// order. fn may read the Part's Body or not; what it leaves is skipped.
// An error from fn stops the walk and is returned; malformed MIME is not
// an error but a Problem in the list returned. A message that is not
// multipart has no attachments unless its one body is itself declared an
// attachment.
func Walk(r io.Reader, fn func(Part) error) ([]Problem, error) {
	w := &walker{fn: fn}
	br := bufio.NewReaderSize(r, 32<<10)
	h, err := ReadHeader(br)
	if err != nil {
		w.problem("", "the message's header could not be read: "+err.Error())
		return w.problems, nil
	}
	err = w.entity(textproto.MIMEHeader(h), br, "", 0, true)
	return w.problems, err
}

// ReadHeader reads a message's header from br, at most MaxHeader bytes;
// the body follows in br. Lines that are not fields are dropped.
func ReadHeader(br *bufio.Reader) (textproto.MIMEHeader, error) {
	tr := textproto.NewReader(br)
	var size int
	h := textproto.MIMEHeader{}
	for {
		line, err := tr.ReadContinuedLineBytes()
		size += len(line) + 2
		if size > MaxHeader {
			return h, fmt.Errorf("the header is longer than %d bytes", MaxHeader)
		}
		if len(line) == 0 {
			if err != nil && err != io.EOF {
				return h, err
			}
			return h, nil
		}
		k, v, ok := strings.Cut(string(line), ":")
		if ok && validKey(k) {
			h.Add(textproto.CanonicalMIMEHeaderKey(k), strings.TrimLeft(v, " \t"))
		}
		if err != nil {
			return h, nil // a message that is only a header
		}
	}
}

func validKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

type walker struct {
	fn       func(Part) error
	problems []Problem
	n        int
}

func (w *walker) problem(path, what string) {
	if len(w.problems) < 100 {
		w.problems = append(w.problems, Problem{path, what})
	}
}

// entity handles one MIME entity (the message or a part) with header h
// and body r.
func (w *walker) entity(h textproto.MIMEHeader, r io.Reader, path string, depth int, top bool) error {
	ct := h.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if ct == "" {
		mt, params, err = "text/plain", map[string]string{}, nil
	}
	if err != nil && mt == "" {
		w.problem(path, "unreadable Content-Type: "+clip(ct))
		mt = "application/octet-stream"
	}
	if strings.HasPrefix(mt, "multipart/") {
		if depth >= MaxDepth {
			w.problem(path, fmt.Sprintf("multiparts nest deeper than %d; the rest is not looked into", MaxDepth))
			return nil
		}
		b := params["boundary"]
		if b == "" {
			w.problem(path, "a multipart without a boundary; its parts cannot be told apart")
			return nil
		}
		return w.multipart(r, b, path, depth)
	}
	if top && !declaredAttachment(h, params) {
		return nil
	}
	if !top && !isAttachment(mt, h, params) {
		return nil
	}
	return w.leaf(h, mt, params, r, path)
}

func (w *walker) multipart(r io.Reader, boundary, path string, depth int) error {
	mr := multipart.NewReader(r, boundary)
	for i := 1; ; i++ {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return nil
		}
		sub := strconv.Itoa(i)
		if path != "" {
			sub = path + "." + sub
		}
		if err != nil {
			if i == 1 {
				w.problem(path, "no part was found: "+clip(err.Error()))
			} else {
				w.problem(path, "the multipart ends without its closing boundary: "+clip(err.Error()))
			}
			return nil
		}
		if err := w.entity(p.Header, p, sub, depth+1, false); err != nil {
			return err
		}
		if _, err := io.Copy(io.Discard, p); err != nil {
			if n := len(w.problems); n == 0 || w.problems[n-1].Path != sub {
				w.problem(sub, "the part could not be read to its end: "+clip(err.Error()))
			}
			return nil
		}
	}
}

// declaredAttachment: a single-part message is an attachment only when it
// says so.
func declaredAttachment(h textproto.MIMEHeader, params map[string]string) bool {
	disp, dp, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	return disp == "attachment" || dp["filename"] != ""
}

// isAttachment: a part is kept as a document unless it is the message's
// text (text/plain or text/html without a file name, not declared an
// attachment).
func isAttachment(mt string, h textproto.MIMEHeader, params map[string]string) bool {
	disp, dp, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	if disp == "attachment" || dp["filename"] != "" || params["name"] != "" {
		return true
	}
	return mt != "text/plain" && mt != "text/html" && mt != "text/enriched"
}

func (w *walker) leaf(h textproto.MIMEHeader, mt string, params map[string]string, r io.Reader, path string) error {
	_, dp, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	name := dp["filename"]
	if name == "" {
		name = params["name"]
	}
	name = decodeWords(name)
	enc := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding")))
	var body io.Reader
	switch enc {
	case "base64":
		body = newBase64(r)
	case "quoted-printable":
		body = newQP(r)
	case "", "7bit", "8bit", "binary":
		enc, body = "", r
	default:
		w.problem(path, "unknown Content-Transfer-Encoding "+clip(enc)+"; kept as it is")
		enc, body = "", r
	}
	part := Part{Index: w.n, Path: path, MediaType: mt, Filename: name, Encoding: enc, Body: &noting{r: body, w: w, path: path}}
	w.n++
	return w.fn(part)
}

// noting records a decoding error as a problem when the reader meets it.
type noting struct {
	r      io.Reader
	w      *walker
	path   string
	failed bool
}

func (n *noting) Read(p []byte) (int, error) {
	k, err := n.r.Read(p)
	if err != nil && err != io.EOF && !n.failed {
		n.failed = true
		n.w.problem(n.path, "the part ends early or its encoding is broken: "+clip(err.Error()))
	}
	return k, err
}

var wordDecoder = &mime.WordDecoder{}

// decodeWords decodes RFC 2047 encoded words; text it cannot decode is
// kept as it is.
func decodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	d, err := wordDecoder.DecodeHeader(s)
	if err != nil {
		return s
	}
	return d
}

// DecodeHeader is decodeWords for front ends naming messages.
func DecodeHeader(s string) string { return decodeWords(s) }

func clip(s string) string {
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}
