package gui

import (
	stdzip "archive/zip"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/app/web"
	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/bundlewriter"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/verify/report"
)

func TestExportBundleDialog(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), demoFiles, "USB stick")
	u := openTestUI(t, dir)
	d := u.main.docs
	act(u, func() { d.search.SetText("eml") })
	act(u, d.markAllShown)
	act(u, func() { d.search.SetText("") })
	act(u, u.exportBundleDialog)
	f := u.bundleForm
	if f == nil {
		t.Fatal("no bundle dialog")
	}
	if !strings.HasPrefix(f.what.Selected, fromMarked+" (2)") {
		t.Errorf("the dialog proposes %q, not the 2 marked documents", f.what.Selected)
	}
	// Originals, sources, notes and tags stay home unless chosen; ticking
	// the originals shows a warning.
	if f.ancestors.Checked || f.sources.Checked || f.notes.Checked || f.tags.Checked || f.warn.Visible() {
		t.Errorf("the dialog discloses by default: ancestors %v sources %v notes %v tags %v warning %v",
			f.ancestors.Checked, f.sources.Checked, f.notes.Checked, f.tags.Checked, f.warn.Visible())
	}
	act(u, func() { f.ancestors.SetChecked(true) })
	if !f.warn.Visible() {
		t.Error("ticking the originals shows no warning")
	}
	act(u, func() { f.ancestors.SetChecked(false) })
	tap(t, u, "What will the receiver see?")
	mustContain(t, "the preview", overlayTexts(u), "What the receiver will be able to read", "recorded, not disclosed: source")
	tap(t, u, "Close")
	out := t.TempDir()
	f.format.SetSelected(".zip file")
	f.dir.SetText(out)
	f.name.SetText("for the lawyer")
	f.note.SetText("as agreed on the phone")
	tap(t, u, "Export")
	zip := filepath.Join(out, "for the lawyer.zip")
	mustContain(t, "the summary", u.lastSummary, "Bundle written to "+zip, "2 documents")
	if _, err := os.Stat(zip); err != nil {
		t.Fatal(err)
	}
	// The verifier page goes with a zip by default, when this build has it.
	if page, err := web.Page(); err == nil {
		if !f.verifier.Checked {
			t.Error("the verifier page is not ticked for a zip")
		}
		zr, err := stdzip.OpenReader(zip)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range zr.File {
			found = found || (strings.HasSuffix(e.Name, "/custody/verify.html") && e.UncompressedSize64 == uint64(len(page)))
		}
		zr.Close()
		if !found {
			t.Error("the zip holds no custody/verify.html")
		}
	}
	// Verified by the archive that wrote it: its own key is trusted.
	act(u, func() { u.verifyBundle(zip) })
	p := u.main.report
	if p == nil || p.rep.Verdict != report.Intact {
		t.Fatalf("own bundle: %+v", p)
	}
	mustContain(t, "the report", texts(u.win.Canvas().Content()), "INTACT", "this archive")
	// A second export of everything, as a folder, never overwrites.
	act(u, u.exportBundleDialog)
	f = u.bundleForm
	f.what.SetSelected(f.what.Options[3])
	f.dir.SetText(out)
	f.name.SetText("for the lawyer")
	tap(t, u, "Export")
	if fi, err := os.Stat(filepath.Join(out, "for the lawyer", "bagit.txt")); err != nil || fi.IsDir() {
		t.Fatalf("folder bundle: %v", err)
	}
	mustContain(t, "the summary", u.lastSummary, "4 documents")
}

// otherArchiveBundle writes a bundle of demoFiles from another archivist's
// archive, as a folder, and returns it with that archivist's key.
func otherArchiveBundle(t *testing.T) (path string, pub *keys.Public) {
	t.Helper()
	return otherArchiveBundleAt(t, filepath.Join(t.TempDir(), "from bo"))
}

// otherArchiveBundleAt is otherArchiveBundle writing the bundle to path.
func otherArchiveBundleAt(t *testing.T, path string) (string, *keys.Public) {
	t.Helper()
	opt := archivetest.Options(true)
	opt.New.Name = "Bo Lind"
	dir := makeArchive(t, opt, demoFiles, "Bo's desk")
	a, err := archive.Open(dir, archivetest.Options(false))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var ids [][32]byte
	a.Each(func(r *catalog.Record) error { ids = append(ids, r.Sum()); return nil }, nil)
	if _, err := bundlewriter.Create(context.Background(), a, bundlewriter.Options{Out: path, Docs: ids}); err != nil {
		t.Fatal(err)
	}
	return path, a.Public()
}

