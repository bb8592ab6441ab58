// Package htmlreport renders a report.Document as one self-contained web
// page: no scripts, no outside resources, everything escaped by
// html/template. A person who is not a programmer can open it, read it
// and hand it on; it still reads the same in ten years, offline.
//
// It is pure: it writes to an io.Writer and knows nothing of windows or
// command lines, so both front ends (and tests) render the same page.
package htmlreport

import (
	"io"
	"strings"

	"github.com/custody-app/custody/verify/report"
)

// page is what the template reads: the document and how to show it.
type page struct {
	*report.Document
	Title        string
	Class        string // the verdict's CSS class, from its tone
	SubjectLabel string // the first row's heading: "Bundle", "Archive"
	Bundle       bool
	Generated    string
}

// toneClass maps a tone to the CSS class of the verdict banner (red
// unless a class says otherwise).
var toneClass = map[report.Tone]string{report.Good: "good", report.Caution: "warn"}

// Write renders d as a web page.
func Write(w io.Writer, d *report.Document) error {
	kind := string(d.Kind)
	return pageTemplate.Execute(w, page{Document: d, Title: d.Kind.Title(), Class: toneClass[d.Tone],
		SubjectLabel: strings.ToUpper(kind[:1]) + kind[1:], Bundle: d.Kind == report.BundleCheck,
		Generated: d.Generated.UTC().Format("2006-01-02 15:04 UTC")})
}
