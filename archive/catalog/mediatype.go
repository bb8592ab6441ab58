package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
)

// SniffLen is how many leading bytes DetectMediaType looks at.
const SniffLen = 512

// DetectMediaType names a document's type from its first bytes only. It
// never parses or renders the document: leaked material may be hostile, so
// nothing beyond a fixed-size prefix is ever interpreted.
func DetectMediaType(head []byte) string {
	if len(head) > SniffLen {
		head = head[:SniffLen]
	}
	if len(head) == 0 {
		return "application/x-empty"
	}
	t := http.DetectContentType(head)
	switch {
	case strings.HasPrefix(t, "text/plain"):
		if looksLikeEmail(head) {
			return "message/rfc822"
		}
		if looksLikeJSON(head) {
			return "application/json"
		}
	case t == "application/zip":
		switch {
		case bytes.Contains(head, []byte("word/")):
			return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
		case bytes.Contains(head, []byte("xl/")):
			return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		case bytes.Contains(head, []byte("ppt/")):
			return "application/vnd.openxmlformats-officedocument.presentationml.presentation"
		}
	}
	return t
}

var emailHeaders = []string{
	"return-path:", "received:", "from:", "to:", "subject:", "date:", "message-id:",
	"mime-version:", "delivered-to:", "dkim-signature:", "x-", "reply-to:", "cc:",
}

// looksLikeEmail reports whether the text starts with RFC 5322 header lines.
func looksLikeEmail(head []byte) bool {
	lines := bytes.SplitN(head, []byte("\n"), 4)
	if len(lines) < 2 {
		return false
	}
	hits := 0
	for _, l := range lines[:len(lines)-1] {
		l = bytes.ToLower(bytes.TrimRight(l, "\r"))
		if len(l) > 0 && (l[0] == ' ' || l[0] == '\t') {
			continue // folded header line
		}
		for _, h := range emailHeaders {
			if bytes.HasPrefix(l, []byte(h)) {
				hits++
				break
			}
		}
	}
	return hits >= 2
}

// looksLikeJSON reports whether the text starts as a JSON object or array:
// its first tokens parse (the prefix may end mid-document).
func looksLikeJSON(head []byte) bool {
	trimmed := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	if len(trimmed) == 0 || (trimmed[0] != '{' && trimmed[0] != '[') {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	for i := 0; i < 32; i++ {
		if _, err := dec.Token(); err != nil {
			return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		}
	}
	return true
}
