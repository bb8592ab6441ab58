package gui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/verify/bundle"
	"github.com/custody-app/custody/verify/report"
)

// reportPage shows a verification report: one verdict banner, the checks,
// and every finding.
type reportPage struct {
	rep     *report.Report
	banner  fyne.CanvasObject
	summary string // the banner's words (tests read them)
	rows    []reportRow
	list    *widget.List
	actions *fyne.Container
	bundle  *bundle.Result // set for a bundle
	kind    report.Kind
	// doc, when set, makes the full Document a saved report shows (see
	// reportsave.go); logs says a saved report's hash may be logged.
	doc  func() *report.Document
	logs bool
}

// reportRow is one line of the list under the banner.
type reportRow struct {
	icon    fyne.Resource
	head    string
	text    string
	finding *report.Finding
}

// affected names the documents or files the problems are about, for the
// banner: "memo.eml (3f2a9c01d2e4), …".
func affected(rep *report.Document, names func(doc string) string) string {
	seen := map[string]bool{}
	var out []string
	for _, f := range rep.Findings {
		label := f.Path
		if f.Doc != "" {
			n := f.Path
			if n == "" && names != nil {
				n = names(f.Doc)
			}
			label = strings.TrimSpace(n + " (" + shortID(f.Doc) + ")")
		}
		if label == "" || seen[label] {
			continue
		}
		seen[label] = true
		out = append(out, label)
	}
	if len(out) == 0 {
		return ""
	}
	if len(out) > 4 {
		return strings.Join(out[:4], ", ") + fmt.Sprintf(" and %d more", len(out)-4)
	}
	return strings.Join(out, ", ")
}

// showReport shows rep, the report of a check of kind k, on its own page,
// with the actions given (Save report is always there). The banner's
// words are the verdict's, from the report package.
func (u *ui) showReport(what string, raw *report.Report, k report.Kind, extra fyne.CanvasObject, actions ...fyne.CanvasObject) *reportPage {
	p := &reportPage{rep: raw, kind: k}
	// Shown from its Document (every outside text made safe); saved raw.
	rep := report.NewDocument(k, raw)
	if extra == nil {
		extra = container.NewVBox()
	}
	words := rep.Verdict.Meaning(k)
	if a := affected(rep, u.docName); a != "" && rep.Verdict != report.Cancelled {
		words += "\nAffected: " + a + "."
	}
	p.summary = rep.Verdict.Headline() + "\n" + words
	bg, fg := verdictColors(rep.Verdict)
	p.banner = banner(rep.Verdict.Headline(), words, bg, fg)

	// Problems first, then warnings, then every check that was made.
	bad := theme.NewErrorThemedResource(theme.ErrorIcon())
	for i := range rep.Findings {
		f := &rep.Findings[i]
		p.rows = append(p.rows, findingRow(f, bad, u.docName))
	}
	for i := range rep.Warnings {
		f := &rep.Warnings[i]
		p.rows = append(p.rows, findingRow(f, theme.NewWarningThemedResource(theme.WarningIcon()), u.docName))
	}
	for _, c := range rep.Checks {
		icon := fyne.Resource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		if !c.OK {
			icon = bad
		}
		detail := c.Detail
		if detail == "" {
			detail = "passed"
			if !c.OK {
				detail = "failed"
			}
		}
		p.rows = append(p.rows, reportRow{icon: icon, head: "Check: " + c.Name, text: detail})
	}
	p.list = widget.NewList(func() int { return len(p.rows) }, newReportItem,
		func(i widget.ListItemID, o fyne.CanvasObject) { p.rows[i].fill(o) })
	p.list.OnSelected = func(i widget.ListItemID) {
		p.list.Unselect(i)
		u.showFinding(p.rows[i])
	}
	save := widget.NewButtonWithIcon("Save report…", theme.DocumentSaveIcon(), func() { u.saveReportDialog(p) })
	back := widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), u.showDocuments)
	p.actions = container.NewHBox(append([]fyne.CanvasObject{save}, actions...)...)
	counts := fmt.Sprintf("%s, %s, %s", plural(len(rep.Findings), "problem", "problems"),
		plural(len(rep.Warnings), "warning", "warnings"), plural(len(rep.Checks), "check", "checks"))
	subject := widget.NewLabelWithStyle(shownPath(raw.Subject), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	subject.Truncation = fyne.TextTruncateEllipsis
	head := container.NewVBox(
		container.NewBorder(nil, nil, back, nil, container.NewGridWithColumns(2, title(what), subject)),
		p.banner,
		extra,
		container.NewBorder(nil, nil, nil, p.actions, widget.NewLabel(counts)),
	)
	u.showPage(pageReport, container.NewBorder(head, nil, nil, nil, p.list))
	u.main.report = p
	return p
}

