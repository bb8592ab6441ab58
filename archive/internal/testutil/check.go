package testutil

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/store"
	"github.com/custody-app/custody/verify/archivecheck"
	"github.com/custody-app/custody/verify/fixity"
	"github.com/custody-app/custody/verify/report"
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

// Intact runs the fixity check and the whole-archive check (bytes and
// provenance log) and fails the test unless both say INTACT with no
// warnings.
func Intact(tb testing.TB, a *archive.Archive) {
	tb.Helper()
	for name, rep := range map[string]*report.Report{
		"fixity":        fixity.Check(context.Background(), a, fixity.Options{}),
		"archive check": archivecheck.Check(context.Background(), a, archivecheck.Options{}),
	} {
		if rep.Verdict != report.Intact || len(rep.Findings) > 0 || len(rep.Warnings) > 0 {
			tb.Errorf("%s: verdict %s, findings %+v, warnings %+v", name, rep.Verdict, rep.Findings, rep.Warnings)
		}
	}
}

// SmallStore keeps Badger's files small, as the crash and disk-full tests
// need.
var SmallStore = store.Config{ValueLogFileSize: 16 << 20, MemTableSize: 4 << 20}

// SmallOptions opens (with create, creates) an unencrypted archive with
// SmallStore and a cheap passphrase.
func SmallOptions(create bool) archive.Options {
	o := archivetest.Plain(create)
	o.Store = SmallStore
	return o
}
