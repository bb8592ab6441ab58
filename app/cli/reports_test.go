package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// needTool finds a tool scripts/deps installs, or skips (fails under
// CUSTODY_REQUIRE_TOOLS, as make test runs).
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CUSTODY_REQUIRE_TOOLS") != "" {
			t.Fatalf("%s is missing (scripts/deps installs it)", name)
		}
		t.Skipf("%s is missing (scripts/deps installs it)", name)
	}
	return p
}

// pdfText is the text of a PDF as pdftotext reads it.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command(needTool(t, "pdftotext"), "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

// keyOf reads an archive's fingerprint and verifier key from keys show.
func keyOf(t *testing.T, dir string) (fingerprint, vkey string) {
	t.Helper()
	out, e, code := run(t, dir, "keys", "show")
	if code != 0 {
		t.Fatalf("keys show: %s", e)
	}
	fp := regexp.MustCompile(`Fingerprint:\s+(\S+)`).FindStringSubmatch(out)
	vk := regexp.MustCompile(`Verifier key:\s+(\S+)`).FindStringSubmatch(out)
	if fp == nil || vk == nil {
		t.Fatalf("keys show: %s", out)
	}
	return fp[1], vk[1]
}

var sumLine = regexp.MustCompile(`SHA-256 ([0-9a-f]{64})`)

// reportSum checks that the SHA-256 a command printed is the file's.
func reportSum(t *testing.T, stdout, path string) string {
	t.Helper()
	m := sumLine.FindStringSubmatch(stdout)
	b, err := os.ReadFile(path)
	if err != nil || m == nil {
		t.Fatalf("report %s: %v; output %q", path, err, stdout)
	}
	if s := sha256.Sum256(b); hex.EncodeToString(s[:]) != m[1] {
		t.Fatalf("printed SHA-256 %s is not the file's %x", m[1], s)
	}
	return m[1]
}

