package gui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/verify/dkim/dkimtest"
)

// Check DKIM… with a key file: each message's outcome is recorded, shown
// in the DKIM column and on the document's page.
func TestCheckDKIM(t *testing.T) {
	k := dkimtest.RSA(t, "s1", "corp.example", 2048)
	good := dkimtest.Sign(t, k, dkimtest.Message("cfo@corp.example", "Budget", "Moved.\r\n"), dkimtest.Opts{})
	forged := dkimtest.Replace(t, good, "Moved.", "Kept.")
	dir := makeArchive(t, archivetest.Options(true), map[string]string{"good.eml": good, "forged.eml": forged, "note.txt": "x"}, "tip")
	keyFile := filepath.Join(t.TempDir(), "keys.txt")
	os.WriteFile(keyFile, []byte(dkimtest.Zone(k)), 0o644)
	u := openTestUI(t, dir)
	act(u, func() { u.checkDKIM(keyFile, "registrar export", nil) })
	mustContain(t, "the DKIM summary", u.lastSummary, "Checked 2 messages; 1 did not verify")
	u.wait()
	byName := map[string]string{}
	for _, r := range allRecords(u) {
		byName[r.FirstName()] = u.main.docs.dkim[r.ID]
	}
	if !strings.HasPrefix(byName["good.eml"], "VALID (d=corp.example, s=s1)") || !strings.HasPrefix(byName["forged.eml"], "INVALID (body hash") || byName["note.txt"] != "" {
		t.Errorf("DKIM column: %q", byName)
	}
	if dkimCell(byName["forged.eml"]) != "INVALID" {
		t.Errorf("cell %q", dkimCell(byName["forged.eml"]))
	}
	for _, r := range allRecords(u) {
		if r.FirstName() != "good.eml" {
			continue
		}
		act(u, func() { u.showDocument(r) })
		if !strings.Contains(texts(u.win.Content()), "VALID (d=corp.example, s=s1)") {
			t.Error("the document's page does not show its DKIM outcome")
		}
	}
}
