package gui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/prooffile"
	"github.com/custody-app/custody/verify/report"
)

// proofForm is the Check a proof dialog: a proof file and the document's
// file, optionally a checkpoint published earlier and the signer's key.
type proofForm struct {
	proof, doc, published, key *widget.Entry
	dlg                        *dialog.ConfirmDialog
}

// checkProofDialog checks a proof file, as "custody check-proof" does; it
// needs no archive.
func (u *ui) checkProofDialog() {
	f := &proofForm{proof: widget.NewEntry(), doc: widget.NewEntry(), published: widget.NewEntry(), key: widget.NewEntry()}
	f.key.SetPlaceHolder("The archivist's verifier key, obtained from them (optional)")
	f.published.SetPlaceHolder("A checkpoint they published earlier (optional)")
	pick := func(e *widget.Entry) fyne.CanvasObject {
		b := widget.NewButtonWithIcon("Choose…", theme.FileIcon(), func() {
			u.pickOpen(pickFile, "Choose a file", nil, func(paths []string) { e.SetText(paths[0]) })
		})
		return container.NewBorder(nil, nil, nil, b, e)
	}
	form := widget.NewForm(
		widget.NewFormItem("Proof", pick(f.proof)),
		widget.NewFormItem("Document", pick(f.doc)),
		widget.NewFormItem("Published", pick(f.published)),
		widget.NewFormItem("Key", f.key),
	)
	f.dlg = dialog.NewCustomConfirm("Check a proof", "Check", "Cancel", form, func(ok bool) {
		if ok {
			u.proofForm = nil
			u.runCheckProof(f.proof.Text, f.doc.Text, f.published.Text, strings.TrimSpace(f.key.Text))
		}
	}, u.win)
	f.dlg.Resize(fyne.NewSize(min(640, u.win.Canvas().Size().Width-40), 0))
	u.proofForm = f
	f.dlg.Show()
}

// runCheckProof checks off the UI goroutine and shows the verdict.
func (u *ui) runCheckProof(proofPath, docPath, publishedPath, key string) {
	u.goWork(func() {
		verdict, text := checkProofFiles(proofPath, docPath, publishedPath, key)
		u.do(func() {
			bg, fg := verdictColors(report.Verdict(verdict))
			if v := report.Verdict(verdict); v != prooffile.Proven && v != prooffile.ProvenSignerUnknown {
				bg, fg = colRed, colWhite
			}
			u.lastSummary = verdict + "\n" + text
			d := dialog.NewCustom("Proof check", "Close", container.NewVBox(banner(verdict, "", bg, fg), mono(text)), u.win)
			d.Resize(fyne.NewSize(min(680, u.win.Canvas().Size().Width-40), 0))
			d.Show()
		})
	})
}

// checkProofFiles checks the proof (verify/prooffile) and words the
// result for the window.
func checkProofFiles(proofPath, docPath, publishedPath, key string) (verdict, text string) {
	if strings.TrimSpace(publishedPath) == "" {
		publishedPath = ""
	}
	c := prooffile.Check(prooffile.Input{Proof: proofPath, Doc: docPath, Published: publishedPath, Key: key})
	switch c.Verdict {
	case prooffile.NotChecked:
		return string(c.Verdict), quote.Safe(c.Err.Error())
	case prooffile.NotProven:
		text = quote.Safe(c.Err.Error())
		if c.Fork != nil {
			text += "\n\nEvidence (hand this on):\n" + report.ShownLines(c.Fork.Evidence())
		}
		return string(c.Verdict), text
	case prooffile.NotProvenByThatKey:
		return string(c.Verdict), fmt.Sprintf("The checkpoint is not signed by the key you gave (fingerprint %s); "+
			"it verifies only under the key inside the proof: %s.", c.Key.Fingerprint, quote.Safe(c.ProofSigner().Who()))
	}
	res := c.Proof
	var b strings.Builder
	fmt.Fprintf(&b, "Document %x\n%d event(s) included in checkpoint %s #%d\n%s\n", c.Doc, len(res.Events),
		quote.Safe(res.Checkpoint.Origin), res.Checkpoint.Size, res.Published)
	for _, ev := range res.Events {
		fmt.Fprintf(&b, "%s  %-8s %s %s\n", quote.Safe(ev.Time), quote.Safe(ev.Type), quote.Safe(shortID(ev.Doc)), quote.Safe(ev.Name))
	}
	if c.Witnesses != nil {
		fmt.Fprintf(&b, "Checkpoint %s\n", quote.Safe(c.Witnesses.Summary()))
	}
	if !res.Trusted {
		b.WriteString("The checkpoint verifies under the key inside the proof; give the archivist's key, obtained from them, to know who signed it.")
	}
	return string(c.Verdict), b.String()
}
