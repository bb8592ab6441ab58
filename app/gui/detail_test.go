package gui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/provenance"
)

// openDoc opens the document with the given first name.
func openDoc(t *testing.T, u *ui, name string) *detailPage {
	t.Helper()
	for _, r := range u.main.docs.records(t) {
		if r.FirstName() == name {
			act(u, func() { u.showDocument(r) })
			return u.main.doc
		}
	}
	t.Fatalf("no document named %s", name)
	return nil
}

func TestDocumentPage(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), demoFiles, "USB stick")
	u := openTestUI(t, dir)
	p := openDoc(t, u, "leak/mail/minutes.eml")
	page := texts(u.win.Canvas().Content())
	mustContain(t, "the document page", page, p.rec.ID, "leak/mail/minutes.eml", "USB stick", "message/rfc822",
		"[Export file…]", "[Save proof…]", "[Derive…]", "[Copy]")
	tap(t, u, "Copy")
	if got := u.app.Clipboard().Content(); got != p.rec.ID {
		t.Errorf("Copy put %q on the clipboard", got)
	}

	// The preview shows the headers decoded, and the text as plain text.
	act(u, func() { p.tabs.SelectIndex(1) })
	preview := texts(p.preview)
	mustContain(t, "the preview", preview, "Ana Ruiz <ana@example.org>", "Minutes – March")
	// An e-mail's body is prose: it wraps at the window's width.
	var body *widget.Label
	for _, o := range test.LaidOutObjects(p.preview) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "The minutes are attached.") {
			body = l
		}
	}
	if body == nil || body.Wrapping != fyne.TextWrapWord {
		t.Errorf("the preview does not show the body as wrapped text: %+v", body)
	}

	// Tags and notes are logged.
	act(u, func() { p.tabs.SelectIndex(0) })
	typeIn(p.tagEntry, "board, follow-up")
	tap(t, u, "Add tag")
	p = u.main.doc
	if strings.Join(p.rec.Tags, ",") != "board,follow-up" || p.tagEntry.Text != "" {
		t.Fatalf("tags %q, entry %q; error %q", p.rec.Tags, p.tagEntry.Text, p.errs.Text)
	}
	typeIn(p.noteEntry, "Check the date with Ana.")
	tap(t, u, "Add note")
	if len(p.rec.Notes) != 1 {
		t.Fatalf("notes %q; error %q", p.rec.Notes, p.errs.Text)
	}
	rec, err := u.arc.Record(p.rec.Sum())
	if err != nil || len(rec.Tags) != 2 || len(rec.Notes) != 1 {
		t.Fatalf("stored record %+v, %v", rec, err)
	}
	var types []string
	for _, s := range p.steps {
		types = append(types, s.Event.Type)
	}
	if strings.Join(types, ",") != "ingest,annotate,annotate" {
		t.Errorf("provenance chain %v", types)
	}
	timeline := texts(p.timeline)
	mustContain(t, "the provenance tab", timeline, "Imported", "Annotated", "tags: board, follow-up", "in checkpoint")
	// The tag is offered as a filter in the list.
	if !strings.Contains(strings.Join(u.main.docs.tag.Options, ","), "follow-up") {
		t.Errorf("tag filter offers %q", u.main.docs.tag.Options)
	}
}

func TestDeriveANewVersion(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), demoFiles, "USB stick")
	u := openTestUI(t, dir)
	orig := openDoc(t, u, "leak/mail/budget.eml").rec
	redacted := filepath.Join(writeFiles(t, map[string]string{"budget-redacted.eml": "From: ███\r\n\r\nSee the figures.\r\n"}), "budget-redacted.eml")
	tap(t, u, "Derive…")
	f := u.deriveForm
	if f == nil || len(f.parents) != 1 || f.parents[0].ID != orig.ID {
		t.Fatal("the derive dialog does not name the open document")
	}
	f.file.SetText(redacted)
	f.note.SetText("sender blacked out")
	tap(t, u, "Derive")
	p := u.main.doc
	if p == nil || p.rec.FirstName() != "budget-redacted.eml" {
		t.Fatalf("not on the new document's page; dialogs: %s", overlayTexts(u))
	}
	if p.rec.Kind != "redaction" || len(p.rec.Parents) != 1 || p.rec.Parents[0] != orig.ID {
		t.Errorf("new record kind %q parents %v", p.rec.Kind, p.rec.Parents)
	}
	mustContain(t, "the new document's page", texts(u.win.Canvas().Content()), "Redaction of", "leak/mail/budget.eml")
	if len(p.steps) != 2 || p.steps[0].Event.Type != provenance.Ingest || p.steps[1].Event.Type != provenance.Derive {
		t.Fatalf("chain %+v", p.steps)
	}
	if p.steps[0].Generation != 0 || p.steps[1].Generation != 1 {
		t.Errorf("generations %d, %d: the original should come first", p.steps[0].Generation, p.steps[1].Generation)
	}
	mustContain(t, "the provenance tab", texts(p.timeline), "Original imported", "Redaction made", "note: sender blacked out")
	if n := u.main.docs.ix.Len(); n != 5 {
		t.Errorf("%d documents listed after deriving", n)
	}
}

func TestExportFileAndSaveProof(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), demoFiles, "USB stick")
	u := openTestUI(t, dir)
	p := openDoc(t, u, "leak/chat/log.txt")
	out := t.TempDir()
	act(u, func() { u.exportFile(p.rec, out) })
	b, err := os.ReadFile(filepath.Join(out, "leak", "chat", "log.txt"))
	if err != nil || string(b) != demoFiles["leak/chat/log.txt"] {
		t.Fatalf("exported %q, %v", b, err)
	}
	mustContain(t, "the summary", u.lastSummary, filepath.Join(out, "leak", "chat", "log.txt"))

	proof := filepath.Join(out, "log.proof.json")
	act(u, func() { u.saveProof(p.rec, proof) })
	raw, err := os.ReadFile(proof)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("the proof is not JSON: %v", err)
	}
	// The proof checks out against the exported file, as anyone would check it.
	verdict, text := checkProofFiles(proof, filepath.Join(out, "leak", "chat", "log.txt"), "", u.arc.Public().VerifierKey)
	if verdict != "PROVEN" {
		t.Errorf("check-proof says %s: %s", verdict, text)
	}
	other := filepath.Join(out, "other.txt")
	os.WriteFile(other, []byte("something else"), 0o644)
	if verdict, _ := checkProofFiles(proof, other, "", ""); verdict != "NOT PROVEN" {
		t.Errorf("a proof checked against another file says %s", verdict)
	}
}

func TestChainOfAnOriginalWithoutDerivations(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), demoFiles, "USB stick")
	u := openTestUI(t, dir)
	var r *catalog.Record
	for _, x := range u.main.docs.records(t) {
		r = x
	}
	steps, err := readChain(u.arc, r)
	if err != nil || len(steps) != 1 || steps[0].Generation != 0 || steps[0].Checkpoint == 0 {
		t.Fatalf("chain %+v, %v", steps, err)
	}
}