func TestVerifyReportPDF(t *testing.T) {
	dir := bundleSetup(t)
	fp, _ := keyOf(t, dir)
	pdf := filepath.Join(t.TempDir(), "v.pdf")
	stdout, e, code := run(t, dir, "verify", "--report", pdf)
	if code != 0 || !strings.HasPrefix(stdout, "INTACT\n") {
		t.Fatalf("verify --report: %d %q %q", code, stdout, e)
	}
	sum := reportSum(t, stdout, pdf)
	// Event 2 records the check itself (verify records every check);
	// event 3 the report's hash.
	if !strings.Contains(stdout, "Logged as event 3 (verify)") {
		t.Errorf("the report's hash was not logged: %s", stdout)
	}
	text := pdfText(t, pdf)
	for _, want := range []string{"Custody archive report", "INTACT", "Fingerprint", fp, "this archive's own key", "How anyone can check this again",
		"custody --archive", "by the clock of the machine"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
	log, _, _ := run(t, dir, "log")
	if !strings.Contains(log, "verify") || !strings.Contains(log, "archive check; report sha256:"+sum) || !strings.Contains(log, "INTACT") {
		t.Errorf("the log does not name the report's hash %s:\n%s", sum, log)
	}
	// The machine-readable report travels inside the PDF.
	out := t.TempDir()
	if b, err := exec.Command(needTool(t, "pdfdetach"), "-saveall", "-o", out, pdf).CombinedOutput(); err != nil {
		t.Fatalf("pdfdetach: %v %s", err, b)
	}
	var m struct {
		Verdict string
		Signer  struct{ Fingerprint string }
	}
	b, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil || json.Unmarshal(b, &m) != nil || m.Verdict != "INTACT" || m.Signer.Fingerprint != fp {
		t.Fatalf("attached report.json: %v %s", err, b)
	}
	// The same check as a web page and as JSON; an unknown format is refused before any work.
	for _, name := range []string{"v.html", "v.json"} {
		path := filepath.Join(t.TempDir(), name)
		stdout, _, code := run(t, dir, "verify", "--report", path)
		reportSum(t, stdout, path)
		b, _ := os.ReadFile(path)
		if code != 0 || !strings.Contains(string(b), fp) || !strings.Contains(string(b), "INTACT") {
			t.Errorf("%s: %d %s", name, code, b)
		}
	}
	if _, e, code := run(t, dir, "verify", "--report", filepath.Join(t.TempDir(), "v.docx")); code != 2 || !strings.Contains(e, ".pdf, .html or .json") {
		t.Errorf("--report v.docx: %d %s", code, e)
	}
}

func TestTamperedBundlePDF(t *testing.T) {
	sender := bundleSetup(t)
	path := filepath.Join(t.TempDir(), "b")
	if _, e, code := run(t, sender, "bundle", "create", "--out", path, "--all"); code != 0 {
		t.Fatal(e)
	}
	os.WriteFile(filepath.Join(path, "data", "leak", "mail", "1.eml"), []byte("Subject: two\r\n\r\nbody\r\n"), 0o644)
	pdf := filepath.Join(t.TempDir(), "t.pdf")
	stdout, _, code := run(t, sender, "bundle", "verify", "--report", pdf, path)
	if code != 1 || !strings.HasPrefix(stdout, "TAMPERED\n") {
		t.Fatalf("verify tampered: %d %s", code, stdout)
	}
	sum := reportSum(t, stdout, pdf)
	text := pdfText(t, pdf)
	for _, want := range []string{"Custody bundle report", "TAMPERED", "PAYLOAD_HASH_MISMATCH", "data/leak/mail/1.eml", "Do not rely on the bundle", "DOES NOT MATCH"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
	if log, _, _ := run(t, sender, "log"); !strings.Contains(log, "report sha256:"+sum) || !strings.Contains(log, "TAMPERED") {
		t.Errorf("the tampered bundle's report is not in the log:\n%s", log)
	}
}

// TestBundleVerifyKeyWithoutArchive: a recipient with no archive names
// the key they expect and gets INTACT, not SIGNER UNKNOWN; another key
// leaves the signer unknown; a key that is not one is refused.
func TestBundleVerifyKeyWithoutArchive(t *testing.T) {
	sender := bundleSetup(t)
	fp, vkey := keyOf(t, sender)
	path := filepath.Join(t.TempDir(), "b.zip")
	if _, e, code := run(t, sender, "bundle", "create", "--out", path, "--all"); code != 0 {
		t.Fatal(e)
	}
	nowhere := filepath.Join(t.TempDir(), "no-archive-here")
	pdf := filepath.Join(t.TempDir(), "b.pdf")
	stdout, e, code := run(t, nowhere, "bundle", "verify", "--key", vkey, "--report", pdf, path)
	if code != 0 || !strings.HasPrefix(stdout, "INTACT\n") || !strings.Contains(stdout, "one you gave for this check") ||
		!strings.Contains(stdout, "Not logged: the check used no archive") {
		t.Fatalf("verify --key without an archive: %d %q %q", code, stdout, e)
	}
	if _, err := os.Stat(nowhere); !os.IsNotExist(err) {
		t.Errorf("checking a bundle made an archive: %v", err)
	}
	if text := pdfText(t, pdf); !strings.Contains(text, "INTACT") || !strings.Contains(text, fp) || strings.Contains(text, "SIGNER UNKNOWN") {
		t.Errorf("the PDF:\n%s", text)
	}
	// The key in a file, as it may have been handed on.
	keyFile := filepath.Join(t.TempDir(), "key.txt")
	os.WriteFile(keyFile, []byte("\n"+vkey+"\n"), 0o644)
	if stdout, _, code := run(t, nowhere, "bundle", "verify", "--key", keyFile, path); code != 0 || !strings.HasPrefix(stdout, "INTACT\n") {
		t.Errorf("--key FILE: %d %s", code, stdout)
	}
	other := bundleSetup(t)
	_, otherKey := keyOf(t, other)
	if stdout, _, code := run(t, nowhere, "bundle", "verify", "--key", otherKey, path); code != 0 || !strings.HasPrefix(stdout, "INTACT, SIGNER UNKNOWN\n") {
		t.Errorf("another key: %d %s", code, stdout)
	}
	if stdout, _, code := run(t, nowhere, "bundle", "verify", "--key", otherKey, "--key", vkey, path); code != 0 || !strings.HasPrefix(stdout, "INTACT\n") {
		t.Errorf("two keys, one the signer's: %d %s", code, stdout)
	}
	if _, e, code := run(t, nowhere, "bundle", "verify", "--key", "not-a-key", path); code != 2 || !strings.Contains(e, "not a Custody verifier key") {
		t.Errorf("a bad key: %d %s", code, e)
	}
}

// TestCertificate: a certificate shows the document's ID, names and
// signer, follows the disclosure rules of proofs (no other document, no
// withheld field unless chosen) and carries a proof that checks.
func TestCertificate(t *testing.T) {
	dir := bundleSetup(t) // leak/mail/1.eml and leak/aux.txt, source "tip"
	fp, vkey := keyOf(t, dir)
	if _, e, code := run(t, dir, "bundle", "create", "--out", filepath.Join(t.TempDir(), "b"), "--all"); code != 0 {
		t.Fatal(e)
	}
	mail := sha256.Sum256([]byte("Subject: one\r\n\r\nbody\r\n"))
	aux := sha256.Sum256([]byte("a name Windows reserves"))
	id, other := hex.EncodeToString(mail[:]), hex.EncodeToString(aux[:])
	pdf := filepath.Join(t.TempDir(), "c.pdf")
	stdout, e, code := run(t, dir, "certificate", id[:12], "--out", pdf)
	if code != 0 || !strings.Contains(stdout, "Wrote the certificate") {
		t.Fatalf("certificate: %d %q %q", code, stdout, e)
	}
	text := pdfText(t, pdf)
	for _, want := range []string{"Custody certificate", id, "1.eml", fp, "Type", "(ingest)", "(export)", "1 other document (not disclosed)",
		"recorded, not disclosed: source", "custody check-proof --doc FILE --key"} {
		if !strings.Contains(text, want) {
			t.Errorf("the certificate lacks %q:\n%s", want, text)
		}
	}
	for _, banned := range []string{other[:12], "aux", "tip"} {
		if strings.Contains(text, banned) {
			t.Errorf("the certificate discloses %q:\n%s", banned, text)
		}
	}
	// The attached proof checks with no archive, under the key.
	out := t.TempDir()
	if b, err := exec.Command(needTool(t, "pdfdetach"), "-saveall", "-o", out, pdf).CombinedOutput(); err != nil {
		t.Fatalf("pdfdetach: %v %s", err, b)
	}
	docFile := filepath.Join(out, "doc")
	os.WriteFile(docFile, []byte("Subject: one\r\n\r\nbody\r\n"), 0o644)
	nowhere := filepath.Join(t.TempDir(), "none")
	if stdout, e, code := run(t, nowhere, "check-proof", "--doc", docFile, "--key", vkey, filepath.Join(out, "proof.json")); code != 0 || !strings.HasPrefix(stdout, "PROVEN\n") {
		t.Fatalf("the attached proof: %d %q %q", code, stdout, e)
	}
	// Chosen, the source is disclosed; the web page says the same.
	page := filepath.Join(t.TempDir(), "c.html")
	if _, e, code := run(t, dir, "certificate", id, "--disclose", "sources", "--out", page); code != 0 {
		t.Fatal(e)
	}
	b, _ := os.ReadFile(page)
	for _, want := range []string{id, fp, "source: tip", "custody-proof-v2"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the web page lacks %q", want)
		}
	}
	if strings.Contains(string(b), other) {
		t.Error("the web page names another document")
	}
	if _, e, code := run(t, dir, "certificate", id, "--out", filepath.Join(t.TempDir(), "c.json")); code != 2 || !strings.Contains(e, ".pdf or .html") {
		t.Errorf("--out c.json: %d %s", code, e)
	}
}

// TestLogPREMIS: the export names as many PREMIS events as the log has
// events, and is valid against the official schema.
func TestLogPREMIS(t *testing.T) {
	dir := bundleSetup(t)
	if _, e, code := run(t, dir, "verify", "--report", filepath.Join(t.TempDir(), "v.json")); code != 0 {
		t.Fatal(e)
	}
	log, _, _ := run(t, dir, "log")
	events := strings.Count(log, "\n")
	out, e, code := run(t, dir, "log", "--format", "premis")
	if code != 0 || events != 4 || strings.Count(out, "<event>") != events || strings.Count(out, "<object ") != 2 ||
		!strings.Contains(out, `xmlns="http://www.loc.gov/premis/v3"`) || !strings.Contains(out, "eventType/fix") {
		t.Fatalf("log --format premis: %d %q, %d events in the log:\n%s", code, e, events, out)
	}
	xsd := filepath.Join("..", "..", "archive", "standards", "testdata", "premis-v3-0.xsd")
	path := filepath.Join(t.TempDir(), "p.xml")
	os.WriteFile(path, []byte(out), 0o644)
	if b, err := exec.Command(needTool(t, "xmllint"), "--noout", "--schema", xsd, path).CombinedOutput(); err != nil {
		t.Fatalf("xmllint: %v %s", err, b)
	}
	mail := sha256.Sum256([]byte("Subject: one\r\n\r\nbody\r\n"))
	out, _, code = run(t, dir, "log", "--format", "case", hex.EncodeToString(mail[:])[:12])
	var doc struct {
		Type    string           `json:"@type"`
		Objects []map[string]any `json:"uco-core:object"`
	}
	if err := json.Unmarshal([]byte(out), &doc); code != 0 || err != nil || doc.Type != "uco-core:Bundle" || len(doc.Objects) != 2+2+1 {
		t.Fatalf("log --format case DOC: %d %v %d objects", code, err, len(doc.Objects))
	}
	if _, e, code := run(t, dir, "log", "--format", "mets"); code != 2 || !strings.Contains(e, "premis or case") {
		t.Errorf("--format mets: %d %s", code, e)
	}
}
