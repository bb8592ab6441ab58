package remote

import (
	"context"

	"github.com/custody-app/custody/archive"
)

// Repair rewrites the damaged documents from remote name's pack files,
// read through a view of the archive (the same records, the remote's
// bytes) by the archive's own repair (archive.RepairFrom: each copy's
// SHA-256 checked, a repair event naming the remote). Documents below
// 64 KiB are kept in the store, not in pack files; they are reported
// not repaired, with the way to repair them (clone, then repair from the
// clone).
func Repair(ctx context.Context, a *archive.Archive, name string, damaged [][32]byte) ([]archive.Repaired, map[[32]byte]string, error) {
	st, err := Load(a, name)
	if err != nil {
		return nil, nil, err
	}
	c, err := Dial(st.Location)
	if err != nil {
		return nil, nil, err
	}
	view, err := a.ReadingPacksFrom(c.Packs(ctx), "remote copy "+st.URL())
	if err != nil {
		return nil, nil, err
	}
	defer view.Close()
	var packed [][32]byte
	failed := map[[32]byte]string{}
	for _, id := range damaged {
		if rec, err := a.Record(id); err == nil && !rec.Packed {
			failed[id] = "it is kept in the store, not in a pack file: clone the remote and repair from the clone"
			continue
		}
		packed = append(packed, id)
	}
	done, more, err := a.RepairFrom(ctx, view, packed)
	for id, why := range more {
		if why == "its copy there is damaged too" {
			why = "its copy on the remote is damaged or missing too"
		}
		failed[id] = why
	}
	return done, failed, err
}
