package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/witness"
)

// cliWitness runs a witness archive on loopback that trusts the log
// archive in logDir, and returns its URL and key.
func cliWitness(t *testing.T, logDir string) (*httptest.Server, string) {
	t.Helper()
	w, err := archive.Open(filepath.Join(t.TempDir(), "witness"), archivetest.Options(true))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	pub, err := keys.ReadPublic(logDir)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Trust("Log desk", pub.VerifierKey, "test"); err != nil {
		t.Fatal(err)
	}
	wk, err := w.WitnessKey()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(witness.Handler(w.AddCheckpoint))
	t.Cleanup(srv.Close)
	return srv, wk.VerifierKey
}

func mustRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, e, code := run(t, dir, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d\n%s%s", args, code, out, e)
	}
	return out
}

func importDir(t *testing.T, dir, name string) {
	t.Helper()
	src := filepath.Join(t.TempDir(), name)
	os.MkdirAll(src, 0o755)
	os.WriteFile(filepath.Join(src, name+".txt"), []byte("text of "+name), 0o644)
	mustRun(t, dir, "import", src)
}

func TestWitnessCommandsEndToEnd(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "arc")
	mustRun(t, dir, "init")
	importDir(t, dir, "memo")
	srv, wkey := cliWitness(t, dir)

	before := mustRun(t, dir, "checkpoint")
	mustRun(t, dir, "witness", "add", "Paper B", srv.URL, wkey)
	if out := mustRun(t, dir, "witness", "list"); !strings.Contains(out, "Paper B") || !strings.Contains(out, wkey) {
		t.Fatalf("witness list:\n%s", out)
	}
	out := mustRun(t, dir, "checkpoint")
	if !strings.HasPrefix(out, before) || !strings.Contains(out, "witness Paper B: cosigned") || !strings.Contains(out, "Cosigned by 1 of 1") {
		t.Fatalf("checkpoint with a witness:\n%s", out)
	}

	bag := filepath.Join(t.TempDir(), "b.zip")
	mustRun(t, dir, "bundle", "create", "--out", bag, "--all")
	out, _, code := run(t, "", "bundle", "verify", "--no-archive", "--witness-key", wkey, bag)
	if !strings.Contains(out, "witnessed by 1 of 1: custody-witness-") {
		t.Fatalf("bundle verify --witness-key: %d\n%s", code, out)
	}
	// Checked against the archive, its witness counts by its own name.
	if out := mustRun(t, dir, "bundle", "verify", bag); !strings.Contains(out, "witnessed by 1 of 1: Paper B") {
		t.Fatalf("bundle verify in the archive:\n%s", out)
	}
	// Unknown cosignature: a warning, a problem with --strict.
	if out, _, code := run(t, "", "bundle", "verify", "--no-archive", "--strict", "--key", archivePublic(t, dir), bag); code != 1 || !strings.Contains(out, "BUNDLE_COSIGNATURE_UNTRUSTED") {
		t.Fatalf("--strict with an unknown witness: %d\n%s", code, out)
	}
	if out, _, code := run(t, "", "bundle", "verify", "--no-archive", "--key", archivePublic(t, dir), bag); code != 0 {
		t.Fatalf("without --strict: %d\n%s", code, out)
	}
	// A policy of two witnesses, one of which never cosigned.
	other := filepath.Join(t.TempDir(), "other")
	mustRun(t, other, "init")
	_, otherKey := cliWitness(t, other)
	policy := filepath.Join(t.TempDir(), "policy")
	os.WriteFile(policy, []byte("witness B "+wkey+"\nwitness C "+otherKey+"\ngroup both all B C\ngroup one any B C\nquorum both\n"), 0o644)
	if out, _, code := run(t, "", "bundle", "verify", "--no-archive", "--key", archivePublic(t, dir), "--witness-policy", policy, bag); code != 1 || !strings.Contains(out, "BUNDLE_WITNESS_POLICY_UNMET") {
		t.Fatalf("policy not met: %d\n%s", code, out)
	}
	os.WriteFile(policy, []byte("witness B "+wkey+"\nwitness C "+otherKey+"\ngroup one any B C\nquorum one\n"), 0o644)
	if out, _, code := run(t, "", "bundle", "verify", "--no-archive", "--json", "--key", archivePublic(t, dir), "--witness-policy", policy, bag); code != 0 || !strings.Contains(out, `"policy": "met"`) {
		t.Fatalf("policy met: %d\n%s", code, out)
	}

	// Proofs carry the cosignatures: Custody's JSON and a tlog-proof
	// (after the bundle's export event, a new checkpoint to cosign).
	mustRun(t, dir, "checkpoint")
	docFile := filepath.Join(t.TempDir(), "memo.txt")
	os.WriteFile(docFile, []byte("text of memo"), 0o644)
	sum := sha256.Sum256([]byte("text of memo"))
	id := hex.EncodeToString(sum[:])
	for _, format := range []string{"json", "tlog-proof"} {
		proof := mustRun(t, dir, "prove", "--format", format, id)
		if format == "tlog-proof" && !strings.HasPrefix(proof, "c2sp.org/tlog-proof@v1\nextra ") {
			t.Fatalf("tlog-proof:\n%s", proof)
		}
		pf := filepath.Join(t.TempDir(), "proof")
		os.WriteFile(pf, []byte(proof), 0o644)
		out, _, code := run(t, "", "check-proof", "--doc", docFile, "--key", archivePublic(t, dir), "--witness-key", wkey, pf)
		if code != 0 || !strings.HasPrefix(out, "PROVEN") || !strings.Contains(out, "witnessed by 1 of 1: custody-witness-") {
			t.Fatalf("check-proof of a %s proof: %d\n%s", format, code, out)
		}
		// Another document's file is not proven by it.
		other := filepath.Join(t.TempDir(), "other.txt")
		os.WriteFile(other, []byte("not the memo"), 0o644)
		if out, _, code := run(t, "", "check-proof", "--doc", other, "--key", archivePublic(t, dir), pf); code != 1 {
			t.Fatalf("check-proof of another file with a %s proof: %d\n%s", format, code, out)
		}
	}

	// A diverged copy of the archive is refused by the same witness.
	cp := filepath.Join(t.TempDir(), "copy")
	if err := os.CopyFS(cp, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(cp, archive.LockFile))
	importDir(t, dir, "original")
	importDir(t, cp, "copy")
	mustRun(t, dir, "checkpoint")
	out, _, code = run(t, cp, "checkpoint")
	if code != 1 || !strings.Contains(out, "FORKED") || !strings.Contains(out, "witness Paper B: refused") {
		t.Fatalf("diverged copy: exit %d\n%s", code, out)
	}

	// Every command that signs a checkpoint has it cosigned at once: the
	// checkpoint after an import was cosigned before checkpoint asks.
	importDir(t, dir, "hooked")
	if out := mustRun(t, dir, "checkpoint"); !strings.Contains(out, "witness Paper B: cosigned") || !strings.Contains(out, "cosigned before") {
		t.Fatalf("the import did not have its checkpoint cosigned:\n%s", out)
	}

	// The witness down: exit 2. (Were it up, the import itself would
	// have had the new checkpoint cosigned already.)
	srv.Close()
	importDir(t, dir, "later")
	if out, _, code := run(t, dir, "checkpoint"); code != 2 || !strings.Contains(out, "unreachable") {
		t.Fatalf("witness down: exit %d\n%s", code, out)
	}
}

