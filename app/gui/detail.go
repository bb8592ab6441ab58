package gui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/quote"
)

// detailPage shows one document: what it is, every name it arrived
// under, its tags and notes, a safe preview and its provenance.
type detailPage struct {
	rec       *catalog.Record
	tabs      *container.AppTabs
	tags      *widget.Label
	tagEntry  *widget.Entry
	addTag    *widget.Button
	notes     *widget.Label
	noteEntry *widget.Entry
	addNote   *widget.Button
	errs      *widget.Label
	preview   *fyne.Container
	timeline  *fyne.Container
	steps     []chainStep // the provenance chain, once loaded
}

// showDocument opens a document's page.
func (u *ui) showDocument(r *catalog.Record) {
	if u.main == nil {
		return
	}
	p := &detailPage{rec: r, errs: errorText(), preview: container.NewStack(widget.NewLabel("Loading the preview…")),
		timeline: container.NewVBox(widget.NewLabel("Loading the provenance chain…"))}
	u.main.doc = p

	back := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), u.showDocuments)
	export := widget.NewButtonWithIcon("Export file…", theme.DownloadIcon(), func() { u.exportFileDialog(r) })
	proof := widget.NewButtonWithIcon("Save proof…", theme.DocumentSaveIcon(), func() { u.saveProofDialog(r) })
	cert := widget.NewButtonWithIcon("Certificate…", theme.FileIcon(), func() { u.certificateDialog(r) })
	derive := widget.NewButtonWithIcon("Derive…", theme.ContentCopyIcon(), func() { u.deriveFrom([]*catalog.Record{r}) })
	if u.readOnly {
		derive.Disable()
	}
	top := container.NewBorder(nil, nil, back, container.NewHBox(export, proof, cert, derive), title(displayName(r)))
	p.tabs = container.NewAppTabs(
		container.NewTabItem("Overview", container.NewVScroll(container.NewPadded(u.overview(p)))),
		container.NewTabItem("Preview", p.preview),
		container.NewTabItem("Provenance", container.NewVScroll(container.NewPadded(p.timeline))),
	)
	u.showPage(pageDocument, container.NewBorder(top, nil, nil, nil, p.tabs))
	u.loadPreview(p)
	u.loadChain(p)
}

// displayName is a document's first name, made safe to show.
func displayName(r *catalog.Record) string {
	if n := r.ShownName(); n != "" {
		return n
	}
	return shortID(r.ID)
}

// overview is the first tab: metadata, names, tags, notes.
func (u *ui) overview(p *detailPage) fyne.CanvasObject {
	r := p.rec
	id := mono(r.ID)
	copyID := u.copyButton("Copy", func() string { return r.ID })
	items := []*widget.FormItem{
		widget.NewFormItem("SHA-256", container.NewBorder(nil, nil, nil, copyID, id)),
		widget.NewFormItem("Size", para(sizeText(r.Size))),
		widget.NewFormItem("Type", para(quote.Safe(r.MediaType))),
		widget.NewFormItem("Imported", para(longTime(r.Imported))),
	}
	if r.Source != "" {
		items = append(items, widget.NewFormItem("Source", para(quote.Safe(r.Source))))
	}
	if r.Note != "" {
		items = append(items, widget.NewFormItem("Note", para(quote.Safe(r.Note))))
	}
	if len(r.Parents) > 0 {
		parents := container.NewVBox()
		for _, pid := range r.Parents {
			pid := pid
			label := shortID(pid)
			if pr := u.recordByHex(pid); pr != nil {
				label = displayName(pr) + "  (" + shortID(pid) + ")"
			}
			b := widget.NewButtonWithIcon(label, theme.NavigateNextIcon(), func() {
				if pr := u.recordByHex(pid); pr != nil {
					u.showDocument(pr)
				}
			})
			b.Alignment = widget.ButtonAlignLeading
			parents.Add(b)
		}
		items = append(items, widget.NewFormItem(quote.Safe(kindTitle(r.Kind))+" of", parents))
	}
	if w := u.witnessLine(); w != "" {
		items = append(items, widget.NewFormItem("Witnessed", para(w)))
	}
	if s := u.main.docs.dkim[r.ID]; s != "" {
		items = append(items, widget.NewFormItem("DKIM", para(quote.Safe(s)+"\n(the provenance tab has each check, with the key's source)")))
	}
	form := widget.NewForm(items...)
	anchors := container.NewVBox()
	if a := u.arc; a != nil {
		u.goWork(func() {
			if box := documentAnchor(a, r.Sum()); box != nil {
				u.do(func() { anchors.Add(widget.NewForm(widget.NewFormItem("Time stamp", box))) })
			}
		})
	}

	names := container.NewVBox()
	for _, n := range r.Names {
		line := n.Shown()
		var extra []string
		if n.Source != "" {
			extra = append(extra, "from "+quote.Safe(n.Source))
		}
		if !n.Time.IsZero() {
			extra = append(extra, shortTime(n.Time))
		}
		if len(extra) > 0 {
			line += "   — " + strings.Join(extra, ", ")
		}
		if n.Note != "" {
			line += "\n   " + quote.Safe(n.Note)
		}
		l := para(line)
		l.Wrapping = fyne.TextWrapBreak
		names.Add(l)
	}

	p.tags = para("")
	p.tagEntry = widget.NewEntry()
	p.tagEntry.SetPlaceHolder("New tag, e.g. redacted, court-2025, follow-up")
	p.addTag = widget.NewButtonWithIcon("Add tag", theme.ContentAddIcon(), func() { u.addTag(p) })
	p.tagEntry.OnSubmitted = func(string) { u.addTag(p) }
	p.notes = para("")
	p.noteEntry = widget.NewMultiLineEntry()
	p.noteEntry.SetPlaceHolder("A note about this document")
	p.noteEntry.Wrapping = fyne.TextWrapWord
	p.noteEntry.SetMinRowsVisible(2)
	p.addNote = widget.NewButtonWithIcon("Add note", theme.ContentAddIcon(), func() { u.addNote(p) })
	if u.readOnly {
		p.tagEntry.Disable()
		p.addTag.Disable()
		p.noteEntry.Disable()
		p.addNote.Disable()
	}
	p.showAnnotations()
	return container.NewVBox(
		form,
		anchors,
		heading(fmt.Sprintf("Arrived under %s", plural(len(r.Names), "name", "names"))),
		names,
		heading("Tags"),
		p.tags,
		container.NewBorder(nil, nil, nil, p.addTag, p.tagEntry),
		heading("Notes"),
		p.notes,
		container.NewBorder(nil, nil, nil, p.addNote, p.noteEntry),
		para("Tags and notes are added, never removed: each one is signed into the provenance log."),
		p.errs,
	)
}