func TestBundleFromAnotherArchivist(t *testing.T) {
	path, bo := otherArchiveBundle(t)
	dir := makeArchive(t, archivetest.Options(true), map[string]string{"mine.txt": "mine"}, "")
	u := openTestUI(t, dir)
	act(u, func() { u.verifyBundle(path) })
	p := u.main.report
	if p == nil || p.rep.Verdict != report.SignerUnknown {
		t.Fatalf("verdict %v", p)
	}
	if bg, _ := verdictColors(p.rep.Verdict); bg != colAmber {
		t.Error("SIGNER UNKNOWN is not amber")
	}
	page := texts(u.win.Canvas().Content())
	mustContain(t, "the report", page, "INTACT, SIGNER UNKNOWN", bo.Fingerprint, "UNKNOWN KEY "+bo.Fingerprint+` (calls itself "`+bo.KeyName+`", unverified)`,
		"[Receive into archive]", "[Trust this signer…]")

	tap(t, u, "Trust this signer…")
	f := u.trustForm
	if f == nil || f.key.Text != bo.VerifierKey {
		t.Fatal("the trust dialog does not hold the signer's key")
	}
	mustContain(t, "the trust dialog", f.fp.Text, bo.Fingerprint, "aloud")
	// Nothing is stated for the person: how the fingerprint was compared
	// starts empty, and the key is not trusted until they say.
	if f.how.Text != "" {
		t.Errorf("the trust dialog states %q for the person", f.how.Text)
	}
	f.name.SetText("Bo Lind")
	tap(t, u, "Trust")
	if list, _ := u.arc.TrustList(); len(list) != 0 {
		t.Fatalf("trusted with no word on how: %+v", list)
	}
	mustContain(t, "the trust dialog", f.errs.Text, "Say how you compared the fingerprint")
	act(u, func() { f.how.SetText("fingerprint read aloud by phone") })
	tap(t, u, "Trust")
	list, _ := u.arc.TrustList()
	if len(list) != 1 || list[0].Fingerprint != bo.Fingerprint || list[0].How != "fingerprint read aloud by phone" {
		t.Fatalf("trust store %+v", list)
	}
	// It says so, and the report is checked again with the key.
	mustContain(t, "the confirmation", u.lastSummary, `Trusted "Bo Lind"`, "checked again")
	if v := u.main.report.rep.Verdict; v != report.Intact {
		t.Fatalf("after trusting the signer: %s", v)
	}
	mustContain(t, "the report", texts(u.win.Canvas().Content()), `"Bo Lind" (fingerprint `+bo.Fingerprint+`), whom you trust`)

	tap(t, u, "Receive into archive")
	mustContain(t, "the summary", u.lastSummary, "Received 4 new documents", "provenance continues here")
	if n := u.main.docs.ix.Len(); n != 5 {
		t.Errorf("%d documents after receiving", n)
	}
	p2 := openDoc(t, u, "leak/chat/log.txt")
	mustContain(t, "the provenance tab", texts(p2.timeline), "Received in a bundle")
}

func TestTamperedBundleIsRed(t *testing.T) {
	path, _ := otherArchiveBundle(t)
	if err := os.WriteFile(filepath.Join(path, "data", "leak", "chat", "log.txt"), []byte("[12:01] ana: nothing to see\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := makeArchive(t, archivetest.Options(true), map[string]string{"mine.txt": "mine"}, "")
	u := openTestUI(t, dir)
	act(u, func() { u.verifyBundle(path) })
	p := u.main.report
	if p == nil || p.rep.Verdict != report.Tampered {
		t.Fatalf("verdict %+v", p)
	}
	if bg, _ := verdictColors(p.rep.Verdict); bg != colRed {
		t.Error("TAMPERED is not red")
	}
	mustContain(t, "the banner", p.summary, "TAMPERED", "log.txt")
	page := texts(u.win.Canvas().Content())
	if strings.Contains(page, "[Receive into archive]") {
		t.Error("a tampered bundle is offered for receiving as if it were fine")
	}
	mustContain(t, "the report", page, "[Receive anyway…]")
}

func TestPlainBagHasNoProvenance(t *testing.T) {
	body := "a file from another tool\n"
	sum := sha256.Sum256([]byte(body))
	bag := writeFiles(t, map[string]string{
		"bagit.txt":           "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
		"manifest-sha256.txt": fmt.Sprintf("%x  data/note.txt\n", sum),
		"data/note.txt":       body,
	})
	dir := makeArchive(t, archivetest.Options(true), map[string]string{"mine.txt": "mine"}, "")
	u := openTestUI(t, dir)
	if !looksLikeBag(bag) {
		t.Error("a folder with bagit.txt is not taken for a bag")
	}
	act(u, func() { u.verifyBundle(bag) })
	p := u.main.report
	if p == nil || p.rep.Verdict != report.NoProvenance {
		t.Fatalf("verdict %+v", p)
	}
	if bg, _ := verdictColors(p.rep.Verdict); bg != colAmber {
		t.Error("NO PROVENANCE is not amber")
	}
	act(u, func() { u.verifyBundle(filepath.Join(bag, "data", "note.txt")) })
	if v := u.main.report.rep.Verdict; v != report.Invalid && v != report.Unreadable {
		t.Errorf("a text file checked as a bundle: %s", v)
	}
}