func archivePublic(t *testing.T, dir string) string {
	t.Helper()
	pub, err := keys.ReadPublic(dir)
	if err != nil {
		t.Fatal(err)
	}
	return pub.VerifierKey
}

// TestWitnessByFiles: an air-gapped witness cosigns through files with
// the same bytes as the HTTP bodies.
func TestWitnessByFiles(t *testing.T) {
	logDir := filepath.Join(t.TempDir(), "log")
	wDir := filepath.Join(t.TempDir(), "witness")
	mustRun(t, logDir, "init")
	mustRun(t, wDir, "init")
	importDir(t, logDir, "memo")
	mustRun(t, wDir, "keys", "trust", "Log desk", archivePublic(t, logDir))
	wkey := strings.TrimSpace(mustRun(t, wDir, "witness", "key"))
	if !strings.HasPrefix(wkey, "custody-witness-") {
		t.Fatalf("witness key %q", wkey)
	}
	mustRun(t, logDir, "witness", "add", "Air gap", "-", wkey)
	if _, e, code := run(t, logDir, "witness", "add", "Again", "-", wkey); code != 2 || !strings.Contains(e, "witness remove") {
		t.Fatalf("adding the same key twice: %d %s", code, e)
	}
	if out := mustRun(t, logDir, "checkpoint"); !strings.Contains(out, "witness Air gap: offline") {
		t.Fatalf("checkpoint with an offline witness:\n%s", out)
	}
	dir := t.TempDir()
	req, ans := filepath.Join(dir, "request"), filepath.Join(dir, "answer")
	mustRun(t, logDir, "witness", "request", "--out", req)
	body, _ := os.ReadFile(req)
	if r, err := witness.ParseRequest(body); err != nil || r.Old != 0 {
		t.Fatalf("request file: %v", err)
	}
	mustRun(t, wDir, "witness", "cosign", req, "--out", ans)
	if out := mustRun(t, logDir, "witness", "accept", ans); !strings.Contains(out, "Air gap") {
		t.Fatalf("accept: %s", out)
	}
	if out := mustRun(t, logDir, "witness", "list"); !strings.Contains(out, "cosigned size 1") {
		t.Fatalf("list after accept:\n%s", out)
	}
	// The same request again from a diverged copy is refused with the reason.
	cp := filepath.Join(t.TempDir(), "copy")
	os.CopyFS(cp, os.DirFS(logDir))
	os.Remove(filepath.Join(cp, archive.LockFile))
	importDir(t, logDir, "a")
	importDir(t, cp, "b")
	req2, req3 := filepath.Join(dir, "r2"), filepath.Join(dir, "r3")
	mustRun(t, logDir, "witness", "request", "--out", req2)
	mustRun(t, cp, "witness", "request", "--out", req3)
	mustRun(t, wDir, "witness", "cosign", req2, "--out", filepath.Join(dir, "a2"))
	if out, _, code := run(t, wDir, "witness", "cosign", req3, "--out", filepath.Join(dir, "a3")); code != 1 || !strings.Contains(out, "REFUSED (409") || !strings.Contains(out, "cosigned size 2 of that log last") {
		t.Fatalf("the copy's request: %d\n%s", code, out)
	}
}
