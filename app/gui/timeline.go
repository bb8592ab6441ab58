package gui

import (
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/quote"
)

// chainStep is one event of a document's provenance chain, with the
// checkpoint that covers it and its generation (the archive works them
// out; the window only draws them).
type chainStep = provenance.Step

// loadChain reads the document's provenance chain off the UI goroutine
// and draws it.
func (u *ui) loadChain(p *detailPage) {
	a, r := u.arc, p.rec
	u.goWork(func() {
		steps, err := readChain(a, r)
		ups, uerr := a.Upstream(r.Sum())
		u.do(func() {
			p.steps = steps
			p.timeline.Objects = []fyne.CanvasObject{u.timelineView(r, steps, err), u.upstreamView(r, ups, uerr)}
			p.timeline.Refresh()
		})
	})
}

// readChain returns the events of r's chain, oldest first, each with the
// checkpoint that covers it and its generation.
func readChain(a *archive.Archive, r *catalog.Record) ([]chainStep, error) {
	return a.ChainSteps(r.Sum())
}

// timelineView draws the chain: one row per event, indented by
// generation, with a dot coloured by kind on a line that joins them.
func (u *ui) timelineView(r *catalog.Record, steps []chainStep, err error) fyne.CanvasObject {
	box := container.NewVBox(para("Every step is an event in the archive's signed log. \"Checkpoint N\" is the first " +
		"signed checkpoint that covers it: anyone holding that checkpoint can check the step with a proof."))
	if err != nil {
		box.Add(para("The provenance chain could not be read: " + quote.Safe(err.Error())))
		return box
	}
	if len(steps) == 0 {
		box.Add(para("No events name this document. Verify the archive: every document should have one."))
		return box
	}
	for _, s := range steps {
		box.Add(u.timelineRow(r, s))
	}
	return box
}

func (u *ui) timelineRow(r *catalog.Record, s chainStep) fyne.CanvasObject {
	what, detail := describeStep(r, s)
	head := widget.NewLabelWithStyle(what, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Wrapping = fyne.TextWrapWord
	lines := container.NewVBox(head)
	if detail != "" {
		lines.Add(para(detail))
	}
	where := fmt.Sprintf("log event %s", count(s.Index))
	if s.Checkpoint > 0 {
		where += fmt.Sprintf(" · in checkpoint %s", count(s.Checkpoint))
	} else {
		where += " · not yet in a signed checkpoint"
	}
	meta := widget.NewLabelWithStyle(where, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	lines.Add(meta)
	if s.Event != nil && s.Event.Doc != "" && s.Event.Doc != r.ID {
		doc := s.Event.Doc
		b := widget.NewButtonWithIcon("Open that document ("+shortID(doc)+")", theme.NavigateNextIcon(), func() {
			if pr := u.recordByHex(doc); pr != nil {
				u.showDocument(pr)
			}
		})
		b.Importance = widget.LowImportance
		lines.Add(container.NewHBox(b))
	}
	dot := canvas.NewCircle(stepColor(s))
	line := canvas.NewRectangle(theme.Color(theme.ColorNameSeparator))
	marker := container.New(&markerLayout{}, line, dot)
	indent := canvas.NewRectangle(color.Transparent)
	indent.SetMinSize(fyne.NewSize(float32(s.Generation)*28, 1))
	return container.NewBorder(nil, nil, container.NewHBox(indent, marker), nil, lines)
}

// describeStep says what an event did, in words.
func describeStep(r *catalog.Record, s chainStep) (what, detail string) {
	ev := s.Event
	if ev == nil {
		return "Unreadable event", quote.Safe(s.Bad)
	}
	when := ""
	if t, err := time.Parse(provenance.TimeLayout, ev.Time); err == nil {
		when = t.Local().Format("2 Jan 2006 15:04")
	}
	self := ev.Doc == r.ID
	name := ev.Name
	if ev.Path != "" {
		name = ev.Path
	}
	var parts []string
	switch ev.Type {
	case provenance.Ingest:
		what = "Imported"
		if !self {
			what = "Original imported"
		}
		parts = append(parts, name)
		if ev.Source != "" {
			parts = append(parts, "from "+ev.Source)
		}
	case provenance.Derive:
		what = kindTitle(ev.Kind) + " made"
		var ps []string
		for _, p := range ev.Parents {
			ps = append(ps, shortID(p))
		}
		parts = append(parts, name, "from "+strings.Join(ps, ", "))
	case provenance.Annotate:
		what = "Annotated"
		if len(ev.Tags) > 0 {
			parts = append(parts, "tags: "+strings.Join(ev.Tags, ", "))
		}
	case provenance.DKIM:
		what = "DKIM checked: " + ev.Verdict
		parts = append(parts, dkimWords(ev.Verdict, ev.What, ev.Source))
	case provenance.Repair:
		what = "Repaired from an intact copy"
		parts = append(parts, ev.What, "from "+ev.Source)
	case provenance.Export:
		what = "Exported in a bundle"
		parts = append(parts, fmt.Sprintf("bundle %s with %s, checkpoint %s", ev.Bundle,
			plural(len(ev.Docs), "document", "documents"), count(ev.CheckpointSize)))
	case provenance.Receive:
		what = "Received in a bundle"
		parts = append(parts, fmt.Sprintf("bundle %s from %s", ev.Bundle, ev.Origin))
		if ev.Forced {
			parts = append(parts, "accepted despite a problem")
		}
	default:
		what = ev.Type
	}
	if ev.Note != "" {
		parts = append(parts, "note: "+ev.Note)
	}
	if when != "" {
		what += " · " + when
	}
	if ev.Actor != "" {
		// The actor is the key's own name for itself, a claim of the event.
		parts = append(parts, "by key "+ev.Actor)
	}
	// Each part on its own line, each made safe: an event's fields cannot
	// add lines or turn around.
	return quote.Safe(what), strings.Join(shownAll(parts), "\n")
}

func stepColor(s chainStep) color.Color {
	if s.Event == nil {
		return colRed
	}
	switch s.Event.Type {
	case provenance.Ingest:
		return theme.Color(theme.ColorNamePrimary)
	case provenance.Derive:
		return colAmber
	case provenance.Export, provenance.Receive:
		return colGreen
	}
	return colGrey
}

// markerLayout draws a vertical line the height of the row with a dot
// near its top.
type markerLayout struct{}

func (markerLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	line, dot := objs[0], objs[1]
	line.Resize(fyne.NewSize(2, size.Height))
	line.Move(fyne.NewPos(size.Width/2-1, 0))
	dot.Resize(fyne.NewSize(12, 12))
	dot.Move(fyne.NewPos(size.Width/2-6, theme.Padding()*2+2))
}

func (markerLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(24, 24) }
