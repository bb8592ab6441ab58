package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sender makes an archive holding a few documents and writes a bundle of
// all of them to dir/name; it returns the archive's folder.
func sender(t *testing.T, dir, name string) string {
	t.Helper()
	arc := filepath.Join(t.TempDir(), "sender")
	src := filepath.Join(t.TempDir(), "leak")
	os.MkdirAll(filepath.Join(src, "mail"), 0o755)
	os.WriteFile(filepath.Join(src, "mail", "1.eml"), []byte("Subject: one\r\n\r\nbody\r\n"), 0o644)
	os.WriteFile(filepath.Join(src, "memo.txt"), []byte("the memo, every byte of it\n"), 0o644)
	if _, code := custody(t, "", arc, "import", "--source", "tip", src); code != 0 {
		t.Fatalf("import: exit %d", code)
	}
	if _, code := custody(t, "", arc, "bundle", "create", "--out", filepath.Join(dir, name), "--all", "--disclose", "sources"); code != 0 {
		t.Fatalf("bundle create: exit %d", code)
	}
	return arc
}

func TestPageVerifiesAZipAsTheCLIDoes(t *testing.T) {
	b := newBrowser(t)
	page := testPage(t)
	dir := t.TempDir()
	sender(t, dir, "b.zip")
	want, _ := custody(t, dir, "", "bundle", "verify", "--no-archive", "--json", "b.zip")
	got := b.check(t, page, "", filepath.Join(dir, "b.zip"), false)
	if got.State != "done" {
		t.Fatalf("the page ended %s: %s", got.State, got.Error)
	}
	if got.JSON != want {
		t.Errorf("the page's JSON differs from the CLI's:\npage:\n%s\ncli:\n%s", got.JSON, want)
	}
	if got.Verdict != "INTACT, SIGNER UNKNOWN" {
		t.Errorf("data-verdict %q", got.Verdict)
	}
	t.Logf("requests: %q", b.requests())
	for _, u := range b.requests() {
		if !strings.HasPrefix(u, "file:") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			t.Errorf("the page requested %s", u)
		}
	}
}
