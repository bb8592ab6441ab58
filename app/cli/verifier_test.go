package cli

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/app/web"
)

// TestVerifierPage writes the page, prints its SHA-256, and puts the same
// bytes in a bundle as custody/verify.html, listed in the tag manifest.
func TestVerifierPage(t *testing.T) {
	out := filepath.Join(t.TempDir(), "v.html")
	stdout, stderr, code := run(t, t.TempDir(), "verifier", "--out", out)
	if _, err := web.Page(); err != nil {
		if code != ExitFailed || !strings.Contains(stderr, "make build") {
			t.Fatalf("without the page: exit %d, %q", code, stderr)
		}
		t.Skip("this build has no verifier page (make build generates it)")
	}
	page, err := os.ReadFile(out)
	if code != 0 || err != nil {
		t.Fatalf("exit %d %s %v", code, stderr, err)
	}
	sum := sha256.Sum256(page)
	if !strings.Contains(stdout, hex.EncodeToString(sum[:])) {
		t.Errorf("the SHA-256 is not printed: %s", stdout)
	}
	if !strings.Contains(string(page), "default-src 'none'") {
		t.Error("the page has no Content-Security-Policy forbidding requests")
	}

	dir := bundleSetup(t)
	zipPath := filepath.Join(t.TempDir(), "b.zip")
	if _, e, code := run(t, dir, "bundle", "create", "--out", zipPath, "--all", "--with-verifier"); code != 0 {
		t.Fatalf("bundle create --with-verifier: %d %s", code, e)
	}
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var tagManifest string
	found := false
	for _, f := range zr.File {
		r, _ := f.Open()
		b := make([]byte, f.UncompressedSize64)
		_, err := io.ReadFull(r, b)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasSuffix(f.Name, "/custody/verify.html"):
			found = string(b) == string(page)
		case strings.HasSuffix(f.Name, "/tagmanifest-sha256.txt"):
			tagManifest = string(b)
		}
	}
	if !found || !strings.Contains(tagManifest, hex.EncodeToString(sum[:])+"  custody/verify.html") {
		t.Errorf("the bundle's page: found %v; tag manifest:\n%s", found, tagManifest)
	}
	if stdout, _, code := run(t, dir, "bundle", "verify", zipPath); code != 0 {
		t.Errorf("the bundle with the page does not verify: %d\n%s", code, stdout)
	}
}
