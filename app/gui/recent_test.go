package gui

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestSameFolder(t *testing.T) {
	dir := t.TempDir()
	arc := filepath.Join(dir, "arc")
	if err := os.Mkdir(arc, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(arc, link); err != nil && runtime.GOOS != "windows" {
		t.Fatal(err)
	} else if err == nil && !sameFolder(arc, link) {
		t.Error("a link to the folder is another folder")
	}
	for _, p := range []string{arc + string(filepath.Separator), filepath.Join(arc, "..", "arc"), filepath.Join(dir, ".", "arc")} {
		if !sameFolder(arc, p) {
			t.Errorf("%s and %s are two folders", arc, p)
		}
	}
	if sameFolder(arc, dir) {
		t.Error("a folder and its parent are one")
	}
	// Folders that are gone are compared by their cleaned names.
	if !samePathText(filepath.FromSlash("/Cases/arc"), filepath.FromSlash("/cases/ARC/"), true) {
		t.Error("folding case: two spellings of one folder are two")
	}
	if samePathText("/cases/arc", "/cases/ARC", false) {
		t.Error("without folding: two folders are one")
	}
	if runtime.GOOS == "windows" && !sameFolder(`C:/gone/arc`, `c:\Gone\arc\`) {
		t.Error(`C:/gone/arc and c:\Gone\arc\ are two`)
	}
}

func TestRememberOneSpelling(t *testing.T) {
	u := newTestUI(t, nil)
	arc := filepath.Join(t.TempDir(), "arc")
	if err := os.Mkdir(arc, 0o700); err != nil {
		t.Fatal(err)
	}
	u.remember(arc)
	u.remember(arc + string(filepath.Separator))
	u.remember(filepath.Join(arc, "..", "arc"))
	if got := u.recent(); len(got) != 1 || got[0] != arc {
		t.Errorf("recent = %q, want only %q", got, arc)
	}
}
