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

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/keys"
)

// run runs one command against archive dir and returns stdout, stderr and
// the exit code.
func run(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Archive: dir, ScryptLogN: keys.MinScryptLogN,
		ask: func(string) ([]byte, error) { return []byte(archivetest.Passphrase), nil }}
	code := Run(env, args)
	return out.String(), errb.String(), code
}

func TestCommandsEndToEnd(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "arc")
	src := t.TempDir()
	memo := []byte("Subject: hello\r\nFrom: a@example.org\r\nTo: b@example.org\r\n\r\nbody\r\n")
	os.WriteFile(filepath.Join(src, "memo.eml"), memo, 0o644)
	os.WriteFile(filepath.Join(src, "again.eml"), memo, 0o644)
	s := sha256.Sum256(memo)
	id := hex.EncodeToString(s[:])

	if _, e, code := run(t, dir, "init"); code != 0 {
		t.Fatalf("init: %d %s", code, e)
	}
	if _, e, code := run(t, dir, "init"); code != 2 || !strings.Contains(e, "already an archive") {
		t.Fatalf("second init: %d %s", code, e)
	}
	out, e, code := run(t, dir, "import", "--source", "tip line", src)
	if code != 0 || !strings.Contains(out, "Imported 1 new document") || !strings.Contains(out, "1 file already present") {
		t.Fatalf("import: %d %q %q", code, out, e)
	}
	out, _, code = run(t, dir, "ls", "--json")
	var list []listEntry
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list) != 1 || list[0].ID != id ||
		list[0].MediaType != "message/rfc822" || list[0].Source != "tip line" {
		t.Fatalf("ls --json: %d %v %s", code, err, out)
	}
	out, _, _ = run(t, dir, "ls")
	if !strings.HasPrefix(out, id+" ") {
		t.Fatalf("ls: %q", out)
	}
	out, _, code = run(t, dir, "show", id[:8])
	if code != 0 || !strings.Contains(out, "again.eml") || !strings.Contains(out, "memo.eml") {
		t.Fatalf("show: %d %s", code, out)
	}
	if _, e, code := run(t, dir, "show", "abc"); code != 2 || !strings.Contains(e, "at least 8") {
		t.Fatalf("show short prefix: %d %s", code, e)
	}
	out, _, code = run(t, dir, "cat", id)
	if code != 0 || out != string(memo) {
		t.Fatalf("cat: %d %q", code, out)
	}
	to := t.TempDir()
	if _, e, code := run(t, dir, "export", "--to", to, "--all"); code != 0 {
		t.Fatalf("export: %s", e)
	}
	matches, _ := filepath.Glob(filepath.Join(to, "*", "*.eml"))
	if len(matches) != 1 {
		t.Fatalf("exported files: %v", matches)
	}
	out, _, code = run(t, dir, "verify", "--json")
	var rep struct {
		Verdict  string
		Findings []any
	}
	if err := json.Unmarshal([]byte(out), &rep); code != 0 || err != nil || rep.Verdict != "INTACT" {
		t.Fatalf("verify: %d %v %s", code, err, out)
	}
}

func TestLockedArchiveExitsTwo(t *testing.T) {
	dir := t.TempDir()
	a, err := archive.Open(dir, archivetest.Options(true))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	_, e, code := run(t, dir, "ls")
	if code != 2 || !strings.Contains(e, "already open in another Custody window or command") || strings.Contains(strings.ToLower(e), strings.ToLower("Badger")) {
		t.Fatalf("%d %q", code, e)
	}
}

