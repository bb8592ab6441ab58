package gui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/app/web"
	"github.com/custody-app/custody/archive/bundlewriter"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/report"
)

// Choices of what goes into a bundle.
const (
	fromMarked = "Marked documents"
	fromShown  = "Documents the search shows"
	fromTag    = "Documents tagged"
	fromAll    = "Every document"
)

// bundleForm is the Export bundle dialog.
type bundleForm struct {
	what      *widget.RadioGroup
	tag       *widget.Select
	ancestors *widget.Check
	warn      *widget.Label // shown while ancestors is ticked
	sources   *widget.Check
	notes     *widget.Check
	tags      *widget.Check
	format    *widget.RadioGroup
	verifier  *widget.Check // custody/verify.html (docs/verify-in-browser.md)
	page      []byte
	dir, name *widget.Entry
	note      *widget.Entry
	errs      *widget.Label
	dlg       *dialog.ConfirmDialog
}

// exportBundleDialog asks what to bundle and where, then writes it.
func (u *ui) exportBundleDialog() {
	if !u.canWrite() || u.main == nil {
		return
	}
	d := u.main.docs
	f := &bundleForm{errs: errorText()}
	u.bundleForm = f
	counts := map[string]string{
		fromMarked: fmt.Sprintf("%s (%s)", fromMarked, count(int64(len(d.marked)))),
		fromShown:  fmt.Sprintf("%s (%s)", fromShown, count(int64(len(d.shown)))),
		fromTag:    fromTag,
		fromAll:    fmt.Sprintf("%s (%s)", fromAll, count(int64(d.ix.Len()))),
	}
	labels := []string{counts[fromMarked], counts[fromShown], counts[fromTag], counts[fromAll]}
	f.what = widget.NewRadioGroup(labels, nil)
	f.tag = widget.NewSelect(d.ix.Tags(), func(string) { f.what.SetSelected(counts[fromTag]) })
	f.tag.PlaceHolder = "Choose a tag"
	if len(d.ix.Tags()) == 0 {
		f.tag.PlaceHolder = "No tags yet"
		f.tag.Disable()
	}
	switch {
	case len(d.marked) > 0:
		f.what.SetSelected(labels[0])
	case len(d.shown) < d.ix.Len():
		f.what.SetSelected(labels[1])
	default:
		f.what.SetSelected(labels[3])
	}
	f.warn = widget.NewLabel("The originals go too, with their names and records: an unredacted original reaches the receiver.")
	f.warn.Wrapping = fyne.TextWrapWord
	f.warn.Importance = widget.DangerImportance
	f.warn.Hide()
	f.ancestors = widget.NewCheck("Also send the originals they were derived from", func(on bool) {
		if on {
			f.warn.Show()
		} else {
			f.warn.Hide()
		}
	})
	f.sources = widget.NewCheck("Sources", nil)
	f.notes = widget.NewCheck("Notes", nil)
	f.tags = widget.NewCheck("Tags", nil)
	preview := widget.NewButtonWithIcon("What will the receiver see?", theme.VisibilityIcon(), func() {
		opt, ok := u.bundleOptions(f, counts)
		if ok {
			u.previewBundle(opt)
		}
	})
	f.page, _ = web.Page()
	f.verifier = widget.NewCheck("Add a verifier page ("+web.Size(f.page)+"): the receiver can check the bundle in a web browser", nil)
	if f.page == nil {
		f.verifier.Text = "Add a verifier page (not in this build of Custody)"
		f.verifier.Disable()
	}
	f.format = widget.NewRadioGroup([]string{"Folder", ".zip file"}, func(s string) {
		f.verifier.SetChecked(s == ".zip file" && f.page != nil) // on by default for a zip
	})
	f.format.Horizontal = true
	f.format.SetSelected("Folder")
	f.dir = widget.NewEntry()
	f.dir.SetText(displayPath(defaultSaveDir()))
	f.name = widget.NewEntry()
	f.name.SetText("bundle " + time.Now().Format("2006-01-02 1504"))
	f.note = widget.NewEntry()
	f.note.SetPlaceHolder("Who it is for, why (recorded in the log; optional)")
	choose := widget.NewButtonWithIcon("Choose…", theme.FolderOpenIcon(), func() {
		u.pickOpen(pickFolder, "Save the bundle in", nil, func(paths []string) { f.dir.SetText(displayPath(paths[0])) })
	})
	form := widget.NewForm(
		widget.NewFormItem("Documents", container.NewVBox(f.what, f.tag, f.ancestors, f.warn)),
		widget.NewFormItem("Also disclose", container.NewVBox(container.NewHBox(f.sources, f.notes, f.tags),
			para("Names always go. Sources, notes and tags stay recorded but undisclosed unless ticked."), preview)),
		widget.NewFormItem("As", container.NewVBox(f.format, f.verifier)),
		widget.NewFormItem("Save in", container.NewBorder(nil, nil, nil, choose, f.dir)),
		widget.NewFormItem("Name", f.name),
		widget.NewFormItem("Note", f.note),
	)
	body := container.NewVBox(form, para("A bundle is a BagIt bag that any BagIt tool can check; Custody adds each "+
		"document's signed provenance, so the receiver can prove where it came from."), f.errs)
	f.dlg = dialog.NewCustomConfirm("Export a bundle", "Export", "Cancel", body, func(ok bool) {
		if ok {
			u.bundleForm = nil
			u.submitBundle(f, counts)
		}
	}, u.win)
	f.dlg.Resize(fyne.NewSize(min(640, u.win.Canvas().Size().Width-40), 0))
	f.dlg.Show()
}

