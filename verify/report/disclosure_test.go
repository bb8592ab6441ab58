package report

import (
	"strings"
	"testing"
	"time"

	"github.com/custody-app/custody/archive/provenance"
)

func viewOf(t *testing.T, ev *provenance.Event, choose provenance.Disclosure) *provenance.View {
	t.Helper()
	p, err := provenance.Prepare(ev, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	open, err := p.Parsed().Openings(choose)
	if err != nil {
		t.Fatal(err)
	}
	v, err := provenance.OpenEvent(p.Leaf(), open)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestDescribe(t *testing.T) {
	a, b, c := strings.Repeat("a", 64), strings.Repeat("b", 64), strings.Repeat("c", 64)
	shown := func(d string) bool { return d == b }
	exp := &provenance.Event{Type: provenance.Export, Actor: "k", Bundle: "x", Docs: []string{a, b, c}, Note: "for counsel"}
	d := Describe(7, viewOf(t, exp, provenance.Choices{}.For(exp, shown)))
	if d.What != "document bbbbbbbbbbbb went out in an earlier bundle with 2 other documents (not disclosed)" {
		t.Errorf("export: %q", d.What)
	}
	if got := strings.Join(d.Withheld, ","); got != "bundle,note" {
		t.Errorf("export withheld %q", got)
	}
	ing := &provenance.Event{Type: provenance.Ingest, Actor: "k", Doc: b, Size: 3, Name: "m.eml", Path: "leak/m.eml", Source: "USB stick from J."}
	d = Describe(2, viewOf(t, ing, provenance.Choices{}.For(ing, shown)))
	line := d.Line()
	if !strings.Contains(line, "name: m.eml") || !strings.Contains(line, "recorded, not disclosed: source") || strings.Contains(line, "USB") {
		t.Errorf("ingest: %q", line)
	}
	d = Describe(2, viewOf(t, ing, provenance.Choices{Sources: true}.For(ing, shown)))
	if !strings.Contains(d.Line(), "source: USB stick from J.") || len(d.Withheld) != 0 {
		t.Errorf("ingest with its source: %q %v", d.Line(), d.Withheld)
	}
	withheld := &provenance.Event{Type: provenance.Ingest, Actor: "k", Doc: a, Size: 3, Name: "orig.eml"}
	d = Describe(0, viewOf(t, withheld, provenance.Choices{}.For(withheld, shown)))
	if d.What != "a withheld document was imported" || len(d.Shown) != 0 || len(d.Withheld) != 0 {
		t.Errorf("a withheld original: %+v", d)
	}
}
