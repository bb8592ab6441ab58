package cli

import (
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCertificateLeaksNothing: a certificate is handed to others, so it
// follows the bundles' disclosure rules: nothing of any other document
// (its ID in any encoding, name, source), and not the document's own
// source, note or tags unless chosen. (The leak audit of bundles and
// proofs is app/e2e/leak_test.go; a certificate is made from a proof.)
func TestCertificateLeaksNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "arc")
	a := filepath.Join(t.TempDir(), "SECRETDIR-A")
	b := filepath.Join(t.TempDir(), "SECRETDIR-B")
	os.MkdirAll(a, 0o755)
	os.MkdirAll(b, 0o755)
	os.WriteFile(filepath.Join(a, "shown.txt"), []byte("the shown document\n"), 0o644)
	os.WriteFile(filepath.Join(b, "SECRETNAME-B.txt"), []byte("the other document\n"), 0o644)
	if _, e, code := run(t, dir, "import", "--source", "SECRETSOURCE-A", "--note", "SECRETNOTE-A", a); code != 0 {
		t.Fatal(e)
	}
	if _, e, code := run(t, dir, "import", "--source", "SECRETSOURCE-B", b); code != 0 {
		t.Fatal(e)
	}
	shown, other := sha256hex("the shown document\n"), sha256hex("the other document\n")
	if _, e, code := run(t, dir, "tag", shown, "SECRETTAG-A"); code != 0 {
		t.Fatal(e)
	}
	// An earlier bundle of both: its export event names the other too.
	if _, e, code := run(t, dir, "bundle", "create", "--all", "--out", filepath.Join(t.TempDir(), "all")); code != 0 {
		t.Fatal(e)
	}
	out := filepath.Join(t.TempDir(), "c.html")
	if _, e, code := run(t, dir, "certificate", shown, "--out", out); code != 0 {
		t.Fatalf("certificate: %s", e)
	}
	page, _ := os.ReadFile(out)
	if !strings.Contains(string(page), shown) || !strings.Contains(string(page), "shown.txt") {
		t.Fatalf("the certificate does not show its own document")
	}
	raw, _ := hex.DecodeString(other)
	for _, bad := range []string{other, other[:16], base64.StdEncoding.EncodeToString(raw), base64.RawURLEncoding.EncodeToString(raw),
		"SECRETNAME-B", "SECRETDIR-B", "SECRETSOURCE-B", "SECRETSOURCE-A", "SECRETNOTE-A", "SECRETTAG-A"} {
		if strings.Contains(string(page), bad) {
			t.Errorf("the certificate holds %q", bad)
		}
	}
}
