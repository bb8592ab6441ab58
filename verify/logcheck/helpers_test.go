package logcheck

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/note"
	tlog "golang.org/x/mod/sumdb/tlog"

	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/verify/report"
)

const origin = "custody.example/archive/check-0001"

var clock = time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)

type key struct {
	signer   note.Signer
	verifier note.Verifier
}

func newKey(t testing.TB, name string) key {
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := note.NewSigner(skey)
	v, _ := note.NewVerifier(vkey)
	return key{s, v}
}

func openDB(t testing.TB) *badger.DB {
	db, err := badger.Open(badger.DefaultOptions(t.TempDir()).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func doc(i int) [32]byte { return sha256.Sum256([]byte(fmt.Sprintf("doc-%d", i))) }

func hexDoc(i int) string { d := doc(i); return hex.EncodeToString(d[:]) }

// event is the i'th event of the test log: an ingest of doc-i, except every
// 7th, a derivation of doc-i from doc-(i-1) and doc-(i/2), and every 11th,
// an annotation of doc-(i-1). Each event's time is one minute after the last.
func event(t testing.TB, i int) []byte {
	ev := &provenance.Event{Type: provenance.Ingest, Actor: "archivist", Doc: hexDoc(i), Size: int64(i), Name: fmt.Sprintf("f%d.txt", i)}
	switch {
	case i > 2 && i%7 == 0:
		ev = &provenance.Event{Type: provenance.Derive, Actor: "archivist", Doc: hexDoc(i), Size: 1, Parents: []string{hexDoc(i - 1), hexDoc(i / 2)}, ParentEvents: []int64{int64(i - 1), int64(i / 2)}, Kind: "extraction"}
	case i%11 == 0 && i > 0:
		ev = &provenance.Event{Type: provenance.Annotate, Actor: "archivist", Doc: hexDoc(i - 1), Tags: []string{"seen"}}
	}
	b, err := provenance.MarshalAt(ev, clock.Add(time.Duration(i)*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testLog is a log of 40 events with checkpoints at sizes 10, 20 and 40,
// and the set of documents the archive holds.
type testLog struct {
	db   *badger.DB
	key  key
	docs map[[32]byte]bool
}

func buildLog(t testing.TB, db *badger.DB, k key, n int, signAt ...int) *testLog {
	l := &testLog{db: db, key: k, docs: map[[32]byte]bool{}}
	for i := 0; i < n; i++ {
		b := event(t, i)
		appendEvents(t, db, b)
		ev, _ := provenance.ParseEvent(b)
		for _, d := range ev.Introduces() {
			l.docs[d] = true
		}
		for _, s := range signAt {
			if s == i+1 {
				l.sign(t)
			}
		}
	}
	return l
}

func newLog(t testing.TB) *testLog {
	return buildLog(t, openDB(t), newKey(t, "archivist"), 40, 10, 20, 40)
}

func (l *testLog) sign(t testing.TB) *provenance.Checkpoint {
	cp, err := logstore.SignCheckpoint(l.db, l.key.signer, origin)
	if err != nil {
		t.Fatal(err)
	}
	return cp
}

func appendEvents(t testing.TB, db *badger.DB, events ...[]byte) {
	err := db.Update(func(txn *badger.Txn) error {
		for _, b := range events {
			if _, err := logstore.Append(txn, b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// appendRaw appends bytes the way logstore.Append does, without checking
// that they are a readable event: what a damaged or hostile writer leaves.
func appendRaw(t testing.TB, db *badger.DB, b []byte) {
	err := db.Update(func(txn *badger.Txn) error {
		n, err := logstore.SizeTxn(txn)
		if err != nil {
			return err
		}
		hs, err := tlog.StoredHashes(n, b, logstore.HashReader(txn))
		if err != nil {
			return err
		}
		for k, h := range hs {
			if err := txn.Set(logstore.HashKey(tlog.StoredHashIndex(0, n)+int64(k)), h[:]); err != nil {
				return err
			}
		}
		if err := txn.Set(logstore.EventKey(n), b); err != nil {
			return err
		}
		return txn.Set(logstore.SizeKey, be(n+1))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func be(n int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(n)) }

func (l *testLog) update(t testing.TB, fn func(txn *badger.Txn) error) {
	if err := l.db.Update(fn); err != nil {
		t.Fatal(err)
	}
}

func (l *testLog) options() Options {
	return Options{
		Verifier:  l.key.verifier,
		Origin:    origin,
		DocExists: func(d [32]byte) (bool, error) { return l.docs[d], nil },
		ListDocs: func(fn func([32]byte) error) error {
			for d := range l.docs {
				if err := fn(d); err != nil {
					return err
				}
			}
			return nil
		},
		Now: func() time.Time { return clock.Add(time.Hour) },
	}
}

func (l *testLog) check(t testing.TB, opt Options) *report.Report {
	rep := &report.Report{}
	if err := Check(context.Background(), l.db, opt, rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

// codes lists findings (problems and warnings) as sorted "CODE path" lines,
// with the doc's number for findings about a document.
func codes(rep *report.Report) []string {
	var out []string
	for _, list := range [][]report.Finding{rep.Findings, rep.Warnings} {
		for _, f := range list {
			s := f.Code + " " + f.Path
			if f.Doc != "" {
				s += " " + docName(f.Doc)
			}
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

func docName(h string) string {
	for i := 0; i < 1000; i++ {
		if hexDoc(i) == h {
			return fmt.Sprintf("doc-%d", i)
		}
	}
	return h[:12]
}

func dump(rep *report.Report) string {
	var b strings.Builder
	for _, list := range [][]report.Finding{rep.Findings, rep.Warnings} {
		for _, f := range list {
			fmt.Fprintf(&b, "  %s %s %s: %s\n", f.Code, f.Path, f.Doc, f.Message)
		}
	}
	return b.String()
}