func findingRow(f *report.Finding, icon fyne.Resource, names func(string) string) reportRow {
	where := f.Path
	if f.Doc != "" {
		n := f.Path
		if n == "" {
			n = names(f.Doc)
		}
		where = strings.TrimSpace(n + " · " + shortID(f.Doc))
	}
	head := f.Code
	if where != "" {
		head += " · " + where
	}
	return reportRow{icon: icon, head: head, text: f.Message, finding: f}
}

func newReportItem() fyne.CanvasObject {
	head := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Truncation = fyne.TextTruncateEllipsis
	text := widget.NewLabel("")
	text.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, widget.NewIcon(nil), nil, container.NewVBox(head, text))
}

func (r reportRow) fill(o fyne.CanvasObject) {
	c := o.(*fyne.Container)
	c.Objects[1].(*widget.Icon).SetResource(r.icon)
	box := c.Objects[0].(*fyne.Container)
	box.Objects[0].(*widget.Label).SetText(r.head)
	box.Objects[1].(*widget.Label).SetText(r.text)
}

// showFinding shows a whole finding, with a way to its document.
func (u *ui) showFinding(r reportRow) {
	var b strings.Builder
	b.WriteString(r.text)
	if f := r.finding; f != nil {
		if f.Doc != "" {
			fmt.Fprintf(&b, "\n\nDocument %s", f.Doc)
		}
		if f.Expected != "" || f.Found != "" {
			fmt.Fprintf(&b, "\nExpected %s\nFound    %s", f.Expected, f.Found)
		}
		for _, d := range f.Docs {
			if d != f.Doc {
				fmt.Fprintf(&b, "\nAlso affects %s", d)
			}
		}
	}
	text := mono(b.String())
	var buttons []fyne.CanvasObject
	var d dialog.Dialog
	if f := r.finding; f != nil && f.Doc != "" {
		if rec := u.recordByHex(f.Doc); rec != nil {
			buttons = append(buttons, widget.NewButtonWithIcon("Open the document", theme.NavigateNextIcon(), func() {
				d.Hide()
				u.showDocument(rec)
			}))
		}
	}
	// The text scrolls when long; the dialog is as tall as the text needs,
	// up to most of the window, measured at the dialog's width (wrapped
	// text measured at no width would ask for one line).
	width := min(640, u.win.Canvas().Size().Width-40)
	inner := width - 4*theme.Padding() - theme.ScrollBarSize()
	text.Resize(fyne.NewSize(inner, 0))
	need := text.MinSize().Height
	if lines := strings.Count(b.String(), "\n") + 1; need < float32(lines)*theme.TextSize() {
		need = float32(lines) * theme.TextSize() * 1.4
	}
	scroll := container.NewVScroll(text)
	scroll.SetMinSize(fyne.NewSize(inner, min(need, u.win.Canvas().Size().Height*0.6)))
	u.win.Canvas().Unfocus() // the list keeps no focus, so Escape works after the dialog
	d = dialog.NewCustom(r.head, "Close", container.NewBorder(nil, container.NewHBox(buttons...), nil, nil, scroll), u.win)
	d.Resize(fyne.NewSize(width, 0))
	d.Show()
}

// docName is a document's first name, when the archive holds it, made
// safe to show. doc is a finding's document, already made safe: a real
// document ID is hex, which quote.Safe leaves as it is.
func (u *ui) docName(doc string) string {
	if r := u.recordByHex(doc); r != nil {
		return r.ShownName()
	}
	return ""
}
