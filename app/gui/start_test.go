package gui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/keys"
)

func TestCreateArchive(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new archive")
	u := newTestUI(t, map[string]string{"CUSTODY_ARCHIVE": dir})
	act(u, u.start)
	mustContain(t, "the welcome page", texts(u.win.Canvas().Content()), "Welcome to Custody", dir)
	if u.win.Title() != "Custody" {
		t.Errorf("title %q", u.win.Title())
	}
	tap(t, u, "Create a new archive")
	p := u.createPage
	if p == nil || p.location.Text != dir {
		t.Fatalf("create page not shown with the location %s", dir)
	}
	if !p.encrypt.Checked {
		t.Error("encryption is not on by default")
	}
	p.name.SetText("Ana Ruiz")
	p.org.SetText("Daily Ledger")
	typeIn(p.pass, "abc")
	if got := passphraseStrength(p.pass.Text).Word; got != "weak" || p.meter.Value != 1 {
		t.Errorf("strength of %q: %s, meter %v", p.pass.Text, got, p.meter.Value)
	}
	p.pass.SetText("")
	typeIn(p.pass, "quiet river lantern copper meadow")
	if p.meter.Value < 3 {
		t.Errorf("five random words rated %v", p.meter.Value)
	}
	typeIn(p.again, "quiet river lantern copper")
	tap(t, u, "Create archive")
	mustContain(t, "the create page", p.errs.Text, "differ")
	if archive.Exists(dir) {
		t.Fatal("an archive was created with mismatched passphrases")
	}
	typeIn(p.again, " meadow")
	tap(t, u, "Create archive")
	if u.arc == nil || u.main == nil {
		t.Fatalf("not opened after creating; page says %q", p.errs.Text)
	}
	pub, err := keys.ReadPublic(dir)
	if err != nil {
		t.Fatal(err)
	}
	if pub.Name != "Ana Ruiz" || pub.Organisation != "Daily Ledger" || !pub.StoreEncrypted {
		t.Errorf("identity %+v", pub)
	}
	if !strings.HasPrefix(u.win.Title(), "Custody") {
		t.Errorf("title %q does not start with Custody", u.win.Title())
	}
	mustContain(t, "the status bar", u.main.status.Text, "0 documents")
	mustContain(t, "the status bar", u.main.key.Text, pub.Fingerprint)
	if !u.main.docs.empty.Visible() {
		t.Error("an empty archive does not say how to add documents")
	}
	if r := u.recent(); len(r) == 0 || r[0] != dir {
		t.Errorf("recent archives %v", r)
	}
}

func TestUnlockAsksAgainAfterAWrongPassphrase(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), demoFiles, "USB")
	u := newTestUI(t, map[string]string{"CUSTODY_ARCHIVE": dir})
	act(u, u.start)
	p := u.unlockPage
	if p == nil {
		t.Fatalf("no unlock page:\n%s", texts(u.win.Canvas().Content()))
	}
	mustContain(t, "the unlock page", texts(u.win.Canvas().Content()), "Test Archivist", dir)
	typeIn(p.pass, "not the passphrase")
	tap(t, u, "Unlock")
	if u.arc != nil {
		t.Fatal("opened with a wrong passphrase")
	}
	mustContain(t, "the unlock page", p.errs.Text, "Wrong passphrase")
	typeIn(p.pass, archivetest.Passphrase)
	tap(t, u, "Unlock")
	if u.arc == nil {
		t.Fatalf("not opened: %s", p.errs.Text)
	}
	if n := u.main.docs.ix.Len(); n != len(demoFiles) {
		t.Errorf("%d documents listed, want %d", n, len(demoFiles))
	}
}

func TestLockedArchiveIsExplained(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), demoFiles, "USB")
	other, err := archive.Open(dir, archivetest.Options(false))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	u := newTestUI(t, map[string]string{"CUSTODY_ARCHIVE": dir, "CUSTODY_PASSPHRASE": archivetest.Passphrase})
	act(u, u.start)
	if u.arc != nil {
		t.Fatal("opened an archive another program holds")
	}
	page := texts(u.win.Canvas().Content())
	mustContain(t, "the error page", page, "open in another Custody window", "[Try again]", "[Open another archive…]")
	other.Close()
	tap(t, u, "Try again")
	if u.unlockPage == nil {
		t.Fatal("Try again does not go back to the unlock page")
	}
}

func TestNoArchiveOffersToCreateOne(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nothing here")
	u := newTestUI(t, map[string]string{"CUSTODY_ARCHIVE": dir, "CUSTODY_PASSPHRASE": archivetest.Passphrase})
	act(u, u.start)
	if u.arc != nil || archive.Exists(dir) {
		t.Fatal("an archive was created without asking")
	}
	mustContain(t, "the welcome page", texts(u.win.Canvas().Content()), "[Create a new archive]", "[Open an existing archive…]")
}

func TestRecentArchivesAreRemembered(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), demoFiles, "USB")
	u := openTestUI(t, dir)
	u.closeArchive()
	u.showWelcome(filepath.Join(t.TempDir(), "elsewhere"))
	mustContain(t, "the welcome page", texts(u.win.Canvas().Content()), "Recent archives", dir)
}

func TestDamagedIdentityIsExplained(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), demoFiles, "USB")
	// Both the identity file and its copy (the copy alone repairs it).
	for _, name := range []string{keys.FileName, keys.FileName + ".copy"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("{not json"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	u := newTestUI(t, map[string]string{"CUSTODY_ARCHIVE": dir, "CUSTODY_PASSPHRASE": archivetest.Passphrase})
	act(u, u.start)
	if u.arc != nil {
		t.Fatal("opened an archive whose identity file is damaged")
	}
	page := texts(u.win.Canvas().Content())
	mustContain(t, "the error page", page, "identity file is damaged", "custody keys restore KIT",
		"[Open another archive…]", "[Create a new archive…]")
	if strings.Contains(page, "read-only") {
		t.Error("opening read-only is offered, though it needs the same identity file")
	}
}

func TestDropFilesOntoTheWindow(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), map[string]string{"a.txt": "a"}, "")
	u := openTestUI(t, dir)
	src := writeFiles(t, demoFiles)
	uris := []fyne.URI{storage.NewFileURI(filepath.Join(src, "leak", "mail")), storage.NewFileURI(filepath.Join(src, "leak", "chat", "log.txt"))}
	act(u, func() { u.dropped(fyne.NewPos(10, 10), uris) })
	f := u.importForm
	if f == nil || len(f.paths) != 2 {
		t.Fatalf("dropping two items does not ask to import them: %+v", f)
	}
	tap(t, u, "Import")
	mustContain(t, "the summary", u.lastSummary, "Added: 3 documents")
	// A dropped bag asks whether to verify it or import it.
	bag := writeFiles(t, map[string]string{"bagit.txt": "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"})
	act(u, func() { u.dropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(bag)}) })
	mustContain(t, "the dialog", overlayTexts(u), "[Verify bundle]", "[Import as documents]")
}
