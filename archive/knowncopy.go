package archive

import (
	"errors"
	"io"
	"sync"

	"github.com/custody-app/custody/archive/blob"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/store"
	badger "github.com/dgraph-io/badger/v4"
	sha256 "github.com/minio/sha256-simd"
)

// Storing a file's chunks before its SHA-256 is known costs space for good
// when it turns out to be a copy: its references are deleted, but pack
// files are never rewritten. So a file that goes to pack files (packMin
// bytes or more) is hashed before anything is stored when it could be a
// copy:
//
//   - when the archive holds a document of its size whose first chunk has
//     the same CRC-32C (the size/ index), or
//   - when an earlier file of this import has that size and first-chunk
//     CRC: the first such file claims them and is stored as usual; the
//     others are hashed, wait for the claimer's SHA-256, and, when it is
//     theirs, for the claimer to reach the committer (which commits in
//     the order documents reach it, so the claimer's record comes first),
//     and then add only their name. They do not wait for the commit
//     itself: it waits for the passphrase when that is checked in the
//     background, and a failed commit stops the whole import anyway.
//
// The first chunk's CRC keeps files that merely share a size (scans,
// recordings, disk images of a fixed size) from being read twice or
// waiting on each other. Other files are read once.

// sizeClaim is the first file of its size in an import.
type sizeClaim struct {
	ready     chan struct{} // closed once the claimer's ID is known, or it gave up
	id        [32]byte      // set before ready closes
	ok        bool
	queued    chan struct{} // closed once the claimer's document was handed to the committer
	committed chan struct{} // closed once the claimer's document is committed, or never will be
	landed    bool          // set before committed closes
	readyOnce sync.Once
	queueOnce sync.Once
	doneOnce  sync.Once
}

// shape is what a copy must share with the file it copies before it is
// worth hashing: the size and the first chunk's CRC-32C.
type shape struct {
	size int64
	crc0 uint32
}

func (im *importer) claim(s shape) (c *sizeClaim, mine bool) {
	fresh := &sizeClaim{ready: make(chan struct{}), queued: make(chan struct{}), committed: make(chan struct{})}
	v, loaded := im.claims.LoadOrStore(s, fresh)
	return v.(*sizeClaim), !loaded
}

// known publishes the claimer's ID.
func (c *sizeClaim) known(id [32]byte) {
	c.readyOnce.Do(func() { c.id, c.ok = id, true; close(c.ready) })
}

// handedOver says the claimer's document reached the committer. A nil
// claim ignores it.
func (c *sizeClaim) handedOver() {
	if c != nil {
		c.queueOnce.Do(func() { close(c.queued) })
	}
}

// land says whether the claimer's document was committed. A nil claim
// (a file that claimed nothing) ignores it.
func (c *sizeClaim) land(ok bool) {
	if c == nil {
		return
	}
	c.readyOnce.Do(func() { close(c.ready) })
	c.doneOnce.Do(func() { c.landed = ok; close(c.committed) })
}

// giveUp releases whoever waits on a claimer that failed.
func (c *sizeClaim) giveUp() { c.land(false) }

// knownCopy decides, for a file bound for pack files whose first chunk
// is in buf (r.size bytes), whether its bytes are already in the archive
// (or about to be, from the claimer of its size). When they are, r is
// filled as a known copy and nothing is to be stored. Otherwise f is left
// just after the first chunk, for storeChunks.
func (im *importer) knownCopy(f *docSource, buf []byte, r *ready, s shape, c *sizeClaim, mine bool) (bool, error) {
	var held bool
	im.a.db.View(func(txn *badger.Txn) error { held = catalog.SizeHeld(txn, s.size, s.crc0); return nil })
	if mine && !held {
		return false, nil
	}
	first := r.size
	probe := sha256.New()
	probe.Write(buf[4 : 4+first])
	total, err := io.CopyBuffer(probe, f, make([]byte, 1<<20))
	if err != nil {
		return false, err
	}
	total += first
	var sum [32]byte
	probe.Sum(sum[:0])
	has, err := im.has(sum)
	if err != nil {
		return false, err
	}
	if has {
		// Held: but if the held copy is damaged, this file repairs it
		// (repair.go), so it is stored like a new one.
		if r.repair, err = im.a.storedDamage(im.ctx, sum, im.opt.repairOnly); err != nil {
			return false, err
		}
		if r.repair != "" {
			return false, f.rewind(first)
		}
	}
	if !has && !mine {
		if has, err = im.sameAsClaim(c, sum); err != nil {
			return false, err
		}
	}
	if has {
		im.ctr.AddBytes(total - first)
		r.id, r.size, r.known = sum, total, true
		return true, nil
	}
	return false, f.rewind(first)
}

// sameAsClaim waits for the claimer of this size and reports whether its
// document is sum and on its way to being committed before this one.
func (im *importer) sameAsClaim(c *sizeClaim, sum [32]byte) (bool, error) {
	select {
	case <-c.ready:
	case <-im.ctx.Done():
		return false, im.ctx.Err()
	}
	if !c.ok || c.id != sum {
		return false, nil
	}
	select {
	case <-c.queued:
		return true, nil
	case <-c.committed:
		return c.landed, nil
	case <-im.ctx.Done():
		return false, im.ctx.Err()
	}
}

func (im *importer) has(id [32]byte) (bool, error) {
	var has bool
	err := im.a.db.View(func(txn *badger.Txn) error {
		var err error
		has, err = catalog.Has(txn, id)
		return err
	})
	return has, err
}

// indexSizes gives every document of packMin bytes or more its size/ key
// (archives written before the index covered them) and marks the index
// complete; a no-op once done. The first chunk's CRC-32C is in its stored
// value.
func indexSizes(db *badger.DB) error {
	done := false
	err := db.View(func(txn *badger.Txn) error {
		_, err := txn.Get(store.KeySizeIndex)
		done = err == nil
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		return err
	})
	if err != nil || done {
		return err
	}
	wb := db.NewWriteBatch()
	defer wb.Cancel()
	err = db.View(func(txn *badger.Txn) error {
		return catalog.Each(txn, func(r *catalog.Record) error {
			if r.Size < packMin {
				return nil
			}
			item, err := txn.Get(store.ChunkKey(r.Blob, 0))
			if err != nil {
				return nil // a damaged document: verify reports it
			}
			var crc uint32
			item.Value(func(v []byte) error {
				crc, _ = blob.FirstCRC(r.Layout(), v)
				return nil
			})
			return wb.Set(store.SizeKey(r.Size, crc, r.Sum()), nil)
		}, nil)
	})
	if err == nil {
		err = wb.Set(store.KeySizeIndex, []byte("1"))
	}
	if err == nil {
		err = wb.Flush()
	}
	return err
}
