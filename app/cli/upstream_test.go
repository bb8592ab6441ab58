package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func fingerprint(t *testing.T, dir string) string {
	t.Helper()
	out, _, _ := run(t, dir, "keys", "show", "--json")
	var k map[string]string
	if err := json.Unmarshal([]byte(out), &k); err != nil || k["fingerprint"] == "" {
		t.Fatalf("keys show: %v %s", err, out)
	}
	return k["fingerprint"]
}

// TestLogShowAcrossHops: A imports and redacts, bundles both to B; B
// bundles the redaction to C. At C, log and show name A's fingerprint
// and the redaction, and B's receive.
func TestLogShowAcrossHops(t *testing.T) {
	a := bundleSetup(t)
	red := filepath.Join(t.TempDir(), "1-redacted.eml")
	redBytes := []byte("Subject: ███\r\n\r\nbody\r\n")
	os.WriteFile(red, redBytes, 0o644)
	s := sha256.Sum256(redBytes)
	redID := hex.EncodeToString(s[:])
	m := sha256.Sum256([]byte("Subject: one\r\n\r\nbody\r\n"))
	origID := hex.EncodeToString(m[:])
	if _, e, code := run(t, a, "derive", "--from", origID[:12], "--kind", "redaction", red); code != 0 {
		t.Fatalf("derive: %s", e)
	}
	toB := filepath.Join(t.TempDir(), "to-b")
	if _, e, code := run(t, a, "bundle", "create", "--out", toB, origID[:12], redID[:12]); code != 0 {
		t.Fatalf("bundle to B: %s", e)
	}
	b := filepath.Join(t.TempDir(), "b")
	c := filepath.Join(t.TempDir(), "c")
	for _, dir := range []string{b, c} {
		if _, e, code := run(t, dir, "init"); code != 0 {
			t.Fatalf("init: %s", e)
		}
	}
	if _, e, code := run(t, b, "bundle", "receive", toB); code != 0 {
		t.Fatalf("B receives: %s", e)
	}
	toC := filepath.Join(t.TempDir(), "to-c.zip")
	if _, e, code := run(t, b, "bundle", "create", "--out", toC, redID[:12]); code != 0 {
		t.Fatalf("bundle to C: %s", e)
	}
	fpA, fpB := fingerprint(t, a), fingerprint(t, b)
	out, _, code := run(t, c, "bundle", "verify", toC)
	if code != 0 || !strings.Contains(out, "upstream hops: hop 1") || !strings.Contains(out, fpA) || !strings.Contains(out, "received by the bundle's signer") {
		t.Fatalf("C verifies: %d %s", code, out)
	}
	if _, e, code := run(t, c, "bundle", "receive", toC); code != 0 {
		t.Fatalf("C receives: %s", e)
	}
	out, _, _ = run(t, c, "log", redID[:12])
	if !strings.Contains(out, "receive") || !strings.Contains(out, fpB) || !strings.Contains(out, fpA) ||
		!strings.Contains(out, "redaction of a document recorded at index") || !strings.Contains(out, `"1-redacted.eml"`) {
		t.Fatalf("C's log of the redaction:\n%s", out)
	}
	if strings.Contains(out, origID[:12]) || strings.Contains(out, "tip") {
		t.Fatalf("C's log shows what was not disclosed:\n%s", out)
	}
	out, _, _ = run(t, c, "log", "--json", redID[:12])
	if strings.Count(out, `"upstream":`) < 3 || !strings.Contains(out, fpA) {
		t.Fatalf("C's log --json:\n%s", out)
	}
	out, _, _ = run(t, c, "show", redID[:12])
	if !strings.Contains(out, "Received through:") || !strings.Contains(out, "fingerprint "+fpA) || !strings.Contains(out, "redaction at index") {
		t.Fatalf("C's show of the redaction:\n%s", out)
	}
	// B was shown the original too: its record keeps the derivation.
	out, _, _ = run(t, b, "show", redID[:12])
	if !strings.Contains(out, "Derived:   redaction of ["+origID) {
		t.Fatalf("B's show of the redaction:\n%s", out)
	}
}
