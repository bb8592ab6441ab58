package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/verify/dkim/dkimtest"
)

// TestMailboxAndDKIM is issue 16's "done when": a mailbox of 9 messages,
// one with a PDF attachment, gives 11 documents (the mailbox, 9 messages,
// the PDF), the PDF with its exact bytes; dkim check over a good, a
// forged-body, a forged-subject, an unknown-key and an unsigned message
// says VALID, INVALID, INVALID, NO KEY, UNSIGNED, in show and in the log,
// and exits 1; a recipient's bundle verify of the good message says DKIM
// VALID.
func TestMailboxAndDKIM(t *testing.T) {
	k := dkimtest.RSA(t, "s2021", "corp.example", 2048)
	ed := dkimtest.Ed25519(t, "ed1", "corp.example")
	stray := dkimtest.RSA(t, "gone", "corp.example", 2048)
	msg := func(subject, body string) string {
		return dkimtest.Message("cfo@corp.example", subject, body)
	}
	pdf := dkimtest.PDF()
	forgedBody := dkimtest.Sign(t, k, msg("Statement", "We deny everything.\r\n"), dkimtest.Opts{})
	forgedSubject := dkimtest.Sign(t, k, msg("Quarterly numbers", "Attached.\r\n"), dkimtest.Opts{})
	msgs := []string{
		dkimtest.Sign(t, k, msg("Budget 1", "Line 1 moved.\r\nFrom now on ask me first.\r\n"), dkimtest.Opts{}),
		dkimtest.Sign(t, k, msg("Budget 2", "Line 2 moved.\r\n"), dkimtest.Opts{Simple: true}),
		dkimtest.Sign(t, k, msg("Budget 3", "Line 3 moved.\r\n"), dkimtest.Opts{}),
		dkimtest.Sign(t, ed, msg("Town hall", "See you at noon.\r\n"), dkimtest.Opts{}),
		dkimtest.Replace(t, forgedBody, "We deny everything.", "We admit everything."),
		dkimtest.Replace(t, forgedSubject, "Subject: Quarterly numbers", "Subject: Quarterly numbers (final)"),
		dkimtest.Sign(t, stray, msg("Leave", "Approved.\r\n"), dkimtest.Opts{}),
		dkimtest.Sign(t, k, dkimtest.WithAttachment("cfo@corp.example", "Slides", "deck.pdf", pdf), dkimtest.Opts{}),
		msg("Coffee", "Anyone?\r\n"),
	}
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "inbox.mbox"), []byte(dkimtest.Mbox(msgs...)), 0o644)
	keyFile := filepath.Join(t.TempDir(), "keys.txt")
	os.WriteFile(keyFile, []byte(dkimtest.Zone(k, ed)), 0o644)

	dir := filepath.Join(t.TempDir(), "arc")
	out, e, code := run(t, dir, "import", filepath.Join(src, "inbox.mbox"))
	if code != 0 || !strings.Contains(out, "Imported 11 new documents") {
		t.Fatalf("import: %d %s %s", code, out, e)
	}
	var docs []listEntry
	out, _, _ = run(t, dir, "ls", "--json")
	if err := json.Unmarshal([]byte(out), &docs); err != nil || len(docs) != 11 {
		t.Fatalf("ls: %d documents, %v", len(docs), err)
	}
	byName := map[string]string{}
	for _, d := range docs {
		byName[d.Name] = d.ID
	}
	sum := sha256.Sum256(pdf)
	pdfID := byName["inbox.mbox messages/0008 2024-03-05 0912 cfo@corp.example Slides attachments/deck.pdf"]
	if pdfID != hex.EncodeToString(sum[:]) {
		t.Fatalf("the PDF is not there with its exact bytes: %v", byName)
	}
	if got, _, _ := run(t, dir, "cat", pdfID); !bytes.Equal([]byte(got), pdf) {
		t.Fatal("cat of the PDF differs")
	}
	id := func(n int, subject string) string {
		name := "inbox.mbox messages/000" + string(rune('0'+n)) + " 2024-03-05 0912 cfo@corp.example " + subject + ".eml"
		if byName[name] == "" {
			t.Fatalf("no %q among %v", name, byName)
		}
		return byName[name]
	}
	good, body, subj, nokey, unsigned := id(1, "Budget 1"), id(5, "Statement"), id(6, "Quarterly numbers (final)"), id(7, "Leave"), id(9, "Coffee")

	out, e, code = run(t, dir, "dkim", "check", "--keys", keyFile, "--source", "registrar zone export", good, body, subj, nokey, unsigned)
	if code != 1 || !strings.Contains(e, "2 messages did not verify") {
		t.Fatalf("dkim check: exit %d, %s %s", code, out, e)
	}
	want := map[string]string{good: "VALID (d=corp.example, s=s2021)", body: "INVALID (body hash, d=corp.example, s=s2021)",
		subj: "INVALID (header signature, d=corp.example, s=s2021)", nokey: "NO KEY (d=corp.example, s=gone)", unsigned: "UNSIGNED"}
	for doc, w := range want {
		out, _, _ := run(t, dir, "show", doc)
		if !strings.Contains(out, "DKIM:      "+w+"\n") {
			t.Errorf("show %s: want %q in\n%s", doc[:8], w, out)
		}
	}
	if out, _, _ := run(t, dir, "show", good); !strings.Contains(out, "key from registrar zone export") || !strings.Contains(out, "x= judged at") {
		t.Errorf("show of the good message lacks the key's source or the time judged:\n%s", out)
	}
	out, _, _ = run(t, dir, "log", "--json")
	if n := strings.Count(out, `"type":"dkim"`); n != 5 {
		t.Errorf("%d dkim events in the log, want 5", n)
	}
	out, _, _ = run(t, dir, "dkim", "keys")
	if !strings.Contains(out, "s2021._domainkey.corp.example  sha256:") || !strings.Contains(out, "2 key records held.") {
		t.Errorf("dkim keys:\n%s", out)
	}

	// The recipient re-checks offline.
	bpath := filepath.Join(t.TempDir(), "b.zip")
	if out, e, code := run(t, dir, "bundle", "create", "--out", bpath, good); code != 0 {
		t.Fatalf("bundle create: %d %s %s", code, out, e)
	}
	receiver := filepath.Join(t.TempDir(), "receiver")
	run(t, receiver, "init")
	out, e, code = run(t, receiver, "bundle", "verify", bpath)
	if !strings.Contains(out, "DKIM VALID (d=corp.example, s=s2021)") {
		t.Errorf("recipient's bundle verify: %d\n%s\n%s", code, out, e)
	}

	// The bundle carries the one key record its message's outcome used,
	// and no outcome of another message.
	folder := filepath.Join(t.TempDir(), "b")
	run(t, dir, "bundle", "create", "--out", folder, good)
	keysJSON, err := os.ReadFile(filepath.Join(folder, "custody", "dkim-keys.json"))
	if err != nil || strings.Count(string(keysJSON), `"selector"`) != 1 || !strings.Contains(string(keysJSON), `"s2021"`) {
		t.Errorf("dkim-keys.json: %v\n%s", err, keysJSON)
	}
	events, _ := os.ReadFile(filepath.Join(folder, "custody", "events.jsonl"))
	if strings.Count(string(events), `\"type\":\"dkim\"`) != 1 {
		t.Errorf("the bundle carries %d dkim events, want 1:\n%s", strings.Count(string(events), `\"type\":\"dkim\"`), events)
	}
	// Nothing of the other messages: not their IDs, nor the other key.
	var custody strings.Builder
	for _, f := range []string{"events.jsonl", "names.tsv", "dkim-keys.json", "proofs.json"} {
		b, _ := os.ReadFile(filepath.Join(folder, "custody", f))
		custody.Write(b)
	}
	for _, other := range []string{body, subj, nokey, unsigned, pdfID} {
		if strings.Contains(custody.String(), other) {
			t.Errorf("the bundle of one message names another document, %s", other[:12])
		}
	}
	if strings.Contains(custody.String(), "ed1") {
		t.Error("the bundle carries a key record no outcome of its message used")
	}
	// A key swapped for another: the outcome no longer holds.
	swapped := strings.Replace(string(keysJSON), k.Record.TXT, ed.Record.TXT, 1)
	os.WriteFile(filepath.Join(folder, "custody", "dkim-keys.json"), []byte(swapped), 0o644)
	out, _, code = run(t, receiver, "bundle", "verify", folder)
	if code != 1 || !strings.Contains(out, "BUNDLE_DKIM_DISAGREES") {
		t.Errorf("a swapped key record: exit %d\n%s", code, out)
	}
}
