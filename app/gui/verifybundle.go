package gui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/app/receive"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/bundle"
	"github.com/custody-app/custody/verify/report"
)

// verifyBundleDialog asks for a bundle: a folder or a .zip (or drop one
// onto the window).
func (u *ui) verifyBundleDialog() {
	if u.main == nil {
		return
	}
	var d dialog.Dialog
	folder := widget.NewButtonWithIcon("A bundle folder…", theme.FolderOpenIcon(), func() {
		d.Hide()
		u.pickOpen(pickFolder, "A bundle folder", nil, func(paths []string) { u.verifyBundle(paths[0]) })
	})
	zip := widget.NewButtonWithIcon("A .zip bundle…", theme.FileIcon(), func() {
		d.Hide()
		u.pickOpen(pickFile, "A .zip bundle", []string{".zip"}, func(paths []string) { u.verifyBundle(paths[0]) })
	})
	body := container.NewVBox(
		para("A bundle is a BagIt bag, as a folder or a .zip. Custody checks every file against its manifest "+
			"and, when the bag carries Custody provenance, every document's history against the sender's "+
			"signed checkpoint. An OCFL object or storage root (a folder) is checked against the OCFL "+
			"specification. You can also drop a bundle onto the window."),
		container.NewGridWithColumns(2, folder, zip),
	)
	d = dialog.NewCustom("Verify a bundle", "Cancel", body, u.win)
	d.Resize(fyne.NewSize(min(560, u.win.Canvas().Size().Width-40), 0))
	d.Show()
}

// verifyBundle checks the bundle at path against this archive's trusted
// keys and remembered checkpoints, with a progress dialog, then shows the
// report.
func (u *ui) verifyBundle(path string) {
	if u.main == nil {
		return
	}
	a := u.arc
	u.runTask("Verifying "+filepath.Base(path), func(ctx context.Context, p progress.Func) func() {
		opt := bundle.Options{Progress: p}
		if a != nil {
			opt.Archive = a
		}
		res := bundle.Verify(ctx, path, opt)
		return func() { u.showBundleReport(path, res) }
	})
}

// showBundleReport shows a bundle's verdict, who signed it, and what can
// be done next: receive it, trust its signer.
func (u *ui) showBundleReport(path string, res *bundle.Result) {
	v := res.Report.Verdict
	clean := v == report.Intact || v == report.SignerUnknown || v == report.NoProvenance
	var actions []fyne.CanvasObject
	if res.Bag != nil && !u.readOnly {
		if clean {
			recv := widget.NewButtonWithIcon("Receive into archive", theme.DownloadIcon(), func() { u.receiveBundle(path, false) })
			recv.Importance = widget.HighImportance
			actions = append(actions, recv)
		} else {
			actions = append(actions, widget.NewButtonWithIcon("Receive anyway…", theme.WarningIcon(), func() {
				dialog.ShowConfirm("Receive a "+string(v)+" bundle?",
					"Its documents will be imported, and every receive event will record that the bundle was "+
						"received despite the verdict "+string(v)+". Do this only to keep evidence of the problem.",
					func(ok bool) {
						if ok {
							u.receiveBundle(path, true)
						}
					}, u.win)
			}))
		}
	}
	if s := res.Signer; s != nil && !s.Trusted && !u.readOnly {
		actions = append(actions, widget.NewButtonWithIcon("Trust this signer…", theme.AccountIcon(), func() {
			u.trustKeyDialogThen("", s.VerifierKey, func() { u.verifyBundle(path) })
		}))
	}
	info := container.NewVBox()
	if res.Kind != "" {
		info.Add(widget.NewLabel("Checked as: " + res.Kind))
	}
	if s := res.Document("").Signer; s != nil {
		// Named by this archive's trust store, or as an unknown key with
		// its own name quoted as unverified (report.Signer), never by the
		// name the key gives itself.
		who := "Signed by " + s.Who()
		if s.Trusted {
			who += " (" + s.How + ")"
		}
		fp := widget.NewLabelWithStyle(s.Fingerprint, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true, Bold: true})
		fp.SizeName = theme.SizeNameSubHeadingText
		fp.Selectable = true
		l := widget.NewLabel(who)
		l.Truncation = fyne.TextTruncateEllipsis
		info.Add(container.NewBorder(nil, nil, nil, fp, l))
	}
	addHopLines(info, res)
	if w := res.Witnesses; w != nil {
		l := widget.NewLabel("Checkpoint " + quote.Safe(w.Summary()))
		l.Wrapping = fyne.TextWrapWord
		info.Add(l)
	}
	addTimeLines(info, res)
	if res.Fork != nil {
		ev := res.Fork.Evidence()
		info.Add(container.NewHBox(widget.NewLabel("Evidence of the fork, for anyone with the signer's key:"),
			u.copyButton("Copy evidence", func() string { return ev })))
	}
	p := u.showReport("Bundle verification", res.Report, report.BundleCheck, info, actions...)
	p.bundle = res
	if u.arc != nil {
		dir := u.arc.Dir()
		p.doc, p.logs = func() *report.Document { return res.Document(dir) }, true
	}
}

// receiveBundle imports a verified bundle so that its documents'
// provenance continues here.
func (u *ui) receiveBundle(path string, force bool) {
	a := u.arc
	u.runTask("Receiving "+filepath.Base(path), func(ctx context.Context, p progress.Func) func() {
		got, err := receive.Bundle(ctx, a, path, receive.Options{Force: force, Verifying: p, Importing: p})
		anchor(a)
		return func() {
			u.reload()
			u.received(got, err)
		}
	})
}

// received sums up a receive.
func (u *ui) received(got *receive.Received, err error) {
	var lines []string
	if err != nil {
		lines = append(lines, "Not received: "+hinted(err).Error())
	}
	if got != nil && got.Import != nil {
		res := got.Import
		lines = append(lines, fmt.Sprintf("Received %s (%s); %s already present; %s skipped.",
			plural(res.Added, "new document", "new documents"), humanBytes(res.Bytes),
			plural(res.Duplicates, "document", "documents"), plural(len(res.Skipped), "file", "files")))
		if got.Provenance {
			lines = append(lines, "Each document was recorded with a receive event naming the sender's log and checkpoint, so its provenance continues here.")
		} else {
			lines = append(lines, "The bag has no provenance: its documents were imported as new material, with the bag as their source.")
		}
		if got.Forced {
			lines = append(lines, "Received despite its verdict; each document's event records that.")
		}
		if got.Remembered && got.Verify != nil && got.Verify.Checkpoint != nil {
			lines = append(lines, fmt.Sprintf("The sender's checkpoint (size %s) is now the newest remembered from that log.",
				count(got.Verify.Checkpoint.Size)))
		}
	}
	text := strings.Join(lines, "\n\n")
	u.lastSummary = text
	d := dialog.NewCustom("Receive", "Close", para(text), u.win)
	d.Resize(fyne.NewSize(min(600, u.win.Canvas().Size().Width-40), 0))
	d.Show()
}
