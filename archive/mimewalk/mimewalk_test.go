package mimewalk

import (
	"bytes"
	"encoding/base64"
	"io"
	"strings"
	"testing"
)

type got struct {
	Part
	data []byte
	err  error
}

func walk(t testing.TB, msg string) ([]got, []Problem) {
	t.Helper()
	var out []got
	probs, err := Walk(strings.NewReader(msg), func(p Part) error {
		b, err := io.ReadAll(p.Body)
		out = append(out, got{p, b, err})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out, probs
}

func TestNestedAttachments(t *testing.T) {
	pdf := []byte("%PDF-1.4\n\x00\xff binary\r\n%%EOF\n")
	b64 := base64.StdEncoding.EncodeToString(pdf)
	folded := b64[:10] + "\r\n " + b64[10:] // line breaks and a stray space
	msg := "From: a@b\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n boundary=\"OUT\"\r\n\r\n" +
		"preamble\r\n--OUT\r\nContent-Type: multipart/alternative; boundary=IN\r\n\r\n" +
		"--IN\r\nContent-Type: text/plain\r\n\r\nhello\r\n--IN\r\nContent-Type: text/html\r\n\r\n<p>hello</p>\r\n--IN--\r\n" +
		"--OUT\r\nContent-Type: application/pdf; name=\"r.pdf\"\r\nContent-Disposition: attachment; filename*=UTF-8''R%C3%A9sum%C3%A9.pdf\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n" + folded + "\r\n" +
		"--OUT\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: attachment; filename=\"=?utf-8?q?notes_=C3=A9.txt?=\"\r\n" +
		"Content-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9 =\r\nsoft\r\n--OUT\r\nContent-Type: image/png\r\n\r\nPNG\r\n--OUT--\r\n"
	parts, probs := walk(t, msg)
	if len(probs) != 0 {
		t.Errorf("problems: %v", probs)
	}
	if len(parts) != 3 {
		t.Fatalf("%d attachments, want 3: %+v", len(parts), parts)
	}
	if !bytes.Equal(parts[0].data, pdf) || parts[0].Filename != "Résumé.pdf" || parts[0].Path != "2" || parts[0].MediaType != "application/pdf" {
		t.Errorf("pdf: %q %q %q %q", parts[0].data, parts[0].Filename, parts[0].Path, parts[0].MediaType)
	}
	if string(parts[1].data) != "café soft" || parts[1].Filename != "notes é.txt" {
		t.Errorf("qp: %q %q", parts[1].data, parts[1].Filename)
	}
	if string(parts[2].data) != "PNG" || parts[2].Index != 2 || parts[2].Path != "4" {
		t.Errorf("png: %q %d %s", parts[2].data, parts[2].Index, parts[2].Path)
	}
}

func TestLFOnlyAndSinglePart(t *testing.T) {
	msg := "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nx\n--b\nContent-Type: application/zip\nContent-Disposition: attachment; filename=a.zip\n\nPK\x03\x04\n--b--\n"
	parts, probs := walk(t, msg)
	if len(probs) != 0 || len(parts) != 1 || string(parts[0].data) != "PK\x03\x04" || parts[0].Filename != "a.zip" {
		t.Fatalf("%+v %v", parts, probs)
	}
	parts, _ = walk(t, "Subject: x\n\nplain text\n")
	if len(parts) != 0 {
		t.Errorf("a plain message has %d attachments", len(parts))
	}
	parts, _ = walk(t, "Content-Type: application/pdf\nContent-Disposition: attachment; filename=x.pdf\nContent-Transfer-Encoding: base64\n\nJVBERg==\n")
	if len(parts) != 1 || string(parts[0].data) != "%PDF" {
		t.Errorf("single-part attachment: %+v", parts)
	}
}

func TestMalformed(t *testing.T) {
	cases := map[string]string{
		"no boundary":     "Content-Type: multipart/mixed\n\nx\n",
		"no closing":      "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/pdf\n\n%PDF",
		"no parts":        "Content-Type: multipart/mixed; boundary=b\n\njust text\n",
		"bad base64":      "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n!!!!\n--b--\n",
		"unknown enc":     "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/pdf\nContent-Transfer-Encoding: x-uuencode\n\nabc\n--b--\n",
		"huge header":     "X: " + strings.Repeat("a", MaxHeader) + "\n\n",
		"deep":            strings.Repeat("Content-Type: multipart/mixed; boundary=b\n\n--b\n", MaxDepth+2),
		"bad contenttype": "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: ;;;\n\nx\n--b--\n",
	}
	for name, msg := range cases {
		_, probs := walk(t, msg)
		if len(probs) == 0 && name != "bad contenttype" {
			t.Errorf("%s: no problem reported", name)
		}
	}
}

// FuzzWalk: any input walks without a panic and without an error (fn
// returns none), and parts come with increasing indexes.
func FuzzWalk(f *testing.F) {
	f.Add("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBERg==\n--b--\n")
	f.Add("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: multipart/related; boundary=c\r\n\r\n--c\r\nContent-Disposition: attachment\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\na=3Db=\r\n--c--\r\n--b--\r\n")
	f.Fuzz(func(t *testing.T, msg string) {
		next := 0
		_, err := Walk(strings.NewReader(msg), func(p Part) error {
			if p.Index != next {
				t.Fatalf("index %d, want %d", p.Index, next)
			}
			next++
			io.Copy(io.Discard, p.Body)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
