package e2e_test

import (
	"context"
	"crypto/sha256"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/keys"
)

// The independent check of docs/provenance.md §6 is code that people will
// copy: its shell steps and its Python run here, as printed on the page,
// against the worked example and against a fresh proof whose verifier
// key holds a "+" (a split at every "+" broke about half of all keys).

// docCheck is what §6 of docs/provenance.md prints.
type docCheck struct {
	shell       []string // the ```sh blocks, in order, but step 3b's
	openings    string   // step 3b's block, run on the proof test vector
	python      string   // the ```python block
	fingerprint string   // the one-line fingerprint check of §4
}

func readDocCheck(t *testing.T) docCheck {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "provenance.md"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	var dc docCheck
	if m := regexp.MustCompile("Check a fingerprint by hand: `([^`]+)`").FindStringSubmatch(page); m != nil {
		dc.fingerprint = m[1]
	}
	start := strings.Index(page, "\n## 6. ")
	end := strings.Index(page, "\n## 7. ")
	if start < 0 || end < start || dc.fingerprint == "" {
		t.Fatal("docs/provenance.md: §6 or the fingerprint check was not found")
	}
	for _, m := range regexp.MustCompile("(?s)\n```(sh|python)\n(.*?)\n```").FindAllStringSubmatch(page[start:end], -1) {
		switch {
		case m[1] == "sh" && strings.Contains(m[2], "custody-proof-v2.json"):
			dc.openings = m[2]
		case m[1] == "sh":
			dc.shell = append(dc.shell, m[2])
		default:
			dc.python = m[2]
		}
	}
	if len(dc.shell) != 4 || dc.python == "" || dc.openings == "" {
		t.Fatalf("docs/provenance.md §6 holds %d shell blocks, step 3b %v and python %v; the test knows 4, one and one", len(dc.shell), dc.openings != "", dc.python != "")
	}
	return dc
}

// signatureStep is the shell block of step 5 (the signature).
func (dc docCheck) signatureStep(t *testing.T) string {
	for _, s := range dc.shell {
		if strings.Contains(s, "openssl pkeyutl") {
			return s
		}
	}
	t.Fatal("no shell block of §6 runs openssl pkeyutl")
	return ""
}

// needTools finds the tools §6 uses. Where one is missing the test skips,
// unless CUSTODY_REQUIRE_TOOLS is set (make test sets it, and
// scripts/deps installs them): then it fails. It returns a python3 that
// has the cryptography module.
func needTools(t *testing.T) string {
	t.Helper()
	missing := func(what string) {
		if os.Getenv("CUSTODY_REQUIRE_TOOLS") != "" {
			t.Fatalf("%s is needed to run the documented check (scripts/deps installs it)", what)
		}
		t.Skipf("%s is not installed (scripts/deps installs it)", what)
	}
	for _, tool := range []string{"bash", "jq", "xxd", "openssl", "sha256sum", "base64", "base32", "awk"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing(tool)
		}
	}
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if p, err := exec.LookPath(py); err == nil && exec.Command(p, "-c", "import cryptography").Run() == nil {
			return p
		}
	}
	missing("python3 with the cryptography module")
	return ""
}

// inDir runs a bash script (with -e and pipefail) in dir and returns its
// output.
func inDir(t *testing.T, dir, script string) string {
	t.Helper()
	cmd := exec.Command("bash", "-c", "set -euo pipefail\n"+script)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the documented commands failed: %v\n%s\n--- script:\n%s", err, out, script)
	}
	return string(out)
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	ents, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(to, e.Name()), b, 0o644)
	}
}