// sizeText is a size for people and, when rounded, exact.
func sizeText(n int64) string {
	if n < 1000 {
		return humanBytes(n)
	}
	return fmt.Sprintf("%s (%s bytes)", humanBytes(n), count(n))
}

func kindTitle(kind string) string {
	if kind == "" {
		return "Derived"
	}
	return strings.ToUpper(kind[:1]) + kind[1:]
}

func (p *detailPage) showAnnotations() {
	if len(p.rec.Tags) == 0 {
		p.tags.SetText("No tags.")
	} else {
		p.tags.SetText(strings.Join(shownAll(p.rec.Tags), "  ·  "))
	}
	if len(p.rec.Notes) == 0 {
		p.notes.SetText("No notes.")
	} else {
		p.notes.SetText("• " + strings.Join(shownAll(p.rec.Notes), "\n• "))
	}
}

func (u *ui) addTag(p *detailPage) {
	var tags []string
	for _, t := range strings.Split(p.tagEntry.Text, ",") {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	if len(tags) == 0 {
		showError(p.errs, "Type a tag first (several can be separated by commas).")
		return
	}
	u.annotate(p, tags, "", p.tagEntry)
}

func (u *ui) addNote(p *detailPage) {
	note := strings.TrimSpace(p.noteEntry.Text)
	if note == "" {
		showError(p.errs, "Type a note first.")
		return
	}
	u.annotate(p, nil, note, p.noteEntry)
}

// annotate records tags or a note off the UI goroutine (it signs a
// checkpoint), then shows the updated record.
func (u *ui) annotate(p *detailPage, tags []string, note string, entry *widget.Entry) {
	a, id := u.arc, p.rec.Sum()
	p.addTag.Disable()
	p.addNote.Disable()
	u.goWork(func() {
		rec, err := a.Annotate(id, tags, note)
		if err == nil {
			anchor(a)
		}
		u.do(func() {
			p.addTag.Enable()
			p.addNote.Enable()
			if err != nil {
				showError(p.errs, "Not recorded: "+err.Error())
				return
			}
			showError(p.errs, "")
			entry.SetText("")
			p.rec = rec
			p.showAnnotations()
			u.loadChain(p)
			u.reload()
		})
	})
}

// recordByHex finds a record among those loaded, else in the archive.
func (u *ui) recordByHex(id string) *catalog.Record {
	sum, err := catalog.ParseID(id)
	if err != nil || u.arc == nil {
		return nil
	}
	r, err := u.arc.Record(sum)
	if err != nil {
		return nil
	}
	return r
}
