package bundle_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive/errcode"
	"github.com/custody-app/custody/verify/bag"
	"github.com/custody-app/custody/verify/report"
)

// TestReceiveForcedUnlisted: a file planted under data/ that no manifest
// lists makes the bundle TAMPERED; received with --force, the listed files
// come in and the planted one is reported, never imported. Folder and zip.
func TestReceiveForcedUnlisted(t *testing.T) {
	s := newSender(t)
	dir := filepath.Join(t.TempDir(), "bag")
	copyDir(t, s.bundle(t, "b"), dir)
	writeFile(t, filepath.Join(dir, "data", "leak", "planted.txt"), "planted by someone\n")
	for _, path := range []string{dir, zipDir(t, dir)} {
		recv := newArchive(t)
		got, err := receiveBundle(ctx, recv, path, receiveOptions{Force: true})
		if err != nil || got.Verify.Report.Verdict != report.Tampered || !got.Forced || got.Import.Added != 3 {
			t.Fatalf("%s: forced receive: %v %+v", path, err, got.Import)
		}
		expect(t, got.Verify, report.Tampered, bag.PayloadNotInManifest, "data/leak/planted.txt")
		if sk := got.Import.Skipped; len(sk) != 1 || sk[0].Path != "data/leak/planted.txt" || !strings.Contains(sk[0].Reason, "no manifest lists it") {
			t.Errorf("%s: skipped %+v, want the planted file", path, sk)
		}
		recs, _ := recv.Records()
		if len(recs) != 3 {
			t.Errorf("%s: %d documents received, want 3", path, len(recs))
		}
		for _, r := range recs {
			if readDoc(t, recv, r.Sum()) == "planted by someone\n" || strings.Contains(r.FirstName(), "planted") {
				t.Errorf("%s: the planted file was imported as %s", path, r.FirstName())
			}
		}
	}
}

// TestReceiveForcedNothingChecked: when no file of a bundle has a matching
// checksum, a forced receive imports nothing and says so with a code.
func TestReceiveForcedNothingChecked(t *testing.T) {
	s := newSender(t)
	dir := filepath.Join(t.TempDir(), "bag")
	copyDir(t, s.bundle(t, "b"), dir)
	for _, name := range []string{"manifest-sha256.txt", "manifest-sha512.txt"} {
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if err != nil {
			continue // an optional manifest
		}
		// Every checksum's first digit changed: nothing matches.
		var out []string
		for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			c := "0"
			if line[0] == '0' {
				c = "1"
			}
			out = append(out, c+line[1:])
		}
		writeFile(t, p, strings.Join(out, "\n")+"\n")
	}
	recv := newArchive(t)
	got, err := receiveBundle(ctx, recv, dir, receiveOptions{Force: true})
	if errcode.Of(err) != errcode.ChecksumUnverified || got.Import == nil || len(got.Import.Skipped) != 3 {
		t.Fatalf("forced receive with no matching checksum: %v %+v", err, got)
	}
	if recs, _ := recv.Records(); len(recs) != 0 {
		t.Errorf("%d documents imported without a matching checksum", len(recs))
	}
}
