package gui

import (
	"errors"

	"github.com/custody-app/custody/archive/quote"
)

// The window shows every string that came from outside (a document's
// names, source, notes and tags, a bundle's paths, a key's own name, an
// error's details) through quote.Safe, as the command line does: a name
// cannot then start a new line, hide itself or turn around on screen
// (U+202E is shown as \u202e, never obeyed). These helpers are for the
// cases that are more than one string.

// shownPath is a path for reading: shortened under the home folder and
// made safe. Never read it back as a path (see displayPath).
func shownPath(p string) string { return quote.Safe(displayPath(p)) }

// shownErr is err with its text made safe, for dialog.ShowError.
func shownErr(err error) error {
	if err == nil {
		return nil
	}
	return errors.New(quote.Safe(err.Error()))
}

// shownAll is each of items made safe.
func shownAll(items []string) []string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = quote.Safe(s)
	}
	return out
}