// submitBundle resolves the choice into documents and writes the bundle.
func (u *ui) submitBundle(f *bundleForm, counts map[string]string) {
	opt, ok := u.bundleOptions(f, counts)
	if !ok {
		return
	}
	name := strings.TrimSpace(f.name.Text)
	if name == "" {
		name = "bundle"
	}
	zip := f.format.Selected == ".zip file"
	if zip && !strings.EqualFold(filepath.Ext(name), ".zip") {
		name += ".zip"
	}
	opt.Out = freeName(filepath.Join(expandPath(strings.TrimSpace(f.dir.Text)), name))
	opt.Note = strings.TrimSpace(f.note.Text)
	if f.verifier.Checked {
		opt.VerifierPage = f.page
	}
	u.writeBundle(opt)
}

// bundleOptions resolves the form's choices into the documents and what
// to disclose; false (after saying why) when the choice holds nothing.
func (u *ui) bundleOptions(f *bundleForm, counts map[string]string) (bundlewriter.Options, bool) {
	d := u.main.docs
	var ids [][32]byte
	switch f.what.Selected {
	case counts[fromMarked]:
		ids = d.markedIDs()
	case counts[fromShown]:
		ids = d.shownIDs()
	case counts[fromTag]:
		for i := range int32(d.ix.Len()) {
			if f.tag.Selected != "" && d.ix.HasTag(i, f.tag.Selected) {
				ids = append(ids, d.ix.ID(i))
			}
		}
	case counts[fromAll]:
		for i := range int32(d.ix.Len()) {
			ids = append(ids, d.ix.ID(i))
		}
	}
	if len(ids) == 0 {
		dialog.ShowInformation("Nothing to export", "The choice holds no documents. Mark some in the list, "+
			"search for them, choose a tag, or export every document.", u.win)
		return bundlewriter.Options{}, false
	}
	return bundlewriter.Options{Docs: ids, WithAncestors: f.ancestors.Checked,
		Disclose: provenance.Choices{Sources: f.sources.Checked, Notes: f.notes.Checked, Tags: f.tags.Checked}}, true
}

// previewBundle shows, without writing anything, what a bundle made with
// opt would let its receiver read.
func (u *ui) previewBundle(opt bundlewriter.Options) {
	a := u.arc
	u.runTask("Working out what the receiver will see", func(ctx context.Context, _ progress.Func) func() {
		p, err := bundlewriter.Plan(a, opt)
		return func() {
			if err != nil {
				dialog.ShowError(hinted(err), u.win)
				return
			}
			u.showPreview(p)
		}
	})
}

