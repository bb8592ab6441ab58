package gui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/quote"
)

// showLog lists the provenance log's events, newest first. The list is
// virtual: each row reads its event when it comes into view.
func (u *ui) showLog() {
	if u.arc == nil || u.main == nil {
		return
	}
	a := u.arc
	size, err := a.LogSize()
	info := fmt.Sprintf("%s in the log. Each is signed into a checkpoint; none can be changed or removed without the verification noticing.",
		plural(int(size), "event", "events"))
	if err != nil {
		info = "The log's size could not be read: " + quote.Safe(err.Error())
	}
	list := widget.NewList(func() int { return int(size) },
		func() fyne.CanvasObject {
			head := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			head.Truncation = fyne.TextTruncateEllipsis
			body := widget.NewLabel("")
			body.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(head, body)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			idx := size - 1 - int64(i)
			head, body := logLine(a, idx)
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(head)
			box.Objects[1].(*widget.Label).SetText(body)
		})
	list.OnSelected = func(i widget.ListItemID) {
		list.Unselect(i)
		idx := size - 1 - int64(i)
		b, err := a.LogEvent(idx)
		if err != nil {
			return
		}
		ev, err := provenance.ParseEvent(b)
		if err != nil || ev.Doc == "" {
			return
		}
		if r := u.recordByHex(ev.Doc); r != nil {
			u.showDocument(r)
		}
	}
	back := widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), u.showDocuments)
	top := container.NewVBox(container.NewBorder(nil, nil, back, nil, title("Provenance log")), para(info))
	u.showPage(pageLog, container.NewBorder(top, nil, nil, nil, list))
}

// logLine describes event idx in two lines.
func logLine(a *archive.Archive, idx int64) (string, string) {
	b, err := a.LogEvent(idx)
	return describeEvent(idx, b, err)
}

func describeEvent(idx int64, raw []byte, err error) (string, string) {
	if err != nil {
		return fmt.Sprintf("#%s  unreadable", count(idx)), quote.Safe(err.Error())
	}
	ev, err := provenance.ParseEvent(raw)
	if err != nil {
		return fmt.Sprintf("#%s  unreadable", count(idx)), quote.Safe(err.Error())
	}
	when := ev.Time
	if t, err := time.Parse(provenance.TimeLayout, ev.Time); err == nil {
		when = t.Local().Format("2006-01-02 15:04:05")
	}
	head := fmt.Sprintf("#%s  %s  %s", count(idx), ev.Type, when)
	var parts []string
	switch ev.Type {
	case provenance.Ingest:
		parts = append(parts, shortID(ev.Doc), ev.Path, ev.Source)
	case provenance.Derive:
		var ps []string
		for _, p := range ev.Parents {
			ps = append(ps, shortID(p))
		}
		parts = append(parts, shortID(ev.Doc), ev.Name, ev.Kind+" of "+strings.Join(ps, ", "))
	case provenance.Annotate:
		parts = append(parts, shortID(ev.Doc), strings.Join(ev.Tags, ", "))
	case provenance.Export, provenance.Receive:
		parts = append(parts, "bundle "+ev.Bundle, plural(len(ev.Docs), "document", "documents"), ev.Origin)
	case provenance.Verify:
		parts = append(parts, ev.What, ev.Verdict)
	case provenance.Repair:
		parts = append(parts, shortID(ev.Doc), "repaired: "+ev.What, "from "+ev.Source)
	case provenance.DKIM:
		parts = append(parts, shortID(ev.Doc), "DKIM "+dkimWords(ev.Verdict, ev.What, ev.Source))
	}
	if ev.Note != "" {
		parts = append(parts, ev.Note)
	}
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	// One event, one head and one line of detail, whatever its fields hold.
	return quote.Safe(head), quote.Safe(strings.Join(kept, " · "))
}
