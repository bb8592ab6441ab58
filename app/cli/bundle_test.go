package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/verify/bag"
	"github.com/custody-app/custody/verify/bundle"
	"github.com/custody-app/custody/verify/ocfl"
)

// bundleSetup makes a sender archive holding two documents and returns
// its folder.
// reserved is a name Windows reserves, which a bundle renames; Windows
// cannot hold a file of that name at all, so there it is another.
var reserved = map[bool]string{false: "aux.txt", true: "auxiliary.txt"}[isWindows]

func bundleSetup(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "sender")
	src := filepath.Join(t.TempDir(), "leak")
	os.MkdirAll(filepath.Join(src, "mail"), 0o755)
	os.WriteFile(filepath.Join(src, "mail", "1.eml"), []byte("Subject: one\r\n\r\nbody\r\n"), 0o644)
	os.WriteFile(filepath.Join(src, reserved), []byte("a name Windows reserves"), 0o644)
	if _, e, code := run(t, dir, "import", "--source", "tip", src); code != 0 {
		t.Fatalf("import: %d %s", code, e)
	}
	return dir
}

func TestBundleCreateVerifyReceive(t *testing.T) {
	sender := bundleSetup(t)
	out := t.TempDir()
	for _, name := range []string{"b.zip", "b"} {
		path := filepath.Join(out, name)
		stdout, e, code := run(t, sender, "bundle", "create", "--out", path, "--all")
		if code != 0 || !strings.Contains(stdout, "2 documents") || !isWindows && !strings.Contains(stdout, "data/leak/aux_.txt  was named leak/aux.txt") {
			t.Fatalf("create %s: %d %q %q", name, code, stdout, e)
		}
		// Without an archive: the signer cannot be trusted.
		stdout, _, code = run(t, sender, "bundle", "verify", "--no-archive", path)
		if code != 0 || !strings.HasPrefix(stdout, "INTACT, SIGNER UNKNOWN\n") || !strings.Contains(stdout, "Checked without an archive") {
			t.Fatalf("verify --no-archive: %d %s", code, stdout)
		}
		if _, _, code := run(t, sender, "bundle", "verify", "--no-archive", "--strict", path); code != 1 {
			t.Fatalf("verify --strict of SIGNER UNKNOWN: exit %d, want 1", code)
		}
		// In the sender's own archive its own key is known.
		stdout, _, code = run(t, sender, "bundle", "verify", "--json", path)
		var rep bundle.JSONReport
		if err := json.Unmarshal([]byte(stdout), &rep); code != 0 || err != nil || rep.Verdict != "INTACT" || rep.Signer == nil ||
			!rep.Signer.Trusted || len(rep.Files) != 2 || rep.Checkpoint == nil || rep.Findings == nil {
			t.Fatalf("verify --json: %d %v %s", code, err, stdout)
		}
	}
	receiver := filepath.Join(t.TempDir(), "receiver")
	if _, e, code := run(t, receiver, "init"); code != 0 {
		t.Fatalf("init: %s", e)
	}
	stdout, e, code := run(t, receiver, "bundle", "receive", filepath.Join(out, "b.zip"))
	if code != 0 || !strings.Contains(stdout, "Received 2 new documents") || !strings.Contains(stdout, "receive event naming the sender's log") ||
		!strings.Contains(stdout, "now the newest remembered") {
		t.Fatalf("receive: %d %q %q", code, stdout, e)
	}
	stdout, _, _ = run(t, receiver, "ls")
	if !strings.Contains(stdout, "leak/"+reserved) || !strings.Contains(stdout, "leak/mail/1.eml") {
		t.Fatalf("received documents keep their original names: %s", stdout)
	}
	stdout, _, _ = run(t, receiver, "log")
	if strings.Count(stdout, "receive") != 2 {
		t.Fatalf("log after receive: %s", stdout)
	}
}

