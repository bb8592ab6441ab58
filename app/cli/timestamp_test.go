package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/custody-app/custody/archive/tsa/tsatest"
)

// The command line's time stamps against a TSA on loopback: add one,
// import while it is down (the import succeeds, with a note), stamp
// later, and verify a bundle with the right root, a wrong root and
// --strict, and with the root in the trust store.
func TestTimestampCommands(t *testing.T) {
	ts := tsatest.Start(t, "Loopback TSA")
	other := tsatest.Start(t, "Other TSA")
	dir := filepath.Join(t.TempDir(), "arc")
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "a.txt"), []byte("first"), 0o644)
	if _, e, code := run(t, dir, "import", src); code != 0 {
		t.Fatalf("import: %s", e)
	}
	if _, e, code := run(t, dir, "timestamp"); code != 2 || !strings.Contains(e, "custody timestamp --tsa URL") {
		t.Fatalf("timestamp with none configured: %d %s", code, e)
	}
	out, e, code := run(t, dir, "timestamp", "--tsa", ts.URL, "--name", "loop")
	if code != 0 || !strings.Contains(out, "Added loop") || !strings.Contains(out, "UTC per Loopback TSA") {
		t.Fatalf("timestamp --tsa: %d %q %q", code, out, e)
	}
	if out, _, _ := run(t, dir, "timestamp", "list"); !strings.Contains(out, "loop") || !strings.Contains(out, ts.URL) {
		t.Fatalf("list: %q", out)
	}

	ts.SetDown(true)
	src2 := t.TempDir()
	os.WriteFile(filepath.Join(src2, "b.txt"), []byte("second"), 0o644)
	out, e, code = run(t, dir, "import", src2)
	if code != 0 || !strings.Contains(e, "loop did not give a time stamp") || !strings.Contains(e, "next chance") {
		t.Fatalf("import with the TSA down: %d %q %q", code, out, e)
	}
	if _, e, code := run(t, dir, "timestamp"); code != 2 || !strings.Contains(e, "still missing") {
		t.Fatalf("timestamp with the TSA down: %d %q", code, e)
	}
	ts.SetDown(false)
	out, e, code = run(t, dir, "timestamp")
	if code != 0 || !strings.Contains(out, "Checkpoint 2 recorded before") {
		t.Fatalf("timestamp at the next chance: %d %q %q", code, out, e)
	}
	if out, _, code := run(t, dir, "timestamp"); code != 0 || !strings.Contains(out, "Every checkpoint is stamped") {
		t.Fatalf("nothing left: %d %q", code, out)
	}

	b := filepath.Join(t.TempDir(), "b")
	out, e, code = run(t, dir, "bundle", "create", "--all", "--out", b)
	if code != 0 || !strings.Contains(out, "Time stamps: 1") {
		t.Fatalf("bundle create: %d %q %q", code, out, e)
	}
	out, _, code = run(t, dir, "bundle", "verify", "--no-archive", "--tsa-roots", ts.RootsFile, b)
	if code != 0 || !strings.Contains(out, "Checkpoint recorded before ") || !strings.Contains(out, " UTC per Loopback TSA\n") || !strings.Contains(out, "not before ") {
		t.Fatalf("verify with the root: %d %s", code, out)
	}
	for _, name := range []string{"r.html", "r.pdf"} {
		rp := filepath.Join(t.TempDir(), name)
		if _, e, code := run(t, dir, "bundle", "verify", "--no-archive", "--tsa-roots", ts.RootsFile, "--report", rp, b); code != 0 {
			t.Fatalf("--report %s: %s", name, e)
		}
		if name == "r.html" {
			page, _ := os.ReadFile(rp)
			if !strings.Contains(string(page), "<th>Time stamp</th><td>recorded before ") || !strings.Contains(string(page), "per Loopback TSA") {
				t.Fatalf("the HTML report has no time stamp row")
			}
		} else if pdftotext, err := exec.LookPath("pdftotext"); err == nil {
			text, err := exec.Command(pdftotext, rp, "-").Output()
			if err != nil || !strings.Contains(string(text), "Time stamp") || !strings.Contains(string(text), "Loopback TSA") {
				t.Fatalf("the PDF report has no time stamp row: %v\n%s", err, text)
			}
		}
	}
	out, _, code = run(t, dir, "bundle", "verify", "--no-archive", "--tsa-roots", other.RootsFile, b)
	if code != 0 || !strings.Contains(out, "BUNDLE_TIMESTAMP_UNTRUSTED") {
		t.Fatalf("verify with a wrong root: %d %s", code, out)
	}
	if _, _, code := run(t, dir, "bundle", "verify", "--strict", "--tsa-roots", other.RootsFile, b); code != 1 {
		t.Fatalf("--strict with a wrong root: %d", code)
	}
	if _, e, code := run(t, dir, "keys", "trust-tsa", "loop-root", ts.RootsFile); code != 0 {
		t.Fatalf("trust-tsa: %s", e)
	}
	out, _, code = run(t, dir, "bundle", "verify", "--strict", "--json", b)
	var j struct {
		Timestamps []struct {
			TSA     string `json:"tsa"`
			Trusted bool   `json:"trusted"`
			Words   string `json:"words"`
		} `json:"timestamps"`
	}
	if err := json.Unmarshal([]byte(out), &j); err != nil || code != 0 || len(j.Timestamps) != 1 || !j.Timestamps[0].Trusted || j.Timestamps[0].TSA != "Loopback TSA" {
		t.Fatalf("verify with the trusted root: %d %v %s", code, err, out)
	}
	if out, _, _ := run(t, dir, "keys", "list-tsa"); !strings.Contains(out, "loop-root") || !strings.Contains(out, "Loopback TSA Root") {
		t.Fatalf("list-tsa: %q", out)
	}
	// A proof carries the checkpoint's tokens; check-proof reports them,
	// and a token over other bytes makes the proof NOT PROVEN.
	sum := sha256.Sum256([]byte("first"))
	id := hex.EncodeToString(sum[:])
	proof, e, code := run(t, dir, "prove", id)
	if code != 0 || !strings.Contains(proof, `"timestamps": [`) {
		t.Fatalf("prove: %d %s %s", code, e, proof)
	}
	pf := filepath.Join(t.TempDir(), "proof.json")
	os.WriteFile(pf, []byte(proof), 0o644)
	out, e, code = run(t, dir, "check-proof", "--doc", filepath.Join(src, "a.txt"), "--tsa-roots", ts.RootsFile, pf)
	if code != 0 || !strings.Contains(out, "checkpoint recorded before ") || !strings.Contains(out, "UTC per Loopback TSA\n") || strings.Contains(out, "not trusted") {
		t.Fatalf("check-proof: %d %q %q", code, out, e)
	}
	if out, _, _ := run(t, dir, "check-proof", "--doc", filepath.Join(src, "a.txt"), pf); !strings.Contains(out, "not trusted") {
		t.Fatalf("check-proof without roots: %q", out)
	}
	var pj map[string]any
	json.Unmarshal([]byte(proof), &pj)
	other64 := pj["timestamps"].([]any)[0].(string)
	pj["timestamps"] = []any{other64[:len(other64)-8] + "AAAAAAA="}
	bad, _ := json.Marshal(pj)
	os.WriteFile(pf, bad, 0o644)
	if out, _, code := run(t, dir, "check-proof", "--doc", filepath.Join(src, "a.txt"), pf); code != 1 || !strings.Contains(out, "no evidence of time") {
		t.Fatalf("check-proof with a broken token: %d %q", code, out)
	}

	if _, _, code := run(t, dir, "timestamp", "remove", "loop"); code != 0 {
		t.Fatal("remove")
	}
	if out, _, _ := run(t, dir, "timestamp", "list"); strings.Contains(out, "loop ") {
		t.Fatalf("still listed: %q", out)
	}
}

