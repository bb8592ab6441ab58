package pdfreport

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/verify/report"
)

func tool(t *testing.T, name string) string {
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CUSTODY_REQUIRE_TOOLS") != "" {
			t.Fatalf("%s is missing (scripts/deps installs poppler-utils)", name)
		}
		t.Skipf("%s is missing (scripts/deps installs poppler-utils)", name)
	}
	return p
}

// TestNamesInEveryScript: a bundle's file names in several scripts come
// back from the PDF's text as they went in, and the attachment is there,
// byte for byte.
func TestNamesInEveryScript(t *testing.T) {
	r := &report.Report{Subject: "b.zip", Verdict: report.Tampered}
	r.AddCheck("payload fixity", false, "1 problem")
	d := report.NewDocument(report.BundleCheck, r)
	names := []string{"Zoë Ångström résumé.txt", "北京报告.txt", "東京の議事録.txt", "회의록.txt", "Москва.txt", "Αθήνα.txt"}
	for _, n := range names {
		d.Files = append(d.Files, report.File{Path: "data/" + n, Name: n, Doc: strings.Repeat("ab", 32), Size: 3, Verified: true})
	}
	d.Files[0].Verified = false
	var buf bytes.Buffer
	data := []byte(`{"verdict":"TAMPERED"}`)
	if err := Write(&buf, d, Attachment{Name: "report.json", MIME: "application/json", Description: "the (same) report", Data: data}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pdf := filepath.Join(dir, "r.pdf")
	os.WriteFile(pdf, buf.Bytes(), 0o644)
	text, err := exec.Command(tool(t, "pdftotext"), pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range append(names, "TAMPERED", "DOES NOT MATCH") {
		if !strings.Contains(string(text), want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	out := filepath.Join(dir, "att")
	os.Mkdir(out, 0o755)
	if b, err := exec.Command(tool(t, "pdfdetach"), "-saveall", "-o", out, pdf).CombinedOutput(); err != nil {
		t.Fatalf("pdfdetach: %v %s", err, b)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "report.json")); !bytes.Equal(got, data) {
		t.Errorf("attachment %q, want %q", got, data)
	}
	if err := Write(&buf, d, Attachment{Name: "../x", Data: data}); err == nil {
		t.Error("an attachment named ../x was written")
	}
}

func TestTokens(t *testing.T) {
	got := strings.Join(tokens("a b/c 北京x", false), "|")
	if got != "a| |b/|c| |北|京|x" {
		t.Errorf("tokens: %q", got)
	}
	if got := strings.Join(tokens("key-a/b c", true), "|"); got != "key-a/b| |c" {
		t.Errorf("whole tokens: %q", got)
	}
}