// TestIndependentCheckOnExample runs every step of §6 in a copy of
// docs/examples/provenance, as the page says.
func TestIndependentCheckOnExample(t *testing.T) {
	py := needTools(t)
	dc := readDocCheck(t)
	dir := t.TempDir()
	copyDir(t, examples, dir)

	out := inDir(t, dir, strings.Join(dc.shell, "\n"))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	const root = "+nqqQBdwESOeAyTvhVjtIo+fjNe+cPk27i8agiqRmpA="
	if !strings.Contains(out, "\n"+root+"\n"+root+"\n") {
		t.Errorf("step 4 should print the folded root and the checkpoint's, both %s:\n%s", root, out)
	}
	if !strings.Contains(out, "\n2df7ce79\n") || lines[len(lines)-1] != "Signature Verified Successfully" {
		t.Errorf("step 5 did not verify the signature:\n%s", out)
	}
	if !strings.HasPrefix(out, "63c2be29afc1f77190ecfacb1dc9830057746aca0be9ccddc38d93c74dbe95ad  minutes-redacted.eml\n63c2be29") {
		t.Errorf("step 1 printed:\n%s", out)
	}

	os.WriteFile(filepath.Join(dir, "check.py"), []byte(dc.python), 0o644)
	got := inDir(t, dir, py+` check.py proof.json minutes-redacted.eml "$(cat key.txt)" checkpoint-2.txt`)
	want := "document and its 2 events are in custody.app/MNOR-PQRC-HNAV-W3YU/1d8cb7623804d8b819cca9c64f5ecb50 at size 6\n" +
		"it extends the checkpoint published at size 2\n"
	if got != want {
		t.Errorf("check.py printed %q, want %q", got, want)
	}
	if fp := inDir(t, dir, dc.fingerprint); strings.TrimSpace(fp) != "MNORPQRCHNAVW3YU" {
		t.Errorf("the fingerprint check printed %q, want MNORPQRCHNAVW3YU", fp)
	}
}

// TestIndependentCheckOpenings runs step 3b of §6 on the proof test
// vector: the commitment it computes from the opening must be the one the
// sealed event holds.
func TestIndependentCheckOpenings(t *testing.T) {
	needTools(t)
	dc := readDocCheck(t)
	dir := t.TempDir()
	copyDir(t, filepath.Join("..", "..", "archive", "provenance", "testdata", "proof"), dir)
	lines := strings.Split(strings.TrimSpace(inDir(t, dir, dc.openings)), "\n")
	if len(lines) != 2 || lines[0] != lines[1] || len(lines[0]) != 44 {
		t.Errorf("step 3b should print the same commitment twice, got %q", lines)
	}
}

// TestIndependentCheckKeyWithPlus runs the signature step, the
// fingerprint check and the Python of §6 on a fresh proof whose verifier
// key's base64 holds a "+".
func TestIndependentCheckKeyWithPlus(t *testing.T) {
	py := needTools(t)
	dc := readDocCheck(t)
	var a *archive.Archive
	var pub *keys.Public
	for i := 0; ; i++ {
		if i == 64 {
			t.Fatal("64 new keys and none holds a '+' in its base64")
		}
		a = archivetest.Open(t, filepath.Join(t.TempDir(), "arc"))
		pub = a.Public()
		if _, b64, _ := strings.Cut(pub.VerifierKey[strings.Index(pub.VerifierKey, "+")+1:], "+"); strings.Contains(b64, "+") {
			break
		}
		a.Close()
	}
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src := t.TempDir()
	memo := "the memo\n"
	os.WriteFile(filepath.Join(src, "memo.txt"), []byte(memo), 0o644)
	os.WriteFile(filepath.Join(src, "other.txt"), []byte("another file\n"), 0o644)
	if _, err := a.Import(context.Background(), []string{filepath.Join(src, "memo.txt")}, archive.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	published, err := a.LatestCheckpoint()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Import(context.Background(), []string{filepath.Join(src, "other.txt")}, archive.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	proof, err := a.Prove(sha256.Sum256([]byte(memo)))
	if err != nil {
		t.Fatal(err)
	}
	write("proof.json", string(proof))
	write("key.txt", pub.VerifierKey+"\n")
	write("memo.txt", memo)
	write("checkpoint-1.txt", string(published.Note))
	write("check.py", dc.python)

	keyHash := strings.Split(pub.VerifierKey, "+")[1]
	out := inDir(t, dir, dc.signatureStep(t))
	if !strings.Contains(out, "\n"+keyHash+"\n") && !strings.HasPrefix(out, keyHash+"\n") || !strings.HasSuffix(out, "Signature Verified Successfully\n") {
		t.Errorf("step 5 with the key %s printed:\n%s", pub.VerifierKey, out)
	}
	if fp := inDir(t, dir, dc.fingerprint); strings.TrimSpace(fp) != strings.ReplaceAll(pub.Fingerprint, "-", "") {
		t.Errorf("the fingerprint check printed %q, want %s", fp, pub.Fingerprint)
	}
	got := inDir(t, dir, py+` check.py proof.json memo.txt "$(cat key.txt)" checkpoint-1.txt`)
	want := "document and its 1 events are in " + pub.Origin + " at size 2\nit extends the checkpoint published at size 1\n"
	if got != want {
		t.Errorf("check.py with the key %s printed %q, want %q", pub.VerifierKey, got, want)
	}
}
