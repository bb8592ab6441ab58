package archive

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/custody-app/custody/archive/blob"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/store"
	badger "github.com/dgraph-io/badger/v4"
	sha256 "github.com/minio/sha256-simd"
)

// Repair: a document's ID is the SHA-256 of its bytes, so any file with
// that SHA-256 is an intact copy of it, wherever it comes from (the
// original imported again, a bundle's payload, another archive or a
// backup of this one). When an import meets a document the archive holds
// damaged (a chunk missing, damaged, unreadable, or bytes that no longer
// hash to the ID), it stores the file's bytes afresh, points the record at
// them in the same transaction that appends a repair event (what was
// damaged, where the copy came from), and only then drops the damaged
// chunks. Until that commit the damaged bytes stay where they are, and
// every read of them fails its check: they are never served.

// Repaired is one document an import repaired.
type Repaired struct {
	ID     string `json:"id"`
	Path   string `json:"path"`
	Damage string `json:"damage"`
}

// storedDamage says what is wrong with the held copy of document id, or
// "" when nothing is (or the archive does not hold it). Unless deep is
// set, or the document's last check found it damaged, only lengths and
// CRC-32Cs are checked: enough for any damage of the disk, and several
// times cheaper than the SHA-256 the import computed already.
func (a *Archive) storedDamage(ctx context.Context, id [32]byte, deep bool) (string, error) {
	rec, err := a.Record(id)
	if errors.Is(err, catalog.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "its record could not be read: " + err.Error(), nil
	}
	if !deep && rec.Size < packMin {
		deep = true // one small value: hashing it costs nothing
	}
	if !deep {
		var lc []byte
		a.db.View(func(txn *badger.Txn) error {
			item, err := txn.Get(store.CheckedKey(id))
			if err == nil {
				lc, _ = item.ValueCopy(nil)
			}
			return nil
		})
		deep = len(lc) == 9 && lc[8] == 0
	}
	n := rec.Layout().Chunks()
	h := sha256.New()
	check := blob.CheckCRC
	i, err := a.VisitChunks(ctx, rec, check, func(b []byte) {
		if deep {
			h.Write(b)
		}
	})
	var ce *blob.ChunkError
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return "", ctx.Err()
	case errors.As(err, &ce) && errors.Is(err, blob.ErrMissing):
		return fmt.Sprintf("chunk %d of %d was missing", i+1, n), nil
	case errors.As(err, &ce):
		return fmt.Sprintf("chunk %d of %d was damaged", i+1, n), nil
	default:
		return fmt.Sprintf("chunk %d of %d could not be read", i+1, n), nil
	}
	if deep && hex.EncodeToString(h.Sum(nil)) != rec.ID {
		return "its bytes no longer matched its SHA-256", nil
	}
	return "", nil
}

// applyRepair points rec at the intact bytes r stored, inside txn, and
// appends the repair event. The caller deletes rec's old chunks after
// the commit.
func (a *Archive) applyRepair(txn *badger.Txn, rec *catalog.Record, r *ready, from string, now time.Time) error {
	if r.inline != nil {
		if err := txn.Set(store.ChunkKey(r.blob, 0), r.inline); err != nil {
			return err
		}
	}
	if r.staged {
		if err := txn.Delete(store.PendKey(r.blob)); err != nil {
			return err
		}
		if err := catalog.IndexSize(txn, r.size, r.crc0, r.id); err != nil {
			return err
		}
	}
	rec.Blob, rec.Packed = r.blob, r.staged
	if err := catalog.Put(txn, rec); err != nil {
		return err
	}
	if err := setChecked(txn, r.id, now, true); err != nil {
		return err
	}
	_, err := a.appendEvent(txn, &provenance.Event{Type: provenance.Repair, Doc: rec.ID, What: r.repair, Source: from}, r.id)
	return err
}

// RepairFrom repairs the documents ids, which this archive holds damaged,
// from src (another archive folder, or a backup copy of this one) whose
// copies are read verified. Each copy goes through a temporary file and an
// import that only repairs. It returns what was repaired, and for every
// document it could not repair, why.
func (a *Archive) RepairFrom(ctx context.Context, src *Archive, ids [][32]byte) ([]Repaired, map[[32]byte]string, error) {
	var done []Repaired
	failed := map[[32]byte]string{}
	from := "archive copy " + src.Dir()
	if src.view {
		from = src.source
	}
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return done, failed, err
		}
		r, _, err := src.OpenDoc(id)
		if errors.Is(err, catalog.ErrNotFound) {
			failed[id] = "the other archive does not hold it"
			continue
		} else if err != nil {
			failed[id] = err.Error()
			continue
		}
		tmp, err := os.CreateTemp(filepath.Join(a.dir, TempDir), "repair-*")
		if err != nil {
			return done, failed, err
		}
		_, err = io.Copy(tmp, r)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(tmp.Name())
			if errors.Is(err, blob.ErrCorrupt) || errors.Is(err, blob.ErrMissing) {
				failed[id] = "its copy there is damaged too"
				continue
			}
			return done, failed, err
		}
		res, err := a.Import(ctx, []string{tmp.Name()}, ImportOptions{repairOnly: true, repairFrom: from})
		os.Remove(tmp.Name())
		if err != nil {
			return done, failed, err
		}
		if len(res.Repaired) == 0 {
			failed[id] = "its copy here was found intact when it was rewritten"
			continue
		}
		for _, rp := range res.Repaired {
			rp.Path = ""
			done = append(done, rp)
		}
	}
	return done, failed, nil
}
