package gui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/verify/bundle"
)

// addHopLines says, below a verified bundle's signer, who signed each
// upstream log it carries and who received from whom.
func addHopLines(info *fyne.Container, res *bundle.Result) {
	for _, h := range res.Hops {
		if h.Signer == nil {
			info.Add(para(fmt.Sprintf("Upstream log %d: no valid signature", h.N)))
			continue
		}
		by := "The signer received the documents from"
		if h.ReceivedBy > 0 {
			by = fmt.Sprintf("Upstream log %d received them from", h.ReceivedBy)
		} else if h.ReceivedBy < 0 {
			by = "Not linked to the bundle:"
		}
		trust := "not in your trust store"
		if h.Signer.Trusted {
			trust = "trusted as " + h.Signer.TrustedAs
		}
		info.Add(para(fmt.Sprintf("%s key %s (%s), log %s at size %s", by, h.Signer.Fingerprint, trust, h.Origin, count(h.Size))))
	}
}

// upstreamView draws, below a received document's own steps, the steps
// other archives signed before it came here, as kept on receipt: each
// log under its signer's fingerprint, the sender's first.
func (u *ui) upstreamView(r *catalog.Record, ups []archive.Upstream, err error) fyne.CanvasObject {
	box := container.NewVBox()
	if err != nil {
		box.Add(para("The steps before this archive received the document could not be read: " + err.Error()))
		return box
	}
	for k := range ups {
		up := &ups[k]
		who := "Received from the archive of"
		if up.Depth > 0 {
			who = fmt.Sprintf("Before that (%s further upstream), the archive of", plural(up.Depth, "hop", "hops"))
		}
		trust := "not in your trust store: confirm the fingerprint with them"
		if up.Trusted {
			trust = "trusted as " + up.TrustedAs
		}
		head := widget.NewLabelWithStyle(fmt.Sprintf("%s key %s", who, up.Fingerprint), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		head.Wrapping = fyne.TextWrapWord
		box.Add(widget.NewSeparator())
		box.Add(head)
		box.Add(para(fmt.Sprintf("%s. Their log %s, signed at size %s. These steps are proven by their signature, not yours.",
			trust, up.Origin, count(up.Size))))
		if up.Bad != "" {
			box.Add(para("Warning: " + up.Bad))
		}
		for _, e := range up.Events {
			box.Add(u.upstreamRow(r, e))
		}
	}
	return box
}

// upstreamRow draws one step of another archive's log.
func (u *ui) upstreamRow(r *catalog.Record, e archive.UpstreamEvent) fyne.CanvasObject {
	s := chainStep{Index: e.Index, Bad: e.Bad}
	if e.View != nil {
		ev := e.View.Event
		s.Event = &ev
	}
	what, detail := describeStep(r, s)
	if v := e.View; v != nil && v.Type == provenance.Derive {
		var from []string
		for i, p := range v.ParentIDs {
			switch {
			case p != "":
				from = append(from, shortID(p))
			case i < len(v.ParentEvents):
				from = append(from, fmt.Sprintf("a document they recorded at log event %s (not disclosed)", count(v.ParentEvents[i])))
			}
		}
		detail = strings.Join([]string{v.Name, "from " + strings.Join(from, ", "), "signed by " + v.Actor}, "\n")
	}
	if v := e.View; v != nil && len(v.Withheld) > 0 {
		detail += "\nRecorded, not disclosed to you: " + strings.Join(v.Withheld, ", ")
	}
	head := widget.NewLabelWithStyle(what, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Wrapping = fyne.TextWrapWord
	lines := container.NewVBox(head)
	if detail != "" {
		lines.Add(para(detail))
	}
	lines.Add(widget.NewLabelWithStyle(fmt.Sprintf("their log event %s", count(e.Index)), fyne.TextAlignLeading, fyne.TextStyle{Italic: true}))
	dot := canvas.NewCircle(stepColor(s))
	line := canvas.NewRectangle(theme.Color(theme.ColorNameSeparator))
	return container.NewBorder(nil, nil, container.New(&markerLayout{}, line, dot), nil, lines)
}
