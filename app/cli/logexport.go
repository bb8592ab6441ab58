package cli

import (
	"bufio"
	"errors"
	"fmt"
	"slices"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/standards"
	"github.com/custody-app/custody/verify/report"
)

// runLogExport writes the log as PREMIS 3 XML or CASE/UCO JSON-LD: every
// document and event (or, with DOCs, those documents and their chains),
// every field as recorded. It is the archivist's own export, for the
// archive's own systems.
func runLogExport(env *Env, format string, refs []string) error {
	write := map[string]func(*bufio.Writer, standards.Input) error{
		"premis": func(w *bufio.Writer, in standards.Input) error { return standards.WritePREMIS(w, in) },
		"case":   func(w *bufio.Writer, in standards.Input) error { return standards.WriteCASE(w, in) },
	}[format]
	if write == nil {
		return &exitError{ExitFailed, fmt.Errorf("no log format %q: use premis or case", format)}
	}
	a, err := env.open(readOnly)
	if err != nil {
		return err
	}
	defer a.Close()
	in, err := exportInput(a, refs)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(env.Stdout)
	if err := write(w, in); err != nil {
		return err
	}
	return w.Flush()
}

// exportInput gathers the documents and events an export describes.
func exportInput(a *archive.Archive, refs []string) (standards.Input, error) {
	pub := a.Public()
	in := standards.Input{Tool: report.Tool(), Signer: standards.Signer{Fingerprint: pub.Fingerprint, KeyName: pub.KeyName,
		Name: pub.Name, Organisation: pub.Organisation, VerifierKey: pub.VerifierKey, Origin: pub.Origin}}
	addDoc := func(r *catalog.Record) {
		d := standards.Doc{ID: r.ID, Size: r.Size, MediaType: r.MediaType}
		for _, n := range r.Names {
			d.Names = append(d.Names, n.Path)
		}
		in.Docs = append(in.Docs, d)
	}
	addEvent := func(i int64, b []byte) error {
		ev, err := provenance.ParseEvent(b)
		if err != nil {
			return fmt.Errorf("log event %d: %w", i, err)
		}
		in.Events = append(in.Events, standards.Event{Index: i, Event: ev})
		return nil
	}
	if len(refs) == 0 {
		if err := a.Each(func(r *catalog.Record) error { addDoc(r); return nil }, nil); err != nil {
			return in, err
		}
		size, err := a.LogSize()
		if err != nil {
			return in, err
		}
		return in, a.LogEvents(0, size, addEvent)
	}
	var indexes []int64
	for _, ref := range refs {
		id, err := a.Resolve(ref)
		if err != nil {
			return in, err
		}
		r, err := a.Record(id)
		if err != nil {
			return in, err
		}
		addDoc(r)
		chain, err := a.Chain(id)
		if err != nil {
			return in, err
		}
		indexes = append(indexes, chain...)
	}
	slices.Sort(indexes)
	for _, i := range slices.Compact(indexes) {
		b, err := a.LogEvent(i)
		if err != nil {
			return in, err
		}
		if err := addEvent(i, b); err != nil {
			return in, err
		}
	}
	if len(in.Docs) == 0 {
		return in, errors.New("no documents to export")
	}
	return in, nil
}