func TestBundleVerifyTamperedAndReport(t *testing.T) {
	sender := bundleSetup(t)
	path := filepath.Join(t.TempDir(), "b")
	if _, e, code := run(t, sender, "bundle", "create", "--out", path, "--all"); code != 0 {
		t.Fatal(e)
	}
	os.WriteFile(filepath.Join(path, "data", "leak", "mail", "1.eml"), []byte("Subject: two\r\n\r\nbody\r\n"), 0o644)
	page := filepath.Join(t.TempDir(), "report.html")
	stdout, _, code := run(t, sender, "bundle", "verify", "--report", page, path)
	if code != 1 || !strings.HasPrefix(stdout, "TAMPERED\n") || !strings.Contains(stdout, "PAYLOAD_HASH_MISMATCH data/leak/mail/1.eml") {
		t.Fatalf("verify tampered: %d %s", code, stdout)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<!DOCTYPE html>", "TAMPERED", "PAYLOAD_HASH_MISMATCH", "data/leak/mail/1.eml", "Do not rely on the bundle"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, banned := range []string{"<script", "http://", "https://", "src="} {
		if strings.Contains(string(html), banned) {
			t.Errorf("report holds %q; it must be self-contained", banned)
		}
	}
	receiver := filepath.Join(t.TempDir(), "receiver")
	run(t, receiver, "init")
	stdout, e, code := run(t, receiver, "bundle", "receive", path)
	if code != 1 || !strings.Contains(e, "refused") || !strings.Contains(e, "nothing was imported") {
		t.Fatalf("receive tampered: %d %q %q", code, stdout, e)
	}
	if out, _, _ := run(t, receiver, "ls"); out != "" {
		t.Fatalf("a refused bundle left documents: %q", out)
	}
	stdout, e, code = run(t, receiver, "bundle", "receive", "--force", path)
	// Forced, the changed file is reported and not received.
	if code != 1 || !strings.Contains(stdout, "Received 1 new document") || !strings.Contains(stdout, "with --force despite the verdict TAMPERED") ||
		!strings.Contains(stdout, "skipped data/leak/mail/1.eml: its checksum did not match") {
		t.Fatalf("receive --force: %d %q %q", code, stdout, e)
	}
	out, _, _ := run(t, receiver, "log", "--json")
	if strings.Count(out, `"forced":true`) != 1 {
		t.Fatalf("forced receive events: %s", out)
	}
}

