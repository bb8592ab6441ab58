package bag

import (
	"os"
	"path/filepath"
	"testing"
)

// foldsCase tells whether the file system holding dir treats names that
// differ only in letter case as one (NTFS on Windows, APFS on macOS by
// default): tests that write both names see one file there.
func foldsCase(t *testing.T, dir string) bool {
	t.Helper()
	probe := filepath.Join(dir, "case-probe")
	if err := os.WriteFile(probe, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(probe)
	_, err := os.Stat(filepath.Join(dir, "CASE-PROBE"))
	return err == nil
}

func TestFoldsCaseProbe(t *testing.T) {
	dir := t.TempDir()
	folds := foldsCase(t, dir)
	// Seen from the other side: two names in one folder are two files
	// exactly when the file system does not fold case.
	os.WriteFile(filepath.Join(dir, "x"), []byte("1"), 0o600)
	os.WriteFile(filepath.Join(dir, "X"), []byte("2"), 0o600)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(entries) == 1; got != folds {
		t.Errorf("foldsCase = %v, but the folder holds %d entries for x and X", folds, len(entries))
	}
}
