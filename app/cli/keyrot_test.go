package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// damage overwrites a byte of path (one bit flipped).
func damage(t *testing.T, path string, at int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[at%len(b)] ^= 0x01
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRecoveryKit: with identity.json and KEYREGISTRY damaged together
// with their copies, every command says which file is damaged and how to
// restore it; keys restore from the kit made before brings the archive
// back, and a damaged file with an intact copy is repaired at once.
func TestRecoveryKit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "arc")
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "memo.txt"), []byte("the memo\n"), 0o644)
	if _, e, code := run(t, dir, "import", src); code != 0 {
		t.Fatal(e)
	}
	kit := filepath.Join(t.TempDir(), "kit.txt")
	if out, e, code := run(t, dir, "keys", "backup", "--out", kit); code != 0 || !strings.Contains(out, "recovery kit") {
		t.Fatalf("backup: %d %s %s", code, out, e)
	}
	text, _ := os.ReadFile(kit)
	for _, want := range []string{"Fingerprint:", "Log origin:", "keys restore", "-----BEGIN identity.json sha256", "-----BEGIN store/KEYREGISTRY sha256"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the kit lacks %q", want)
		}
	}
	if _, _, code := run(t, dir, "keys", "backup", "--out", kit); code != 2 {
		t.Error("backup overwrote a file")
	}
	ident := filepath.Join(dir, "identity.json")
	reg := filepath.Join(dir, "store", "KEYREGISTRY")

	// A damaged file with an intact copy: repaired, nothing to do.
	damage(t, ident, 300)
	damage(t, reg, 20)
	if out, e, code := run(t, dir, "ls"); code != 0 || !strings.Contains(out, "memo.txt") {
		t.Fatalf("ls with damaged files and intact copies: %d %s %s", code, out, e)
	}

	// Both damaged, the copies too (their checksum lines).
	for _, tc := range []struct{ file, name string }{{ident, "identity.json"}, {reg, "store/KEYREGISTRY"}} {
		orig, _ := os.ReadFile(tc.file)
		cp, _ := os.ReadFile(tc.file + ".copy")
		at := strings.Index(string(cp), string(orig))
		damage(t, tc.file, 20)
		damage(t, tc.file+".copy", at+20)                                  // the same byte of the version it holds
		damage(t, tc.file+".copy", strings.Index(string(cp), "sha256 ")+9) // and its checksum
		_, e, code := run(t, dir, "ls")
		if code != 2 || !strings.Contains(e, tc.name) || !strings.Contains(e, "keys restore") || strings.Contains(e, "wrong passphrase") {
			t.Fatalf("ls with %s and its copy damaged: %d %q", tc.name, code, e)
		}
		t.Logf("%s: %s", tc.name, e)
		out, e, code := run(t, dir, "keys", "restore", kit)
		if code != 0 || !strings.Contains(out, tc.name+" restored from the kit") {
			t.Fatalf("restore: %d %s %s", code, out, e)
		}
		if out, e, code := run(t, dir, "verify"); code != 0 {
			t.Fatalf("verify after the restore: %d %s %s", code, out, e)
		}
	}
}
