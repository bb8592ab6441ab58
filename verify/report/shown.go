package report

import (
	"strings"

	"github.com/custody-app/custody/archive/quote"
)

// Shown returns f as a person reads it: its path, document, expected and
// found values and message through quote.Safe. A path in a finding is
// often a name the sender chose; shown raw, it could clear the screen or
// print a line of its own.
func (f Finding) Shown() Finding {
	f.Path, f.Doc = quote.Safe(f.Path), quote.Safe(f.Doc)
	f.Expected, f.Found, f.Message = quote.Safe(f.Expected), quote.Safe(f.Found), quote.Safe(f.Message)
	if f.Docs != nil {
		docs := make([]string, len(f.Docs))
		for i, d := range f.Docs {
			docs[i] = quote.Safe(d)
		}
		f.Docs = docs
	}
	return f
}

// Shown returns c with its name and detail through quote.Safe.
func (c Check) Shown() Check {
	c.Name, c.Detail = quote.Safe(c.Name), quote.Safe(c.Detail)
	return c
}

func shownFindings(fs []Finding) []Finding {
	if fs == nil {
		return nil
	}
	out := make([]Finding, len(fs))
	for i, f := range fs {
		out[i] = f.Shown()
	}
	return out
}

func shownChecks(cs []Check) []Check {
	if cs == nil {
		return nil
	}
	out := make([]Check, len(cs))
	for i, c := range cs {
		out[i] = c.Shown()
	}
	return out
}

// ShownLines passes each line of a multi-line text (a fork's evidence:
// signed notes, one field a line) through quote.Safe, keeping its lines.
func ShownLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = quote.Safe(l)
	}
	return strings.Join(lines, "\n")
}
