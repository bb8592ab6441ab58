package gui

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/custody-app/custody/app/receive"
	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/bundlewriter"
)

// TestTimelineAcrossHops: A redacts a document and bundles both to B; B
// bundles the redaction to C. C's provenance tab shows B's and A's
// steps under their fingerprints, and the redaction.
func TestTimelineAcrossHops(t *testing.T) {
	ctx := context.Background()
	aDir := makeArchive(t, archivetest.Options(true), demoFiles, "USB stick")
	a, err := archive.Open(aDir, archivetest.Options(true))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var orig [32]byte
	recs, _ := a.Records()
	for _, r := range recs {
		if r.FirstName() == "leak/mail/minutes.eml" {
			orig = r.Sum()
		}
	}
	redPath := filepath.Join(t.TempDir(), "minutes-redacted.eml")
	os.WriteFile(redPath, []byte("Subject: ███\r\n\r\nThe minutes are attached.\r\n"), 0o644)
	red, err := a.Derive(ctx, redPath, [][32]byte{orig}, "redaction", "")
	if err != nil {
		t.Fatal(err)
	}
	toB := filepath.Join(t.TempDir(), "to-b")
	if _, err := bundlewriter.Create(ctx, a, bundlewriter.Options{Out: toB, Docs: [][32]byte{orig, red.Sum()}}); err != nil {
		t.Fatal(err)
	}
	b := archivetest.Open(t, filepath.Join(t.TempDir(), "b"))
	if _, err := receive.Bundle(ctx, b, toB, receive.Options{}); err != nil {
		t.Fatal(err)
	}
	toC := filepath.Join(t.TempDir(), "to-c")
	if _, err := bundlewriter.Create(ctx, b, bundlewriter.Options{Out: toC, Docs: [][32]byte{red.Sum()}}); err != nil {
		t.Fatal(err)
	}
	cDir := filepath.Join(t.TempDir(), "c")
	c, err := archive.Open(cDir, archivetest.Options(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := receive.Bundle(ctx, c, toC, receive.Options{}); err != nil {
		t.Fatal(err)
	}
	c.Close()

	u := openTestUI(t, cDir)
	p := openDoc(t, u, "minutes-redacted.eml")
	act(u, func() { p.tabs.SelectIndex(2) })
	mustContain(t, "the provenance tab", texts(p.timeline), "Received from the archive of key "+b.Public().Fingerprint,
		"the archive of key "+a.Public().Fingerprint, "Redaction made", "a document they recorded at log event", "Received in a bundle")
	// Verifying C's bundle names who received from whom.
	act(u, func() { u.verifyBundle(toC) })
	mustContain(t, "the bundle report", texts(u.win.Canvas().Content()),
		"The signer received the documents from key "+a.Public().Fingerprint+" (not in your trust store)")
}