func TestBundleArguments(t *testing.T) {
	sender := bundleSetup(t)
	for _, args := range [][]string{
		{"bundle"},
		{"bundle", "create", "--all"},
		{"bundle", "create", "--out", "x", "--all", "--tag", "t"},
		{"bundle", "verify"},
		{"bundle", "receive"},
	} {
		if _, _, code := run(t, sender, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if _, e, code := run(t, sender, "bundle", "create", "--out", filepath.Join(t.TempDir(), "b"), "--tag", "none"); code != 2 || !strings.Contains(e, `no document has the tag "none"`) {
		t.Errorf("unknown tag: %d %s", code, e)
	}
	existing := t.TempDir()
	if _, e, code := run(t, sender, "bundle", "create", "--out", existing, "--all"); code != 2 || !strings.Contains(e, "already exists") {
		t.Errorf("existing output: %d %s", code, e)
	}
	stdout, _, code := run(t, sender, "bundle", "verify", filepath.Join(t.TempDir(), "nothing.zip"))
	if code != 2 || !strings.HasPrefix(stdout, "COULD NOT READ") {
		t.Errorf("missing bundle: %d %s", code, stdout)
	}
}

// TestBundleReceivePlainBag: a bag made by another tool verifies as NO
// PROVENANCE and is received as new material, and the output says so.
func TestBundleReceivePlainBag(t *testing.T) {
	bag := filepath.Join(t.TempDir(), "plain")
	os.MkdirAll(filepath.Join(bag, "data"), 0o755)
	os.WriteFile(filepath.Join(bag, "bagit.txt"), []byte("BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n"), 0o644)
	os.WriteFile(filepath.Join(bag, "data", "note.txt"), []byte("hello\n"), 0o644)
	os.WriteFile(filepath.Join(bag, "manifest-sha256.txt"),
		[]byte("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  data/note.txt\n"), 0o644)
	receiver := filepath.Join(t.TempDir(), "receiver")
	run(t, receiver, "init")
	stdout, _, code := run(t, receiver, "bundle", "verify", bag)
	if code != 0 || !strings.HasPrefix(stdout, "NO PROVENANCE\n") || !strings.Contains(stdout, "carries no provenance") {
		t.Fatalf("verify: %d %s", code, stdout)
	}
	if _, _, code := run(t, receiver, "bundle", "verify", "--strict", bag); code != 1 {
		t.Fatalf("verify --strict of NO PROVENANCE: exit %d", code)
	}
	stdout, e, code := run(t, receiver, "bundle", "receive", bag)
	if code != 0 || !strings.Contains(stdout, "Received 1 new document") || !strings.Contains(stdout, "has no provenance") {
		t.Fatalf("receive: %d %q %q", code, stdout, e)
	}
	out, _, _ := run(t, receiver, "log", "--json")
	if !strings.Contains(out, `"type":"ingest"`) || !strings.Contains(out, `"path":"note.txt"`) || !strings.Contains(out, `"source":"bag plain"`) {
		t.Fatalf("log: %s", out)
	}
}

// TestBundleDisclosure: --dry-run lists what the receiver will read and
// writes nothing; by default sources stay recorded but undisclosed, and
// --disclose sources sends them; prove follows the same choices.
func TestBundleDisclosure(t *testing.T) {
	sender := bundleSetup(t)
	out := filepath.Join(t.TempDir(), "b")
	stdout, e, code := run(t, sender, "bundle", "create", "--dry-run", "--out", out, "--all")
	if code != 0 || !strings.Contains(stdout, "would let the receiver read") || !strings.Contains(stdout, "recorded, not disclosed: source") ||
		!strings.Contains(stdout, "leak/mail/1.eml") || !strings.Contains(stdout, "Nothing was written.") {
		t.Fatalf("dry-run: %d %q %q", code, stdout, e)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("dry-run wrote %s: %v", out, err)
	}
	stdout, _, _ = run(t, sender, "bundle", "create", "--dry-run", "--disclose", "sources", "--all")
	if !strings.Contains(stdout, "source: tip") || strings.Contains(stdout, "not disclosed: source") {
		t.Fatalf("dry-run --disclose sources: %q", stdout)
	}
	if _, e, code := run(t, sender, "bundle", "create", "--dry-run", "--disclose", "secrets", "--all"); code != 2 || !strings.Contains(e, `cannot disclose "secrets"`) {
		t.Fatalf("--disclose secrets: %d %q", code, e)
	}
	if _, e, code := run(t, sender, "bundle", "create", "--out", out, "--all"); code != 0 {
		t.Fatalf("create: %s", e)
	}
	events, _ := os.ReadFile(filepath.Join(out, "custody", "events.jsonl"))
	if strings.Contains(string(events), `"tip"`) || !strings.Contains(string(events), `"value":"leak/mail/1.eml"`) {
		t.Fatalf("events.jsonl by default: %s", events)
	}
	doc := sha256hex("Subject: one\r\n\r\nbody\r\n")
	stdout, e, _ = run(t, sender, "prove", doc)
	if strings.Contains(stdout, `"tip"`) || !strings.Contains(stdout, "custody-proof-v2") {
		t.Fatalf("prove by default: %s %s", stdout, e)
	}
	stdout, _, _ = run(t, sender, "prove", "--disclose", "sources", doc)
	if !strings.Contains(stdout, `"value": "tip"`) {
		t.Fatalf("prove --disclose sources: %s", stdout)
	}
}

func sha256hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestBundleRedactionAlone: a redaction's bundle carries nothing of its
// original, and verify says what it is a redaction of.
func TestBundleRedactionAlone(t *testing.T) {
	sender := bundleSetup(t)
	red := filepath.Join(t.TempDir(), "1-redacted.eml")
	os.WriteFile(red, []byte("Subject: one\r\n\r\n[removed]\r\n"), 0o644)
	orig := sha256hex("Subject: one\r\n\r\nbody\r\n")
	if _, e, code := run(t, sender, "derive", "--from", orig[:12], "--kind", "redaction", red); code != 0 {
		t.Fatalf("derive: %s", e)
	}
	out := filepath.Join(t.TempDir(), "b")
	if _, e, code := run(t, sender, "bundle", "create", "--out", out, sha256hex("Subject: one\r\n\r\n[removed]\r\n")); code != 0 {
		t.Fatalf("create: %s", e)
	}
	var all strings.Builder
	filepath.Walk(out, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			b, _ := os.ReadFile(p)
			all.Write(b)
			all.WriteString(p)
		}
		return nil
	})
	if strings.Contains(all.String(), orig) || strings.Contains(all.String(), "1.eml\"") || strings.Contains(all.String(), "body") {
		t.Fatalf("the redaction's bundle carries its original")
	}
	stdout, _, code := run(t, sender, "bundle", "verify", out)
	if code != 0 || !strings.Contains(stdout, "data/1-redacted.eml is a redaction of a document the signer recorded at log index ") ||
		!strings.Contains(stdout, "(not disclosed)") {
		t.Fatalf("verify: %d %s", code, stdout)
	}
}