func TestBadArguments(t *testing.T) {
	for _, args := range [][]string{{"frobnicate"}, {"import"}, {"export", "--all"}, {"ls", "--nope"}, {"show"}} {
		if _, _, code := run(t, t.TempDir(), args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestProvenanceCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "arc")
	src := t.TempDir()
	orig := []byte("Original memo: the contractor was paid twice.\n")
	red := []byte("Original memo: the ██████████ was paid twice.\n")
	os.WriteFile(filepath.Join(src, "memo.txt"), orig, 0o644)
	redPath := filepath.Join(t.TempDir(), "memo-redacted.txt")
	os.WriteFile(redPath, red, 0o644)
	if _, e, code := run(t, dir, "import", "--source", "harbour", src); code != 0 {
		t.Fatal(e)
	}
	s := sha256.Sum256(orig)
	origID := hex.EncodeToString(s[:])
	out, e, code := run(t, dir, "derive", "--from", origID[:10], "--kind", "redaction", "--note", "names removed", redPath)
	if code != 0 {
		t.Fatalf("derive: %s", e)
	}
	s = sha256.Sum256(red)
	redID := hex.EncodeToString(s[:])
	if !strings.HasPrefix(out, redID) {
		t.Fatalf("derive printed %q", out)
	}
	if _, e, code := run(t, dir, "tag", redID[:8], "publishable", "harbour-story"); code != 0 {
		t.Fatal(e)
	}
	if _, e, code := run(t, dir, "note", origID[:8], "checked with", "the source"); code != 0 {
		t.Fatal(e)
	}
	out, _, code = run(t, dir, "log", "--json", redID)
	var chain []logLine
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var ll logLine
		if err := json.Unmarshal([]byte(l), &ll); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		chain = append(chain, ll)
	}
	if code != 0 || len(chain) != 3 {
		t.Fatalf("log chain: %d %s", code, out)
	}
	// Chain: the original's ingest, the derivation, the tags.
	for i, want := range []string{`"type":"ingest"`, `"type":"derive"`, `"type":"annotate"`} {
		if !strings.Contains(string(chain[i].Event), want) {
			t.Errorf("chain[%d] = %s, want %s", i, chain[i].Event, want)
		}
	}
	cp, _, code := run(t, dir, "checkpoint")
	if code != 0 || !strings.Contains(cp, "custody.app/") || !strings.Contains(cp, "\n4\n") {
		t.Fatalf("checkpoint (4 events expected): %q", cp)
	}
	proof, e, code := run(t, dir, "prove", redID)
	if code != 0 {
		t.Fatal(e)
	}
	proofPath := filepath.Join(t.TempDir(), "proof.json")
	os.WriteFile(proofPath, []byte(proof), 0o644)
	cpPath := filepath.Join(t.TempDir(), "published.txt")
	os.WriteFile(cpPath, []byte(cp), 0o644)
	key, _, _ := run(t, dir, "keys", "show", "--json")
	var k map[string]string
	json.Unmarshal([]byte(key), &k)

	// No archive at all: an empty --archive that does not exist.
	none := filepath.Join(t.TempDir(), "none")
	out, e, code = run(t, none, "check-proof", "--doc", redPath, "--key", k["verifier_key"], "--checkpoint", cpPath, proofPath)
	if code != 0 || !strings.HasPrefix(out, "PROVEN\n") {
		t.Fatalf("check-proof: %d %s %s", code, out, e)
	}
	out, _, code = run(t, none, "check-proof", "--doc", redPath, proofPath)
	if code != 0 || !strings.HasPrefix(out, "PROVEN, SIGNER UNKNOWN") {
		t.Fatalf("check-proof without key: %d %s", code, out)
	}
	// A key that did not sign the checkpoint proves nothing.
	otherKey, _, _ := run(t, filepath.Join(t.TempDir(), "x"), "init", "--name", "Someone Else")
	vk := otherKey[strings.Index(otherKey, "Verifier key: ")+len("Verifier key: "):]
	vk = strings.TrimSpace(vk)
	out, _, code = run(t, none, "check-proof", "--doc", redPath, "--key", vk, proofPath)
	if code != 1 || !strings.HasPrefix(out, "NOT PROVEN BY THAT KEY") {
		t.Fatalf("check-proof with another key: %d %s", code, out)
	}
	// The wrong file is not proven.
	out, _, code = run(t, none, "check-proof", "--doc", filepath.Join(src, "memo.txt"), proofPath)
	if code != 1 || !strings.HasPrefix(out, "NOT PROVEN") {
		t.Fatalf("check-proof of the wrong file: %d %s", code, out)
	}
	out, _, code = run(t, dir, "verify")
	if code != 0 || !strings.HasPrefix(out, "INTACT") {
		t.Fatalf("verify: %d %s", code, out)
	}
}