// showPreview lists a preview's documents and events.
func (u *ui) showPreview(p *bundlewriter.Preview) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s):\n", plural(len(p.Files), "document", "documents"), humanBytes(p.Bytes))
	for _, f := range p.Files {
		fmt.Fprintf(&b, "  %s  %s\n", f.Doc[:12], quote.Safe(f.Name))
	}
	fmt.Fprintf(&b, "\n%s of your log:\n", plural(len(p.Events), "event", "events"))
	for _, e := range p.Events {
		fmt.Fprintf(&b, "  %s\n", quote.Safe(report.Describe(e.Index, e.View).Line()))
	}
	for _, h := range p.Hops {
		fmt.Fprintf(&b, "\nAs received from the log %s (key %s):\n", quote.Safe(h.Origin), quote.Safe(h.Key))
		for _, e := range h.Events {
			fmt.Fprintf(&b, "  %s\n", quote.Safe(report.Describe(e.Index, e.View).Line()))
		}
	}
	text := widget.NewLabel(b.String())
	text.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(text)
	scroll.SetMinSize(fyne.NewSize(560, 360))
	d := dialog.NewCustom("What the receiver will be able to read", "Close", scroll, u.win)
	d.Resize(fyne.NewSize(min(700, u.win.Canvas().Size().Width-40), 0))
	d.Show()
}

// writeBundle writes a bundle with a progress dialog and says where it
// went.
func (u *ui) writeBundle(opt bundlewriter.Options) {
	a := u.arc
	u.runTask("Writing the bundle", func(ctx context.Context, p progress.Func) func() {
		opt.Progress = p
		res, err := bundlewriter.Create(ctx, a, opt)
		anchor(a) // stamps the checkpoint it signed
		return func() {
			if err != nil {
				dialog.ShowError(shownErr(hinted(fmt.Errorf("the bundle was not written: %w", err))), u.win)
				return
			}
			u.reload()
			u.bundleWritten(res)
		}
	})
}

// bundleWritten says where the bundle went and what is in it.
func (u *ui) bundleWritten(res *bundlewriter.Result) {
	text := fmt.Sprintf("%s (%s), with %s events of provenance signed in checkpoint %s.\nBundle ID %s.",
		plural(len(res.Files), "document", "documents"), humanBytes(res.Bytes), count(int64(res.Events)),
		count(res.CheckpointSize), res.ID)
	var d dialog.Dialog
	verify := widget.NewButtonWithIcon("Verify it now", theme.ConfirmIcon(), func() {
		d.Hide()
		u.verifyBundle(res.Path)
	})
	body := container.NewVBox(para("The bundle was written to:"), mono(shownPath(res.Path)),
		container.NewHBox(u.copyButton("Copy the path", func() string { return res.Path }), verify), para(text))
	d = dialog.NewCustom("Bundle written", "Close", body, u.win)
	d.Resize(fyne.NewSize(min(600, u.win.Canvas().Size().Width-40), 0))
	u.lastSummary = "Bundle written to " + res.Path + "\n" + text
	d.Show()
}

// freeName returns path, or "path (2)", "path (3)"… if it exists.
func freeName(path string) string {
	ext := ""
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		ext = filepath.Ext(path)
	}
	stem := strings.TrimSuffix(path, ext)
	for n := 1; ; n++ {
		p := path
		if n > 1 {
			p = fmt.Sprintf("%s (%d)%s", stem, n, ext)
		}
		if _, err := os.Lstat(p); os.IsNotExist(err) {
			return p
		}
	}
}

// defaultSaveDir is where exports go unless the person chooses: their
// Documents folder if there is one, else their home folder.
func defaultSaveDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return "."
	}
	if fi, err := os.Stat(filepath.Join(home, "Documents")); err == nil && fi.IsDir() {
		return filepath.Join(home, "Documents")
	}
	return home
}
