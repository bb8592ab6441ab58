package archive_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/progress"
)

func mailMessage(i int, body string) string {
	return fmt.Sprintf("From: Person %d <p%d@corp.example>\nTo: all@corp.example\nSubject: =?utf-8?q?Caf=C3=A9_?= number %d\nDate: Tue, 05 Mar 2024 09:1%d:00 +0000\n\n%s", i, i, i, i, body)
}

func TestImportMailbox(t *testing.T) {
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0, 0xff, '\r', '\n'}, 30000)...) // > 64 KiB, packed
	var mb strings.Builder
	for i := 1; i <= 3; i++ {
		mb.WriteString("From MAILER-DAEMON Tue Mar  5 09:12:00 2024\n")
		body := "Hello\n>From the start of a line\n"
		if i == 2 {
			body = "--b\nContent-Type: text/plain\n\nsee attached\n--b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=\"deck/../x.pdf\"\nContent-Transfer-Encoding: base64\n\n" +
				base64.StdEncoding.EncodeToString(pdf) + "\n--b--\n"
			mb.WriteString(strings.Replace(mailMessage(i, body), "\n\n", "\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n", 1))
		} else {
			mb.WriteString(mailMessage(i, body))
		}
		mb.WriteString("\n")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "inbox.mbox"), []byte(mb.String()), 0o644)
	os.WriteFile(filepath.Join(dir, "good.eml"), []byte("Subject: x\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\nContent-Type: application/zip\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nPK=00=\r\n\r\n--z--\r\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "broken.eml"), []byte("Content-Type: multipart/mixed; boundary=z\n\n--z\nContent-Type: application/zip\n\nPK"), 0o644)
	a := archivetest.Open(t, filepath.Join(t.TempDir(), "arc"))
	mboxSize := int64(mb.Len())
	var mailSeen bool
	res, err := a.Import(context.Background(), []string{dir}, archive.ImportOptions{Progress: func(p progress.Progress) {
		mailSeen = mailSeen || (p.TotalBytes == mboxSize && p.Files > 0 && !p.Done)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !mailSeen {
		t.Error("no progress over the mailbox was reported")
	}
	recs, err := a.Records()
	if err != nil {
		t.Fatal(err)
	}
	// inbox.mbox, its 3 messages, the PDF, good.eml and its zip,
	// broken.eml (its truncated zip is not kept)
	if len(recs) != 8 || res.Added != 8 {
		for _, r := range recs {
			t.Log(r.Names[0].Path)
		}
		t.Log(res.Warnings)
		t.Fatalf("%d documents (%d added), want 7", len(recs), res.Added)
	}
	byName := map[string]*catalog.Record{}
	for _, r := range recs {
		byName[r.Names[0].Path] = r
	}
	var msg1, att, zip *catalog.Record
	for n, r := range byName {
		if strings.HasSuffix(n, "/good attachments/part 1.bin") {
			zip = r
		}
		if strings.HasSuffix(n, "messages/0001 2024-03-05 0911 p1@corp.example Café number 1.eml") {
			msg1 = r
		}
		if strings.HasSuffix(n, "attachments/x.pdf") {
			att = r
		}
	}
	if got, _ := readAll(t, a, zip.ID); string(got) != "PK\x00" {
		t.Errorf("the zip of good.eml = %q", got)
	}
	if msg1 == nil || att == nil {
		t.Fatalf("names: %v", keys(byName))
	}
	got, err := readAll(t, a, msg1.ID)
	if err != nil || string(got) != mailMessage(1, "Hello\nFrom the start of a line\n") {
		t.Errorf("message 1 = %q, %v", got, err)
	}
	if msg1.Kind != "extraction" || len(msg1.Parents) != 1 {
		t.Errorf("message kind %q parents %v", msg1.Kind, msg1.Parents)
	}
	got, err = readAll(t, a, att.ID)
	if err != nil || !bytes.Equal(got, pdf) {
		t.Errorf("attachment: %d bytes, want %d exactly; %v", len(got), len(pdf), err)
	}
	parentMsg := byName[strings.SplitN(att.Names[0].Path, " attachments/", 2)[0]+".eml"]
	if parentMsg == nil || att.Parents[0] != parentMsg.ID {
		t.Errorf("attachment's parent %v is not its message", att.Parents)
	}
	warned := false
	for _, w := range res.Warnings {
		warned = warned || (strings.HasSuffix(w.Path, "broken.eml") && strings.HasPrefix(w.Reason, archive.MalformedMail))
	}
	if !warned {
		t.Errorf("no warning for broken.eml: %+v", res.Warnings)
	}
	// Imported again: nothing new, no second expansion.
	res, err = a.Import(context.Background(), []string{dir}, archive.ImportOptions{})
	if err != nil || res.Added != 0 {
		t.Errorf("again: %d added, %v", res.Added, err)
	}
}

func keys(m map[string]*catalog.Record) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
