package archivetest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/store"
	badger "github.com/dgraph-io/badger/v4"
)

// Pending counts the pending-upload markers in the store.
func Pending(tb testing.TB, a *archive.Archive) int {
	tb.Helper()
	n := 0
	err := a.DB().View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: store.PrefixPend})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// IDs lists the IDs of every document the archive holds, sorted.
func IDs(tb testing.TB, a *archive.Archive) []string {
	tb.Helper()
	var out []string
	err := a.Each(func(r *catalog.Record) error { out = append(out, r.ID); return nil },
		func(id [32]byte, err error) { tb.Errorf("record %x cannot be read: %v", id, err) })
	if err != nil {
		tb.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// ReadBack reads document id through the archive and checks that its
// bytes hash to id; it returns their length.
func ReadBack(a *archive.Archive, id string) (int64, error) {
	var sum [32]byte
	if b, err := hex.DecodeString(id); err != nil || len(b) != 32 {
		return 0, fmt.Errorf("%q is not a document ID", id)
	} else {
		copy(sum[:], b)
	}
	r, _, err := a.OpenDoc(sum)
	if err != nil {
		return 0, err
	}
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return n, err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != id {
		return n, fmt.Errorf("read back bytes whose SHA-256 is %s", got)
	}
	return n, nil
}
