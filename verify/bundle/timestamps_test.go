package bundle_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive/bundleformat"
	"github.com/custody-app/custody/archive/tsa"
	"github.com/custody-app/custody/archive/tsa/tsatest"
	"github.com/custody-app/custody/archive/tsaclient"
	"github.com/custody-app/custody/verify/bundle"
	"github.com/custody-app/custody/verify/report"
)

// A bundle carries the tokens of the checkpoint it quotes; the check
// names the TSA and the time under the right root, warns under a root
// that did not sign the token (exit 1 with --strict), and calls a token
// over other bytes a problem whatever the roots.
func TestBundleTimestamps(t *testing.T) {
	ts := tsatest.Start(t, "Loopback TSA")
	other := tsatest.Start(t, "Other TSA")
	s := newSender(t)
	if _, err := s.a.AddTSA(ctx, "loop", ts.URL); err != nil {
		t.Fatal(err)
	}
	s.importText(t, "c.txt", "a third document\n") // a checkpoint not yet stamped
	dir := s.bundle(t, "b", s.all(t)...)
	if _, err := os.Stat(filepath.Join(dir, bundleformat.TimestampFile(1))); err != nil {
		t.Fatalf("no token in the bundle: %v", err)
	}
	// OpenSSL checks it independently, as docs/bundle-format.md says.
	out, err := exec.Command(tsatest.Need(t), "ts", "-verify", "-data", filepath.Join(dir, bundleformat.FileCheckpoint),
		"-in", filepath.Join(dir, bundleformat.TimestampFile(1)), "-token_in", "-CAfile", ts.RootsFile).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Verification: OK") {
		t.Fatalf("openssl ts -verify: %v\n%s", err, out)
	}
	roots, _ := tsa.RootCerts(ts.Roots)
	wrong, _ := tsa.RootCerts(other.Roots)

	res := bundle.Verify(ctx, dir, bundle.Options{TSARoots: roots})
	if len(res.Timestamps) != 1 || !res.Timestamps[0].Trusted || res.Timestamps[0].TSA != "Loopback TSA" ||
		!strings.HasPrefix(res.Timestamps[0].Words, "recorded before ") || !strings.HasSuffix(res.Timestamps[0].Words, " UTC per Loopback TSA") ||
		res.Timestamps[0].NotBefore == "" {
		t.Fatalf("timestamps %+v", res.Timestamps)
	}
	if code := res.Report.ExitCode(true); res.Report.Verdict != report.SignerUnknown || len(res.Report.Warnings) != 0 {
		t.Fatalf("verdict %s exit %d warnings %+v", res.Report.Verdict, code, res.Report.Warnings)
	}
	check := findCheck(res.Report, bundle.CheckTime)
	if check == nil || !check.OK || !strings.Contains(check.Detail, "per Loopback TSA") || !strings.Contains(check.Detail, "not before ") {
		t.Fatalf("check %+v", check)
	}

	// A root that did not sign it: a note, a problem only with --strict.
	res = bundle.Verify(ctx, dir, bundle.Options{TSARoots: wrong, Keys: nil})
	if len(res.Timestamps) != 1 || res.Timestamps[0].Trusted || !hasCode(res.Report.Warnings, bundle.TimestampUntrusted) {
		t.Fatalf("wrong root: %+v %+v", res.Timestamps, res.Report.Warnings)
	}
	if res.Report.ExitCode(false) != 0 || res.Report.ExitCode(true) != 1 {
		t.Fatalf("exit codes %d %d", res.Report.ExitCode(false), res.Report.ExitCode(true))
	}

	// A token over other bytes (the same TSA's token for another
	// checkpoint), with the tag manifest made to agree: always a problem.
	tok, err := tsaclient.Fetch(ctx, nil, ts.URL, []byte("another checkpoint\n"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, bundleformat.TimestampFile(2)), string(tok))
	rehashTags(t, dir)
	res = bundle.Verify(ctx, dir, bundle.Options{TSARoots: roots})
	if !hasCode(res.Report.Findings, bundle.TimestampInvalid) || res.Report.ExitCode(false) != 1 || res.Report.Verdict != report.Invalid {
		t.Fatalf("other hash: %s %+v", res.Report.Verdict, res.Report.Findings)
	}
	// A broken signature: flip a byte of the signature (the token's end).
	bad := []byte(readFile(t, filepath.Join(dir, bundleformat.TimestampFile(1))))
	bad[len(bad)-3] ^= 0x01
	writeFile(t, filepath.Join(dir, bundleformat.TimestampFile(2)), string(bad))
	rehashTags(t, dir)
	res = bundle.Verify(ctx, dir, bundle.Options{TSARoots: roots})
	if !hasCode(res.Report.Findings, bundle.TimestampInvalid) || res.Report.ExitCode(false) != 1 {
		t.Fatalf("broken signature: %+v", res.Report.Findings)
	}
}

// With the TSA down, bundle create still writes the bundle, without a
// token, and names the TSA that did not answer.
func TestBundleWithTSADown(t *testing.T) {
	ts := tsatest.Start(t, "Loopback TSA")
	s := newSender(t)
	if _, err := s.a.AddTSA(ctx, "loop", ts.URL); err != nil {
		t.Fatal(err)
	}
	ts.SetDown(true)
	s.importText(t, "c.txt", "a third document\n")
	dir := s.bundle(t, "b", s.all(t)...)
	if _, err := os.Stat(filepath.Join(dir, bundleformat.TimestampsDir)); !os.IsNotExist(err) {
		t.Fatalf("a token with the TSA down: %v", err)
	}
	res := bundle.Verify(ctx, dir, bundle.Options{})
	if len(res.Timestamps) != 0 || res.Report.ExitCode(true) != 1 || res.Report.Verdict != report.SignerUnknown {
		t.Fatalf("%s %+v", res.Report.Verdict, res.Timestamps)
	}
}

func findCheck(r *report.Report, name string) *report.Check {
	for i := range r.Checks {
		if r.Checks[i].Name == name {
			return &r.Checks[i]
		}
	}
	return nil
}

func hasCode(fs []report.Finding, code string) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}
