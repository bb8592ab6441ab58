package archive

import (
	"context"

	"github.com/custody-app/custody/archive/blob"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/pack"
	"github.com/custody-app/custody/archive/store"
	badger "github.com/dgraph-io/badger/v4"
)

// openPacks opens the pack files of an archive: the local folder at path,
// wrapped by wrap when set, encrypted when the store is.
func openPacks(path string, cfg store.Config, wrap func(pack.Storage) pack.Storage) (pack.Storage, error) {
	local, err := pack.OpenLocal(path, !cfg.ReadOnly)
	if err != nil {
		return nil, err
	}
	var s pack.Storage = local
	if wrap != nil {
		s = wrap(s)
	}
	if len(cfg.EncryptionKey) == 0 {
		return s, nil
	}
	e, err := pack.Encrypt(s, cfg.EncryptionKey)
	if err != nil {
		local.Close()
		return nil, err
	}
	return e, nil
}

// chunks is where the documents' chunks are.
func (a *Archive) chunks() blob.Store { return blob.NewStore(a.db, a.pk) }

// VisitChunks hands every chunk of r's document to fn, in order, all read
// in one transaction, checked as check says (see blob.Store.VisitChunks:
// fn must not keep the data). It returns the index of the chunk it
// stopped at with the error: a *blob.ChunkError for a chunk missing or
// damaged, any other error for one that could not be read.
func (a *Archive) VisitChunks(ctx context.Context, r *catalog.Record, check blob.Check, fn func(data []byte)) (uint32, error) {
	return a.chunks().VisitChunks(ctx, r.Layout(), check, fn)
}

// EachChunk calls fn with the blob id and index of every stored chunk,
// reading keys only (to find chunks no document owns).
func (a *Archive) EachChunk(fn func(blob uint64, index uint32)) error {
	return a.chunks().EachChunk(fn)
}

// EachID calls fn with the ID of every document, in ID order, reading
// keys only.
func (a *Archive) EachID(fn func(id [32]byte) error) error {
	return a.db.View(func(txn *badger.Txn) error { return catalog.EachID(txn, fn) })
}

// VerifyStoreTables asks Badger to check the checksums of its tables.
func (a *Archive) VerifyStoreTables() error { return a.db.VerifyChecksum() }
