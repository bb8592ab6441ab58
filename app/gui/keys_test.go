package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/keys"
)

func TestKeysPage(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), demoFiles, "USB stick")
	u := openTestUI(t, dir)
	act(u, u.showKeys)
	pub := u.arc.Public()
	page := texts(u.win.Canvas().Content())
	mustContain(t, "the keys page", page, "Test Archivist", pub.Fingerprint, pub.VerifierKey, "No trusted keys yet",
		"Latest checkpoint", pub.Origin)
	tap(t, u, "Copy")
	if got := u.app.Clipboard().Content(); got != pub.VerifierKey {
		t.Errorf("Copy put %q on the clipboard, not the verifier key", got)
	}

	other := makeArchive(t, archivetest.Options(true), nil, "")
	otherPub, err := keys.ReadPublic(other)
	if err != nil {
		t.Fatal(err)
	}
	tap(t, u, "Trust a key…")
	f := u.trustForm
	typeIn(f.key, "not a key")
	mustContain(t, "the trust dialog", f.fp.Text, "Not a valid key")
	act(u, func() { f.key.SetText(otherPub.VerifierKey) })
	mustContain(t, "the trust dialog", f.fp.Text, otherPub.Fingerprint)
	act(u, func() { f.name.SetText("Ana Ruiz") })
	if f.how.Text != "" {
		t.Errorf("the trust dialog states %q before the person does", f.how.Text)
	}
	tap(t, u, "Trust")
	if list, _ := u.arc.TrustList(); len(list) != 0 {
		t.Fatalf("trusted though nobody said how the fingerprint was compared: %+v", list)
	}
	act(u, func() { f.how.SetText("fingerprint compared in person") })
	tap(t, u, "Trust")
	mustContain(t, "the confirmation", u.lastSummary, `Trusted "Ana Ruiz" (fingerprint compared in person).`)
	mustContain(t, "the keys page", texts(u.win.Canvas().Content()), "Ana Ruiz", otherPub.Fingerprint)
	tap(t, u, "Remove")
	tap(t, u, "Yes")
	if list, _ := u.arc.TrustList(); len(list) != 0 {
		t.Errorf("still trusted: %+v", list)
	}
	mustContain(t, "the keys page", texts(u.win.Canvas().Content()), "No trusted keys yet")
}

func TestChangePassphrase(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), demoFiles, "USB stick")
	u := openTestUI(t, dir)
	act(u, u.changePassphraseDialog)
	f := u.passForm
	typeIn(f.old, archivetest.Passphrase)
	typeIn(f.pass, "seven blue herons over the harbour")
	typeIn(f.again, "seven blue herons over the harbour")
	tap(t, u, "Change")
	mustContain(t, "the summary", u.lastSummary, "Passphrase changed")
	if _, err := keys.Unlock(dir, []byte("seven blue herons over the harbour")); err != nil {
		t.Errorf("the new passphrase does not unlock: %v", err)
	}
}

func TestShortcutsAndLog(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), demoFiles, "USB stick")
	u := openTestUI(t, dir)
	c := u.win.Canvas()
	type shortcutter interface{ TypedShortcut(fyne.Shortcut) }
	press := func(key fyne.KeyName, shift bool) {
		act(u, func() { c.(shortcutter).TypedShortcut(shortcut(key, shift)) })
	}
	press(fyne.KeyK, false)
	if u.main.current != pageKeys {
		t.Errorf("Ctrl+K shows %s", u.main.current)
	}
	act(u, func() {
		c.(interface{ OnTypedKey() func(*fyne.KeyEvent) }).OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	})
	if u.main.current != pageDocuments {
		t.Errorf("Escape shows %s", u.main.current)
	}
	press(fyne.KeyL, true)
	if u.main.current != pageLog {
		t.Fatalf("Ctrl+Shift+L shows %s", u.main.current)
	}
	head, body := logLine(u.arc, 0)
	if !strings.Contains(head, "#0  ingest") || !strings.Contains(body, "USB stick") {
		t.Errorf("log line: %q / %q", head, body)
	}
	press(fyne.KeyR, false)
	if u.main.current != pageReport {
		t.Errorf("Ctrl+R shows %s", u.main.current)
	}
	press(fyne.KeyF, false)
	if u.main.current != pageDocuments || c.Focused() != u.main.docs.search {
		t.Error("Ctrl+F does not focus the search box")
	}
}
