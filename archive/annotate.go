package archive

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/provenance"
	badger "github.com/dgraph-io/badger/v4"
)

// Derivation kinds a derived document may have.
var DeriveKinds = []string{"redaction", "conversion", "extraction", "translation", "other"}

// Derive imports the file at path as a new document derived from parents
// (a redacted, converted, excerpted or translated version), recording a
// derive event that links it to them. If the bytes are already in the
// archive, the link is still recorded.
func (a *Archive) Derive(ctx context.Context, path string, parents [][32]byte, kind, note string) (*catalog.Record, error) {
	if !slices.Contains(DeriveKinds, kind) {
		return nil, fmt.Errorf("unknown kind %q: use one of %s", kind, strings.Join(DeriveKinds, ", "))
	}
	if len(parents) == 0 {
		return nil, errors.New("a derived document needs at least one parent document")
	}
	var parentIDs []string
	var parentEvents []int64
	for _, p := range parents {
		if _, err := a.Record(p); err != nil {
			return nil, fmt.Errorf("parent %x: %w", p[:6], err)
		}
		at, err := logstore.IntroducedAt(a.db, p)
		if err != nil {
			return nil, fmt.Errorf("parent %x: %w", p[:6], err)
		}
		parentIDs = append(parentIDs, hex.EncodeToString(p[:]))
		parentEvents = append(parentEvents, at)
	}
	var out *catalog.Record
	opt := ImportOptions{Note: note}
	opt.event = func(rec *catalog.Record, name catalog.Name, isNew bool) (*provenance.Event, error) {
		if slices.Contains(parentIDs, rec.ID) {
			return nil, errors.New("a document cannot be derived from itself")
		}
		if len(rec.Parents) == 0 {
			rec.Parents, rec.Kind = parentIDs, kind
		}
		out = rec
		return &provenance.Event{Type: provenance.Derive, Doc: rec.ID, Size: rec.Size, Name: baseName(name.Path),
			Parents: parentIDs, ParentEvents: parentEvents, Kind: kind, Note: note}, nil
	}
	res, err := a.Import(ctx, []string{path}, opt)
	if err != nil {
		return nil, err
	}
	if len(res.Skipped) > 0 {
		return nil, fmt.Errorf("%s: %s", res.Skipped[0].Path, res.Skipped[0].Reason)
	}
	if out == nil {
		return nil, fmt.Errorf("%s was not imported", path)
	}
	return out, nil
}

// Annotate adds tags and/or a note to a document, recording an annotate
// event, and signs a checkpoint.
func (a *Archive) Annotate(id [32]byte, tags []string, note string) (*catalog.Record, error) {
	for _, t := range tags {
		if err := checkTag(t); err != nil {
			return nil, err
		}
	}
	note = strings.TrimSpace(note)
	if len(tags) == 0 && note == "" {
		return nil, errors.New("give at least one tag or a note")
	}
	if _, err := a.signer(); err != nil {
		return nil, err
	}
	var rec *catalog.Record
	a.wmu.Lock()
	err := a.db.Update(func(txn *badger.Txn) error {
		var err error
		if rec, err = catalog.Get(txn, id); err != nil {
			return err
		}
		for _, t := range tags {
			if !slices.Contains(rec.Tags, t) {
				rec.Tags = append(rec.Tags, t)
			}
		}
		if note != "" {
			rec.Notes = append(rec.Notes, note)
		}
		if err := catalog.Put(txn, rec); err != nil {
			return err
		}
		_, err = a.appendEvent(txn, &provenance.Event{Type: provenance.Annotate, Doc: rec.ID, Tags: tags, Note: note}, id)
		return err
	})
	a.wmu.Unlock()
	if err != nil {
		return nil, err
	}
	_, err = a.Checkpoint()
	return rec, err
}

// checkTag accepts short printable tags without spaces at either end.
func checkTag(t string) error {
	if t == "" || len(t) > 100 || strings.TrimSpace(t) != t {
		return fmt.Errorf("tag %q: tags are 1 to 100 characters, without leading or trailing spaces", t)
	}
	for _, r := range t {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("tag %q holds a control character", t)
		}
	}
	return nil
}
