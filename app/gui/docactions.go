package gui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2/dialog"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/progress"
)

// exportFileDialog asks for a folder and writes the document into it
// under its original name (never overwriting a file).
func (u *ui) exportFileDialog(r *catalog.Record) {
	u.pickOpen(pickFolder, "Export into a folder", nil, func(paths []string) { u.exportFile(r, paths[0]) })
}

// exportFile writes r into dir, its bytes verified on the way out.
func (u *ui) exportFile(r *catalog.Record, dir string) {
	a := u.arc
	u.runTask("Exporting "+displayName(r), func(ctx context.Context, p progress.Func) func() {
		out, err := a.Export(ctx, [][32]byte{r.Sum()}, dir, p)
		return func() {
			if err != nil {
				dialog.ShowError(shownErr(fmt.Errorf("not exported: %w", err)), u.win)
				return
			}
			where := dir
			if len(out) == 1 {
				where = filepath.Join(dir, filepath.FromSlash(out[0].Path))
			}
			u.lastSummary = "Exported to " + where
			dialog.ShowInformation("Exported", "The document's bytes were checked against its SHA-256 and written to\n"+shownPath(where), u.win)
		}
	})
}

// saveProofDialog writes a proof of the document's provenance: its chain
// with an inclusion proof per event against the latest checkpoint.
func (u *ui) saveProofDialog(r *catalog.Record) {
	u.pickSave("Save a proof", filepath.Base(archive.ExportName(r))+".proof.json", []string{".json"},
		func(path string) { u.saveProof(r, path) })
}

// saveProof builds the proof off the UI goroutine and writes it to path.
func (u *ui) saveProof(r *catalog.Record, path string) {
	a := u.arc
	u.goWork(func() {
		b, err := a.Prove(r.Sum())
		if err == nil {
			err = os.WriteFile(path, b, 0o644)
		}
		u.do(func() {
			if err != nil {
				dialog.ShowError(shownErr(fmt.Errorf("no proof was saved: %w", err)), u.win)
				return
			}
			u.lastSummary = "Proof saved to " + path
			dialog.ShowInformation("Proof saved", shownPath(path)+"\n\nAnyone can check it against the document's file, "+
				"with Custody (Verify → Check a proof) or with \"custody check-proof\".", u.win)
		})
	})
}