func TestKeysAndPassphrase(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "arc")
	if _, e, code := run(t, dir, "init", "--name", "Ana Reporter", "--org", "Harbour Times"); code != 0 {
		t.Fatal(e)
	}
	other := filepath.Join(t.TempDir(), "other")
	run(t, other, "init", "--name", "Ben Lawyer")
	out, _, _ := run(t, other, "keys", "show", "--json")
	var k map[string]string
	json.Unmarshal([]byte(out), &k)
	if _, e, code := run(t, dir, "keys", "trust", "ben", k["verifier_key"]); code != 0 {
		t.Fatal(e)
	}
	out, _, _ = run(t, dir, "keys", "list")
	if !strings.Contains(out, "ben") || !strings.Contains(out, k["fingerprint"]) {
		t.Fatalf("keys list: %s", out)
	}
	if _, e, code := run(t, dir, "keys", "trust", "bad", "x+00000000+AAAA"); code != 2 {
		t.Fatalf("malformed key trusted: %s", e)
	}
	if _, e, code := run(t, dir, "keys", "untrust", "ben"); code != 0 {
		t.Fatal(e)
	}
	t.Setenv("NEW_CUSTODY_PASSPHRASE", "a new passphrase of several words")
	if _, e, code := run(t, dir, "passphrase"); code != 0 {
		t.Fatal(e)
	}
	// The old passphrase no longer opens it; the new one does.
	if _, e, code := run(t, dir, "ls"); code != 2 || !strings.Contains(e, "wrong passphrase") {
		t.Fatalf("old passphrase: %d %s", code, e)
	}
	t.Setenv("CUSTODY_PASSPHRASE", "a new passphrase of several words")
	if _, e, code := run(t, dir, "ls"); code != 0 {
		t.Fatalf("new passphrase: %s", e)
	}
}

// Import checks the passphrase while it starts working (the store is not
// encrypted): a wrong one exits 2 with the plain message and adds nothing.
func TestImportWithWrongPassphraseAddsNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "arc")
	if _, e, code := run(t, dir, "init", "--no-encrypt"); code != 0 {
		t.Fatal(e)
	}
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "small.txt"), []byte("a small note"), 0o644)
	os.WriteFile(filepath.Join(src, "large.bin"), bytes.Repeat([]byte("large "), 500_000), 0o644)
	t.Setenv("CUSTODY_PASSPHRASE", "not the passphrase")
	out, e, code := run(t, dir, "import", src)
	if code != 2 || !strings.Contains(e, "wrong passphrase") || out != "" {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", code, out, e)
	}
	if packs, _ := filepath.Glob(filepath.Join(dir, "packs", "*")); len(packs) != 0 {
		t.Fatalf("pack files left by the refused import: %v", packs)
	}
	t.Setenv("CUSTODY_PASSPHRASE", archivetest.Passphrase)
	if out, e, code := run(t, dir, "ls"); code != 0 || out != "" {
		t.Fatalf("ls after the refused import: %d %q %q", code, out, e)
	}
	if out, e, code := run(t, dir, "verify"); code != 0 {
		t.Fatalf("verify: %d %s %s", code, out, e)
	}
	if out, e, code := run(t, dir, "import", src); code != 0 || !strings.Contains(out, "Imported 2 new documents") {
		t.Fatalf("import with the right passphrase: %d %s %s", code, out, e)
	}
}

// bundle create copies documents while the passphrase is checked: a wrong
// one exits 2 and leaves no bundle and no temporary folder.
func TestBundleCreateWithWrongPassphraseLeavesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "arc")
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "large.bin"), bytes.Repeat([]byte("large "), 500_000), 0o644)
	if _, e, code := run(t, dir, "init", "--no-encrypt"); code != 0 {
		t.Fatal(e)
	}
	if _, e, code := run(t, dir, "import", src); code != 0 {
		t.Fatal(e)
	}
	outDir := t.TempDir()
	t.Setenv("CUSTODY_PASSPHRASE", "not the passphrase")
	_, e, code := run(t, dir, "bundle", "create", "--all", "--out", filepath.Join(outDir, "b"))
	if code != 2 || !strings.Contains(e, "wrong passphrase") {
		t.Fatalf("exit %d: %s", code, e)
	}
	if left, _ := os.ReadDir(outDir); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
	t.Setenv("CUSTODY_PASSPHRASE", archivetest.Passphrase)
	if _, e, code := run(t, dir, "bundle", "create", "--all", "--out", filepath.Join(outDir, "b")); code != 0 {
		t.Fatalf("with the right passphrase: %s", e)
	}
	if out, e, code := run(t, dir, "bundle", "verify", filepath.Join(outDir, "b")); code != 0 || !strings.Contains(out, "INTACT") {
		t.Fatalf("verify: %d %s %s", code, out, e)
	}
}