// What stamping adds to bundle create against a TSA on loopback, relative
// to the same archive's bundle create with none configured: reported, and
// bounded loosely (the aim is under a second; a loaded machine may be
// slower, so the bound is only checked with CUSTODY_LONG).
func TestBundleCreateStampingCost(t *testing.T) {
	ts := tsatest.Start(t, "Loopback TSA")
	dir := filepath.Join(t.TempDir(), "arc")
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "a.txt"), []byte("first"), 0o644)
	if _, e, code := run(t, dir, "import", src); code != 0 {
		t.Fatal(e)
	}
	create := func(n int) time.Duration {
		start := time.Now()
		if _, e, code := run(t, dir, "bundle", "create", "--all", "--out", filepath.Join(t.TempDir(), "b")); code != 0 {
			t.Fatal(e)
		}
		return time.Since(start)
	}
	best := func() time.Duration {
		d := create(0)
		for range 2 {
			d = min(d, create(0))
		}
		return d
	}
	without := best()
	if _, e, code := run(t, dir, "timestamp", "--tsa", ts.URL); code != 0 {
		t.Fatal(e)
	}
	with := best()
	t.Logf("bundle create: %v without a TSA, %v with one on loopback (stamping adds %v)", without, with, with-without)
	if os.Getenv("CUSTODY_LONG") != "" && with-without > time.Second {
		t.Fatalf("stamping added %v to bundle create", with-without)
	}
}
