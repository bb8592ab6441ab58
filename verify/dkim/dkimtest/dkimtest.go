// Package dkimtest makes DKIM-signed test mail with go-msgauth's signer
// and fresh keys, for tests only: every test creates its own messages and
// key records, so none depends on files outside the repository.
package dkimtest

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	msgauth "github.com/emersion/go-msgauth/dkim"

	"github.com/custody-app/custody/archive/dkimrecord"
)

// Key is a signing key and its record.
type Key struct {
	Selector, Domain string
	Signer           crypto.Signer
	Record           dkimrecord.Key
}

// RSA makes an RSA key of bits (a test file that wants fewer than 1024
// needs //go:debug rsa1024min=0).
func RSA(tb testing.TB, sel, dom string, bits int) Key {
	tb.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		tb.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	return key(sel, dom, k, "v=DKIM1; k=rsa; p="+base64.StdEncoding.EncodeToString(der))
}

// Ed25519 makes an Ed25519 key.
func Ed25519(tb testing.TB, sel, dom string) Key {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return key(sel, dom, priv, "v=DKIM1; k=ed25519; p="+base64.StdEncoding.EncodeToString(pub))
}

func key(sel, dom string, s crypto.Signer, txt string) Key {
	return Key{sel, dom, s, dkimrecord.Key{Selector: sel, Domain: dom, TXT: txt, Source: "test zone export",
		Obtained: time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC)}}
}

// Zone is the keys' records as zone file lines.
func Zone(keys ...Key) string {
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k.Record.Line() + "\n")
	}
	return b.String()
}

// Opts vary a signature.
type Opts struct {
	Simple     bool      // simple/simple instead of relaxed/relaxed
	Expiration time.Time // x=
	Headers    []string  // h=; nil: From To Subject Date Message-ID MIME-Version Content-Type
}

// Sign signs msg (CRLF line ends) with k.
func Sign(tb testing.TB, k Key, msg string, o Opts) string {
	tb.Helper()
	var c msgauth.Canonicalization = msgauth.CanonicalizationRelaxed
	if o.Simple {
		c = msgauth.CanonicalizationSimple
	}
	h := o.Headers
	if h == nil {
		h = []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"}
	}
	var out bytes.Buffer
	err := msgauth.Sign(&out, strings.NewReader(msg), &msgauth.SignOptions{Domain: k.Domain, Selector: k.Selector, Signer: k.Signer,
		HeaderCanonicalization: c, BodyCanonicalization: c, HeaderKeys: h, Expiration: o.Expiration})
	if err != nil {
		tb.Fatal(err)
	}
	return out.String()
}

// Message is a plain text message.
func Message(from, subject, body string) string {
	return "From: " + from + "\r\nTo: board@corp.example\r\nSubject: " + subject + "\r\nDate: Tue, 05 Mar 2024 09:12:00 +0000\r\n" +
		"Message-ID: <" + strings.ReplaceAll(subject, " ", ".") + "@corp.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body
}

// WithAttachment is a multipart message carrying data as name.
func WithAttachment(from, subject, name string, data []byte) string {
	b64 := base64.StdEncoding.EncodeToString(data)
	var lines []string
	for len(b64) > 76 {
		lines, b64 = append(lines, b64[:76]), b64[76:]
	}
	lines = append(lines, b64)
	return "From: " + from + "\r\nTo: board@corp.example\r\nSubject: " + subject + "\r\nDate: Tue, 05 Mar 2024 09:12:00 +0000\r\n" +
		"Message-ID: <attach@corp.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XYZ\"\r\n\r\n" +
		"--XYZ\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe file is attached.\r\nFrom our side it is final.\r\n" +
		"--XYZ\r\nContent-Type: application/pdf; name=\"" + name + "\"\r\nContent-Disposition: attachment; filename=\"" + name + "\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n" + strings.Join(lines, "\r\n") + "\r\n--XYZ--\r\n"
}

// Mbox writes messages as an mboxrd mailbox with LF line ends, the way
// mail programs keep them.
func Mbox(msgs ...string) string {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString("From MAILER-DAEMON Tue Mar  5 09:12:00 2024\n")
		for _, line := range strings.SplitAfter(strings.ReplaceAll(m, "\r\n", "\n"), "\n") {
			if strings.HasPrefix(strings.TrimLeft(line, ">"), "From ") {
				line = ">" + line
			}
			b.WriteString(line)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// Replace is strings.Replace that fails the test when old is absent.
func Replace(tb testing.TB, s, old, new string) string {
	tb.Helper()
	if !strings.Contains(s, old) {
		tb.Fatalf("%q not in the message", old)
	}
	return strings.Replace(s, old, new, 1)
}

// PDF is a small PDF-like file with bytes of every kind.
func PDF() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "%d 0 obj <<>> stream\r\n%c%c\x00\xff\nendstream\n", i, byte(i), byte(255-i))
	}
	b.WriteString("%%EOF\n")
	return b.Bytes()
}
