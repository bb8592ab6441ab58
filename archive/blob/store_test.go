package blob_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/custody-app/custody/archive/blob"
	"github.com/custody-app/custody/archive/pack"
	"github.com/custody-app/custody/archive/pack/packtest"
	"github.com/custody-app/custody/archive/store"
	badger "github.com/dgraph-io/badger/v4"
	sha256 "github.com/minio/sha256-simd"
)

// packedDoc stores data as a packed document of blob 1 (chunks in pack
// files under encryption, their references in Badger) and returns a Store
// reading its packs through a Faulty, its layout and its SHA-256.
func packedDoc(t *testing.T, data []byte) (blob.Store, *packtest.Faulty, blob.Layout, [32]byte) {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions(t.TempDir()).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	local, err := pack.OpenLocal(t.TempDir(), true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { local.Close() })
	f := packtest.NewFaulty(local)
	packs, err := pack.Encrypt(f, bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	l := blob.Layout{Blob: 1, Size: int64(len(data)), Packed: true}
	w := pack.NewWriter(packs, func() (uint64, error) { return 7, nil })
	err = db.Update(func(txn *badger.Txn) error {
		for i := range l.Chunks() {
			chunk := data[int64(i)*blob.ChunkSize:][:l.ChunkLen(i)]
			r, err := w.Append(chunk)
			if err != nil {
				return err
			}
			if err := txn.Set(store.ChunkKey(l.Blob, i), blob.EncodeRef(r, blob.Checksum(chunk))); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return blob.NewStore(db, packs), f, l, sha256.Sum256(data)
}

// A packed document reads back whole, in ranges and chunk by chunk; a
// byte flipped in its pack stops each read with the damaged chunk named,
// except a visit that skips the CRC for a caller that hashes.
func TestPackedDocument(t *testing.T) {
	data := make([]byte, 2*blob.ChunkSize+100)
	for i := range data {
		data[i] = byte(i * 13 / 7)
	}
	s, f, l, sum := packedDoc(t, data)
	if got, err := io.ReadAll(s.NewReader(l, sum)); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, %v", len(got), err)
	}
	if got, err := s.ReadRange(l, blob.ChunkSize-5, 10); err != nil || !bytes.Equal(got, data[blob.ChunkSize-5:][:10]) {
		t.Fatalf("range: %v", err)
	}
	var seen int
	if n, err := s.VisitChunks(context.Background(), l, blob.CheckCRC, func(d []byte) { seen += len(d) }); err != nil || n != 3 || seen != len(data) {
		t.Fatalf("visit: %d chunks, %d bytes, %v", n, seen, err)
	}

	f.Flip(7, blob.ChunkSize+3, 0x80)
	var ce *blob.ChunkError
	if _, err := io.ReadAll(s.NewReader(l, sum)); !errors.As(err, &ce) || ce.Index != 1 || !errors.Is(err, blob.ErrCorrupt) {
		t.Fatalf("read of the damaged document: %v", err)
	}
	if _, err := s.ReadRange(l, blob.ChunkSize, 10); !errors.As(err, &ce) || ce.Index != 1 {
		t.Fatalf("range in the damaged chunk: %v", err)
	}
	if n, err := s.VisitChunks(context.Background(), l, blob.CheckCRC, func([]byte) {}); n != 1 || !errors.As(err, &ce) {
		t.Fatalf("visit with CRC: stopped at %d, %v", n, err)
	}
	h := sha256.New()
	if n, err := s.VisitChunks(context.Background(), l, blob.SkipCRC, func(d []byte) { h.Write(d) }); n != 3 || err != nil {
		t.Fatalf("visit without CRC: stopped at %d, %v", n, err)
	}
	if bytes.Equal(h.Sum(nil), sum[:]) {
		t.Fatal("the flipped byte did not reach the hash")
	}

	f.Truncate(7, blob.ChunkSize)
	if n, err := s.VisitChunks(context.Background(), l, blob.SkipCRC, func([]byte) {}); n != 1 || !errors.Is(err, blob.ErrCorrupt) {
		t.Fatalf("visit of a cut pack: stopped at %d, %v", n, err)
	}
	f.Hide(7)
	if n, err := s.VisitChunks(context.Background(), l, blob.SkipCRC, func([]byte) {}); n != 0 || !errors.Is(err, blob.ErrMissing) {
		t.Fatalf("visit of a missing pack: stopped at %d, %v", n, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.VisitChunks(ctx, l, blob.SkipCRC, func([]byte) {}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled visit: %v", err)
	}
}