// TestReceiveRefusesRewrittenNames: a names.tsv rewritten after the
// bundle was made (and its tag manifest recomputed, as anyone can) makes
// verify exit 1 and receive import nothing.
func TestReceiveRefusesRewrittenNames(t *testing.T) {
	sender := bundleSetup(t)
	out := filepath.Join(t.TempDir(), "b")
	if _, e, code := run(t, sender, "bundle", "create", "--out", out, "--all"); code != 0 {
		t.Fatalf("create: %s", e)
	}
	names := filepath.Join(out, "custody", "names.tsv")
	old, _ := os.ReadFile(names)
	evil := strings.Replace(string(old), "\tleak/mail/1.eml", "\t../../../etc/cron.d/evil", 1)
	if evil == string(old) {
		t.Fatalf("names.tsv: %q", old)
	}
	os.WriteFile(names, []byte(evil), 0o644)
	tm := filepath.Join(out, "tagmanifest-sha256.txt")
	tb, _ := os.ReadFile(tm)
	os.WriteFile(tm, []byte(strings.Replace(string(tb), sha256hex(string(old)), sha256hex(evil), 1)), 0o644)
	stdout, _, code := run(t, sender, "bundle", "verify", out)
	if code != 1 || !strings.Contains(stdout, "TAMPERED") || !strings.Contains(stdout, "BUNDLE_NAME_UNSIGNED") {
		t.Fatalf("verify: %d %s", code, stdout)
	}
	receiver := filepath.Join(t.TempDir(), "receiver")
	run(t, receiver, "init")
	if _, _, code := run(t, receiver, "bundle", "receive", out); code != 1 {
		t.Fatalf("receive of a rewritten names.tsv: exit %d, want 1", code)
	}
	if stdout, _, _ := run(t, receiver, "ls"); strings.Contains(stdout, "evil") || strings.Contains(stdout, "1.eml") {
		t.Fatalf("something was received: %s", stdout)
	}
}

