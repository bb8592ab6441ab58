package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/quote"
)

// DisclosedEvent says, for one event as a receiver will see it, what it
// is and which of its fields are readable and which only recorded. Every
// front end shows a bundle's "know before you send" list and a received
// event's withheld fields in these words.
type DisclosedEvent struct {
	Index    int64
	Type     string
	Time     string
	What     string   // one line: the document and what happened, as far as disclosed
	Shown    []string // "name: minutes.eml", "source: leak-2025", … (escaped for display)
	Withheld []string // fields recorded but not disclosed ("source", "note", "tags")
}

// Describe words one event view for people. Values that came from
// outside are escaped with quote.Safe-style escaping by the caller's
// renderer; here only invalid UTF-8 is made visible and long values cut.
func Describe(index int64, v *provenance.View) DisclosedEvent {
	d := DisclosedEvent{Index: index, Type: v.Type, Time: v.Time}
	show := func(field, value string) {
		if value != "" {
			d.Shown = append(d.Shown, field+": "+quote.Clip(quote.EscapeInvalid(value)))
		}
	}
	doc := "a withheld document"
	if v.Doc != "" {
		doc = "document " + v.Doc[:12]
	}
	switch v.Type {
	case provenance.Ingest:
		d.What = doc + " was imported"
	case provenance.Derive:
		d.What = fmt.Sprintf("%s was made (%s) from %s", doc, v.Kind, parentWords(v))
	case provenance.Annotate:
		d.What = doc + " was annotated"
	case provenance.DKIM:
		d.What = doc + "'s DKIM signature was checked: " + v.Verdict
		show("dkim", v.What)
	case provenance.Repair:
		d.What = doc + " was repaired from an intact copy"
		show("damage", v.What)
	case provenance.Export:
		d.What = docsWords(v) + " went out in an earlier bundle" + othersWords(v)
	case provenance.Receive:
		d.What = docsWords(v) + " arrived in a bundle" + othersWords(v)
	default:
		d.What = v.Type
	}
	show("size", sizeWord(v))
	show("name", v.Name)
	show("path", v.Path)
	show("source", v.Source)
	if len(v.Tags) > 0 {
		show("tags", strings.Join(v.Tags, ", "))
	}
	show("note", v.Note)
	show("from", v.Origin)
	for _, f := range v.Withheld {
		if f == "docs" || f == "parents" || f == "names" {
			continue // counted in What
		}
		if v.Doc == "" && (f == "doc" || f == "size" || f == "name" || f == "path") {
			continue // the whole record is withheld: What says so
		}
		d.Withheld = append(d.Withheld, f)
	}
	return d
}

func parentWords(v *provenance.View) string {
	var out []string
	for i, p := range v.ParentIDs {
		if p != "" {
			out = append(out, "document "+p[:12])
		} else if i < len(v.ParentEvents) {
			out = append(out, fmt.Sprintf("a document recorded at log index %d (not disclosed)", v.ParentEvents[i]))
		}
	}
	if len(out) == 0 {
		return "other documents"
	}
	return strings.Join(out, " and ")
}

func total(v *provenance.View, field string) int {
	if n, ok := v.Total[field]; ok {
		return n
	}
	return len(v.Docs)
}

// docsWords names the disclosed documents of an export or receive.
func docsWords(v *provenance.View) string {
	if len(v.Docs) == 0 {
		return "no disclosed document"
	}
	ids := make([]string, len(v.Docs))
	for i, d := range v.Docs {
		ids[i] = d[:12]
	}
	if len(ids) == 1 {
		return "document " + ids[0]
	}
	return "documents " + strings.Join(ids, ", ")
}

// othersWords says how many other documents the event names, undisclosed.
func othersWords(v *provenance.View) string {
	switch n := total(v, "docs") - len(v.Docs); n {
	case 0:
		return ""
	case 1:
		return " with 1 other document (not disclosed)"
	default:
		return fmt.Sprintf(" with %d other documents (not disclosed)", n)
	}
}

func sizeWord(v *provenance.View) string {
	if v.Doc == "" || !slices.Contains([]string{provenance.Ingest, provenance.Derive}, v.Type) || !v.Disclosed("size") {
		return ""
	}
	return fmt.Sprintf("%d bytes", v.Size)
}

// Line is the event in one line: "event 3 (ingest, 2026-…): document … was
// imported; name: …; recorded, not disclosed: source, note".
func (d DisclosedEvent) Line() string {
	s := fmt.Sprintf("event %d (%s, %s): %s", d.Index, d.Type, d.Time, d.What)
	if len(d.Shown) > 0 {
		s += "; " + strings.Join(d.Shown, "; ")
	}
	if len(d.Withheld) > 0 {
		s += "; recorded, not disclosed: " + strings.Join(d.Withheld, ", ")
	}
	return s
}
