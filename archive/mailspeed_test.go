package archive_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
)

// TestMailboxImportSpeed compares importing a mailbox with importing the
// same messages as separate .eml files (both derive the attachments).
// It is slow, so it runs with CUSTODY_LONG=1 (make long) or from
// scripts/bench mail, which sets MAIL_MESSAGES.
func TestMailboxImportSpeed(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("MAIL_MESSAGES"))
	if os.Getenv("CUSTODY_LONG") == "" && n == 0 {
		t.Skip("slow: set CUSTODY_LONG=1 or MAIL_MESSAGES")
	}
	if n == 0 {
		n = 2000
	}
	src := t.TempDir()
	os.MkdirAll(filepath.Join(src, "eml"), 0o755)
	var mb strings.Builder
	att := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("%PDF-1.4 attachment bytes\n"), 2000))
	var total int64
	for i := 0; i < n; i++ {
		body := strings.Repeat(fmt.Sprintf("Line %d of a message body that says little.\n", i), 60)
		msg := fmt.Sprintf("From: p%d@corp.example\nTo: all@corp.example\nSubject: Message %d\nDate: Tue, 05 Mar 2024 09:12:00 +0000\nMessage-ID: <%d@corp.example>\n", i%50, i, i)
		if i%10 == 0 {
			msg += "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n" + body +
				"--b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=a.pdf\nContent-Transfer-Encoding: base64\n\n" +
				att[:len(att)-i%7*4] + "\n--b--\n"
		} else {
			msg += "\n" + body
		}
		total += int64(len(msg))
		os.WriteFile(filepath.Join(src, "eml", fmt.Sprintf("%05d.eml", i)), []byte(msg), 0o644)
		mb.WriteString("From MAILER-DAEMON Tue Mar  5 09:12:00 2024\n" + msg + "\n")
	}
	os.WriteFile(filepath.Join(src, "inbox.mbox"), []byte(mb.String()), 0o644)
	run := func(path string) (time.Duration, int) {
		best, docs := time.Duration(0), 0
		for round := 0; round < 2; round++ {
			a := archivetest.Open(t, filepath.Join(t.TempDir(), "arc"))
			start := time.Now()
			res, err := a.Import(context.Background(), []string{path}, archive.ImportOptions{})
			d := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			a.Close()
			if best == 0 || d < best {
				best = d
			}
			docs = res.Added
		}
		return best, docs
	}
	sep, sepDocs := run(filepath.Join(src, "eml"))
	box, boxDocs := run(filepath.Join(src, "inbox.mbox"))
	if boxDocs != sepDocs+1 {
		t.Errorf("the mailbox gave %d documents, the files %d (want one more: the mailbox)", boxDocs, sepDocs)
	}
	ratio := sep.Seconds() / box.Seconds()
	t.Logf("%d messages (%.1f MB, one in ten with an attachment): separate files %v (%.0f messages/s), mailbox %v (%.0f messages/s): mailbox at %.2fx",
		n, float64(total)/1e6, sep.Round(time.Millisecond), float64(n)/sep.Seconds(), box.Round(time.Millisecond), float64(n)/box.Seconds(), ratio)
	if ratio < 0.5 {
		t.Errorf("mailbox import at %.2fx the speed of separate files, want at least 0.5x", ratio)
	}
}