// TestBundleOCFL writes a bundle as an OCFL object, validates it with
// the OCFL validator (no error; the one warning is the unregistered
// extension holding the provenance), verifies its provenance, and sees
// tampering.
func TestBundleOCFL(t *testing.T) {
	sender := bundleSetup(t)
	path := filepath.Join(t.TempDir(), "obj")
	if _, e, code := run(t, sender, "bundle", "create", "--format", "ocfl", "--out", path+".zip", "--all"); code == 0 {
		t.Fatalf("--format ocfl to a .zip accepted: %s", e)
	}
	stdout, e, code := run(t, sender, "bundle", "create", "--format", "ocfl", "--out", path, "--all")
	if code != 0 || !strings.Contains(stdout, "OCFL 1.1 object") {
		t.Fatalf("create: %d %q %q", code, stdout, e)
	}
	for _, f := range []string{"0=ocfl_object_1.1", "inventory.json", "inventory.json.sha512", "v1/inventory.json",
		"v1/content/leak/mail/1.eml", "extensions/custody-provenance/checkpoint", "extensions/custody-provenance/names.tsv"} {
		if _, err := os.Stat(filepath.Join(path, f)); err != nil {
			t.Errorf("%s missing: %v", f, err)
		}
	}
	for _, f := range []string{"bagit.txt", "bag-info.txt", "data", "custody", "manifest-sha256.txt"} {
		if _, err := os.Stat(filepath.Join(path, f)); err == nil {
			t.Errorf("%s written in an OCFL object", f)
		}
	}
	fsys, closer, err := bag.OpenDir(path)
	if err != nil {
		t.Fatal(err)
	}
	obj, rep := ocfl.ValidateObject(context.Background(), fsys, ocfl.Options{})
	closer.Close()
	if rep.HasProblems() || len(rep.Warnings) != 1 || rep.Warnings[0].Code != "W013" || len(obj.Files) != 2 {
		t.Fatalf("validator: %s %v %v files %v", rep.Verdict, rep.Findings, rep.Warnings, obj.Files)
	}
	sum := sha256.Sum256([]byte("Subject: one\r\n\r\nbody\r\n"))
	found := false
	for _, f := range obj.Files {
		found = found || f.Logical == "leak/mail/1.eml" && f.SHA256 == hex.EncodeToString(sum[:]) && f.Verified
	}
	if !found {
		t.Fatalf("the document's SHA-256 (its ID) is not in the fixity block: %v", obj.Files)
	}
	stdout, _, code = run(t, sender, "bundle", "verify", "--json", path)
	var jr bundle.JSONReport
	if err := json.Unmarshal([]byte(stdout), &jr); code != 0 || err != nil || jr.Verdict != "INTACT" || jr.Kind != bundle.KindOCFLObject || jr.Signer == nil {
		t.Fatalf("verify --json: %d %v %s", code, err, stdout)
	}
	stdout, _, code = run(t, sender, "bundle", "verify", "--no-archive", path)
	if code != 0 || !strings.HasPrefix(stdout, "INTACT, SIGNER UNKNOWN\n") || !strings.Contains(stdout, "what was given: OCFL object") {
		t.Fatalf("verify: %d %s", code, stdout)
	}
	os.WriteFile(filepath.Join(path, "v1", "content", "leak", "mail", "1.eml"), []byte("Subject: two\r\n\r\nbody\r\n"), 0o644)
	html := filepath.Join(t.TempDir(), "r.html")
	stdout, _, code = run(t, sender, "bundle", "verify", "--report", html, path)
	if code != 1 || !strings.HasPrefix(stdout, "TAMPERED") || !strings.Contains(stdout, "E092") || !strings.Contains(stdout, "https://ocfl.io/1.1/spec/#E092") {
		t.Fatalf("tampered: %d %s", code, stdout)
	}
	page, err := os.ReadFile(html)
	if err != nil || !strings.Contains(string(page), ">E092<") || !strings.Contains(string(page), "https://ocfl.io/1.1/spec/#E092") ||
		!strings.Contains(string(page), "OCFL object") {
		t.Fatalf("the HTML report does not show the OCFL finding: %v", err)
	}
}

// TestBundleVerifySaysWhatItWasGiven: an OCFL object from the shared
// fixtures, a storage root holding it, and a bad object are each named and
// judged with the bag verdicts and exit codes.
func TestBundleVerifySaysWhatItWasGiven(t *testing.T) {
	fixtures := filepath.Join("..", "..", "..", "shared", "conformance", "ocfl", "1.1")
	good := filepath.Join(fixtures, "good-objects", "spec-ex-full")
	if _, err := os.Stat(good); err != nil {
		t.Skipf("the shared OCFL fixtures are not at %s: %v", fixtures, err)
	}
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "0=ocfl_1.1"), []byte("ocfl_1.1\n"), 0o644)
	if err := os.CopyFS(filepath.Join(root, "obj"), os.DirFS(good)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, kind, verdict string
		code                int
	}{
		{good, "what was given: OCFL object: OCFL 1.1", "NO PROVENANCE", 0},
		{root, "what was given: OCFL storage root: OCFL 1.1, 1 object", "NO PROVENANCE", 0},
		{filepath.Join(fixtures, "bad-objects", "E058_no_sidecar"), "what was given: OCFL object", "INVALID", 1},
	} {
		stdout, _, code := run(t, t.TempDir(), "bundle", "verify", "--no-archive", c.path)
		if code != c.code || !strings.HasPrefix(stdout, c.verdict+"\n") || !strings.Contains(stdout, c.kind) {
			t.Errorf("%s: exit %d\n%s", c.path, code, stdout)
		}
	}
}
