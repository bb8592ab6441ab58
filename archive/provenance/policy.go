package provenance

import "strings"

// Choices are what a bundle or proof discloses beyond each chosen
// document's own record (its ID, size and names), which always go with it.
// Sources, notes and tags are recorded but not disclosed unless chosen:
// a source label can endanger a person.
type Choices struct {
	Sources bool // an import's source label
	Notes   bool // notes of imports, derivations, annotations, exports and receives
	Tags    bool // tags of annotations
}

// ParseChoices reads a --disclose list: comma-separated words among
// sources, notes and tags (also "all" and "none").
func ParseChoices(s string) (Choices, error) {
	var c Choices
	for _, w := range strings.Split(s, ",") {
		switch strings.TrimSpace(strings.ToLower(w)) {
		case "":
		case "sources", "source":
			c.Sources = true
		case "notes", "note":
			c.Notes = true
		case "tags", "tag":
			c.Tags = true
		case "all":
			c = Choices{true, true, true}
		case "none":
			c = Choices{}
		default:
			return c, &ChoiceError{Word: strings.TrimSpace(w)}
		}
	}
	return c, nil
}

// ChoiceError is ParseChoices' error for a word it does not know.
type ChoiceError struct{ Word string }

func (e *ChoiceError) Error() string {
	return "cannot disclose " + `"` + e.Word + `"` + ": choose among sources, notes and tags"
}

// String lists the chosen fields ("sources,notes"; "" for none).
func (c Choices) String() string {
	var out []string
	if c.Sources {
		out = append(out, "sources")
	}
	if c.Notes {
		out = append(out, "notes")
	}
	if c.Tags {
		out = append(out, "tags")
	}
	return strings.Join(out, ",")
}

// For returns the Disclosure of ev when the documents for which shown is
// true are the ones leaving (the bundle's or proof's documents, and their
// ancestors when those go too). About any other document nothing is
// opened: an export or receive naming 194 documents opens only the
// elements of the ones leaving, and the ingest of a redaction's withheld
// original opens nothing at all.
func (c Choices) For(ev *Event, shown func(doc string) bool) Disclosure {
	own := ev.Doc != "" && shown(ev.Doc)
	named := false
	for _, d := range ev.Docs {
		if shown(d) {
			named = true
			break
		}
	}
	if ev.Type == DKIM {
		// A DKIM outcome is evidence about the chosen document: it goes
		// whole with it (the key record's source too, which a recipient
		// needs to judge the key), and with nothing else.
		return func(field string, i int, value string) bool {
			switch field {
			case "doc", "what", "verdict", "source":
				return own
			}
			return false
		}
	}
	if ev.Type == Repair {
		// Like an annotate: about the chosen document only, and what
		// was damaged and where the copy came from only with notes.
		return func(field string, i int, value string) bool {
			switch field {
			case "doc":
				return own
			case "what", "source", "note":
				return own && c.Notes
			}
			return false
		}
	}
	return func(field string, i int, value string) bool {
		switch field {
		case "doc", "size", "name", "path":
			return own
		case "parents":
			return own && shown(value)
		case "source":
			return own && c.Sources
		case "tags":
			return own && c.Tags
		case "note":
			return (own || named) && c.Notes
		case "docs":
			return shown(value)
		case "names":
			return i < len(ev.Docs) && shown(ev.Docs[i])
		case "bundle", "origin", "checkpoint":
			// Where a received document came from: the next hop needs it
			// to find the sender's signed history.
			return ev.Type == Receive && named
		}
		return false
	}
}
