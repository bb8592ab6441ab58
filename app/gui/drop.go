package gui

import (
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// dropped handles files and folders dropped onto the window: a single
// bag (a folder with bagit.txt, or a .zip) may be verified or imported;
// anything else is imported.
func (u *ui) dropped(_ fyne.Position, uris []fyne.URI) {
	if u.arc == nil || u.main == nil {
		return
	}
	var paths []string
	for _, x := range uris {
		if x.Scheme() == "file" {
			paths = append(paths, x.Path())
		}
	}
	if len(paths) == 0 {
		return
	}
	if len(paths) == 1 && looksLikeBag(paths[0]) {
		p := paths[0]
		d := dialog.NewCustomConfirm("Bundle or documents?",
			"Verify bundle", "Import as documents",
			para(filepath.Base(p)+" looks like a bundle (a BagIt bag). Verify it, or import its files as documents?"),
			func(verify bool) {
				if verify {
					u.verifyBundle(p)
				} else {
					u.askImport(paths)
				}
			}, u.win)
		d.Show()
		return
	}
	u.askImport(paths)
}

// looksLikeBag says whether path is a .zip file or a folder holding
// bagit.txt. It only looks at names; verification reads the rest.
func looksLikeBag(path string) bool {
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	if !fi.IsDir() {
		return strings.EqualFold(filepath.Ext(path), ".zip")
	}
	_, err = os.Stat(filepath.Join(path, "bagit.txt"))
	return err == nil
}
