package logcheck

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"slices"
	"strconv"
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

func TestCleanLog(t *testing.T) {
	l := newLog(t)
	rep := l.check(t, l.options())
	if got := codes(rep); len(got) != 0 {
		t.Fatalf("clean log has findings:\n%s", dump(rep))
	}
	if len(rep.Checks) != 3 {
		t.Fatalf("checks %+v", rep.Checks)
	}
	for _, c := range rep.Checks {
		if !c.OK {
			t.Errorf("check %q failed", c.Name)
		}
	}
}

// TestTampering applies one change to a good log, as damage or an attacker
// would, and expects exactly these findings.
func TestTampering(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(t *testing.T, l *testLog)
		want   []string
	}{{
		name: "one byte of an event changed",
		mutate: func(t *testing.T, l *testLog) {
			l.update(t, func(txn *badger.Txn) error {
				b := readEvent(t, l.db, 7)
				i := strings.Index(string(b), `"archivist"`)
				b[i+9] = 'T'
				return txn.Set(logstore.EventKey(7), b)
			})
		},
		want: []string{
			"LOG_CHECKPOINT_ROOT_MISMATCH log/checkpoint/10",
			"LOG_CHECKPOINT_ROOT_MISMATCH log/checkpoint/20",
			"LOG_CHECKPOINT_ROOT_MISMATCH log/checkpoint/40",
			"LOG_EVENT_HASH_MISMATCH log/event/7",
		},
	}, {
		// The tree covers the sealed form, which commits to every private
		// value and, through the seed, to every salt.
		name: "a private value changed (a name)",
		mutate: func(t *testing.T, l *testLog) {
			setEvent(t, l, 5, func(b []byte) []byte { return bytes.Replace(b, []byte(`"f5.txt"`), []byte(`"f6.txt"`), 1) })
		},
		want: []string{
			"LOG_CHECKPOINT_ROOT_MISMATCH log/checkpoint/10",
			"LOG_CHECKPOINT_ROOT_MISMATCH log/checkpoint/20",
			"LOG_CHECKPOINT_ROOT_MISMATCH log/checkpoint/40",
			"LOG_EVENT_HASH_MISMATCH log/event/5",
		},
	}, {
		name: "an event's seed changed",
		mutate: func(t *testing.T, l *testLog) {
			setEvent(t, l, 5, func(b []byte) []byte {
				ev, err := provenance.ParseEvent(b)
				if err != nil {
					t.Fatal(err)
				}
				seed, _ := base64.StdEncoding.DecodeString(ev.Salt)
				seed[31] ^= 1
				return bytes.Replace(b, []byte(ev.Salt), []byte(base64.StdEncoding.EncodeToString(seed)), 1)
			})
		},
		want: []string{
			"LOG_CHECKPOINT_ROOT_MISMATCH log/checkpoint/10",
			"LOG_CHECKPOINT_ROOT_MISMATCH log/checkpoint/20",
			"LOG_CHECKPOINT_ROOT_MISMATCH log/checkpoint/40",
			"LOG_EVENT_HASH_MISMATCH log/event/5",
		},
	}, {
		name: "an event deleted",
		mutate: func(t *testing.T, l *testLog) {
			l.update(t, func(txn *badger.Txn) error { return txn.Delete(logstore.EventKey(5)) })
		},
		want: []string{"LOG_DOC_WITHOUT_EVENT log doc-5", "LOG_EVENT_MISSING log/event/5"},
	}, {
		name: "two events swapped",
		mutate: func(t *testing.T, l *testLog) {
			a, b := readEvent(t, l.db, 3), readEvent(t, l.db, 4)
			l.update(t, func(txn *badger.Txn) error {
				if err := txn.Set(logstore.EventKey(3), b); err != nil {
					return err
				}
				return txn.Set(logstore.EventKey(4), a)
			})
		},
		want: []string{
			"LOG_CHECKPOINT_ROOT_MISMATCH log/checkpoint/10",
			"LOG_CHECKPOINT_ROOT_MISMATCH log/checkpoint/20",
			"LOG_CHECKPOINT_ROOT_MISMATCH log/checkpoint/40",
			// Each event is indexed under its document at its old index.
			"LOG_DOC_INDEX_MISSING log/event/3 doc-4",
			"LOG_DOC_INDEX_MISSING log/event/4 doc-3",
			"LOG_EVENT_HASH_MISMATCH log/event/3",
			"LOG_EVENT_HASH_MISMATCH log/event/4",
			// Event 4 now stands before event 3, whose time is earlier.
			"LOG_TIME_BACKWARDS log/event/4",
		},
	}, {
		name: "a checkpoint re-signed by another key",
		mutate: func(t *testing.T, l *testLog) {
			cps, _ := logstore.Checkpoints(l.db)
			body := string(cps[1].Note[:strings.Index(string(cps[1].Note), "\n\n")+1])
			signed, err := note.Sign(&note.Note{Text: body}, newKey(t, "archivist").signer)
			if err != nil {
				t.Fatal(err)
			}
			l.update(t, func(txn *badger.Txn) error { return txn.Set(logstore.CheckpointKey(20), signed) })
		},
		want: []string{"LOG_CHECKPOINT_SIGNATURE log/checkpoint/20"},
	}, {
		name: "a checkpoint's signature bit flipped",
		mutate: func(t *testing.T, l *testLog) {
			cps, _ := logstore.Checkpoints(l.db)
			b := cps[0].Note
			sp := strings.LastIndexByte(string(b[:len(b)-1]), ' ')
			sig, err := base64.StdEncoding.DecodeString(string(b[sp+1 : len(b)-1]))
			if err != nil {
				t.Fatal(err)
			}
			sig[20] ^= 0x10
			flipped := append(append([]byte{}, b[:sp+1]...), base64.StdEncoding.EncodeToString(sig)+"\n"...)
			l.update(t, func(txn *badger.Txn) error { return txn.Set(logstore.CheckpointKey(10), flipped) })
		},
		want: []string{"LOG_CHECKPOINT_SIGNATURE log/checkpoint/10"},
	}, {
		name: "size lowered",
		mutate: func(t *testing.T, l *testLog) {
			l.update(t, func(txn *badger.Txn) error { return txn.Set(logstore.SizeKey, be(15)) })
		},
		want: []string{
			"LOG_EVENT_PAST_SIZE log/event/15",
			"LOG_ROLLED_BACK log/checkpoint/20",
			"LOG_ROLLED_BACK log/checkpoint/40",
		},
	}, {
		name: "last events, their hashes and the size rolled back",
		mutate: func(t *testing.T, l *testLog) {
			l.update(t, func(txn *badger.Txn) error {
				for i := int64(30); i < 40; i++ {
					if err := txn.Delete(logstore.EventKey(i)); err != nil {
						return err
					}
				}
				for h := tlog.StoredHashCount(30); h < tlog.StoredHashCount(40); h++ {
					if err := txn.Delete(logstore.HashKey(h)); err != nil {
						return err
					}
				}
				return txn.Set(logstore.SizeKey, be(30))
			})
			for i := 30; i < 40; i++ {
				delete(l.docs, doc(i))
			}
		},
		want: []string{"LOG_ROLLED_BACK log/checkpoint/40"},
	}, {
		name: "last events deleted, size kept",
		mutate: func(t *testing.T, l *testLog) {
			l.update(t, func(txn *badger.Txn) error {
				for i := int64(37); i < 40; i++ {
					if err := txn.Delete(logstore.EventKey(i)); err != nil {
						return err
					}
				}
				return nil
			})
			for i := 37; i < 40; i++ {
				delete(l.docs, doc(i))
			}
		},
		want: []string{"LOG_EVENT_MISSING log/event/37", "LOG_EVENT_MISSING log/event/38", "LOG_EVENT_MISSING log/event/39"},
	}, {
		name: "events, size and hashes cut back but hashes left",
		mutate: func(t *testing.T, l *testLog) {
			l.update(t, func(txn *badger.Txn) error {
				for i := int64(35); i < 40; i++ {
					if err := txn.Delete(logstore.EventKey(i)); err != nil {
						return err
					}
				}
				return txn.Set(logstore.SizeKey, be(35))
			})
			for i := 35; i < 40; i++ {
				delete(l.docs, doc(i))
			}
		},
		want: []string{"LOG_ROLLED_BACK log/checkpoint/40", "LOG_ROLLED_BACK log/hash/" + strconv.FormatInt(tlog.StoredHashCount(35), 10)},
	}, {
		name: "a stored interior hash changed",
		mutate: func(t *testing.T, l *testLog) {
			idx := tlog.StoredHashIndex(1, 2) // over events 4 and 5
			l.update(t, func(txn *badger.Txn) error { return txn.Set(logstore.HashKey(idx), make([]byte, 32)) })
		},
		want: []string{"LOG_STORED_HASH_MISMATCH log/hash/" + strconv.FormatInt(tlog.StoredHashIndex(1, 2), 10)},
	}, {
		name: "a document index entry removed",
		mutate: func(t *testing.T, l *testLog) {
			l.update(t, func(txn *badger.Txn) error { return txn.Delete(logstore.DocKey(doc(3), 7)) })
		},
		want: []string{"LOG_DOC_INDEX_MISSING log/event/7 doc-3"},
	}, {
		name:   "an event's document is gone",
		mutate: func(t *testing.T, l *testLog) { delete(l.docs, doc(1)) },
		want:   []string{"LOG_EVENT_WITHOUT_DOC log/event/1 doc-1"},
	}, {
		name:   "a document without an event",
		mutate: func(t *testing.T, l *testLog) { l.docs[doc(999)] = true },
		want:   []string{"LOG_DOC_WITHOUT_EVENT log doc-999"},
	}, {
		name: "the size key damaged",
		mutate: func(t *testing.T, l *testLog) {
			l.update(t, func(txn *badger.Txn) error { return txn.Set(logstore.SizeKey, []byte{1, 2, 3}) })
		},
		want: []string{"LOG_SIZE_DAMAGED log/size"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLog(t)
			tc.mutate(t, l)
			rep := l.check(t, l.options())
			if got := codes(rep); !slices.Equal(got, tc.want) {
				t.Fatalf("findings:\n%s\nwant %q", dump(rep), tc.want)
			}
		})
	}
}

func readEvent(t *testing.T, db *badger.DB, i int64) []byte {
	b, err := logstore.ReadEvent(db, i)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHistoryRewrittenAndResigned: someone with the key rewrites event 3,
// recomputes every hash and signs a new checkpoint at 40. The hashes agree
// with the events, so only the earlier checkpoints can tell.
func TestHistoryRewrittenAndResigned(t *testing.T) {
	l := newLog(t)
	other := buildLog(t, openDB(t), l.key, 40)
	// other differs in every event's salt; give it l's events but event 3.
	events := make([][]byte, 40)
	for i := range events {
		events[i] = readEvent(t, l.db, int64(i))
	}
	events[3] = readEvent(t, other.db, 3)
	rewritten := openDB(t)
	appendEvents(t, rewritten, events...)
	cp, err := logstore.SignCheckpoint(rewritten, l.key.signer, origin)
	if err != nil {
		t.Fatal(err)
	}
	var hashes []tlog.Hash
	err = rewritten.View(func(txn *badger.Txn) error {
		idx := make([]int64, tlog.StoredHashCount(40))
		for i := range idx {
			idx[i] = int64(i)
		}
		hashes, err = logstore.HashReader(txn).ReadHashes(idx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	l.update(t, func(txn *badger.Txn) error {
		for i, b := range events {
			if err := txn.Set(logstore.EventKey(int64(i)), b); err != nil {
				return err
			}
		}
		for i, h := range hashes {
			if err := txn.Set(logstore.HashKey(int64(i)), h[:]); err != nil {
				return err
			}
		}
		return txn.Set(logstore.CheckpointKey(40), cp.Note)
	})
	rep := l.check(t, l.options())
	want := []string{
		"LOG_CHECKPOINT_INCONSISTENT log/checkpoint/10",
		"LOG_CHECKPOINT_INCONSISTENT log/checkpoint/20",
		"LOG_CHECKPOINT_ROOT_MISMATCH log/checkpoint/10",
		"LOG_CHECKPOINT_ROOT_MISMATCH log/checkpoint/20",
	}
	if got := codes(rep); !slices.Equal(got, want) {
		t.Fatalf("findings:\n%s\nwant %q", dump(rep), want)
	}
}

func TestMalformedEventWithValidHashes(t *testing.T) {
	db := openDB(t)
	l := buildLog(t, db, newKey(t, "archivist"), 5)
	appendRaw(t, db, []byte(`{"v":3,"type":"ingest","doc":"x"}`))
	appendRaw(t, db, []byte("not json at all"))
	appendEvents(t, db, event(t, 8))
	l.docs[doc(8)] = true
	l.sign(t)
	rep := l.check(t, l.options())
	want := []string{"LOG_EVENT_MALFORMED log/event/5", "LOG_EVENT_MALFORMED log/event/6"}
	if got := codes(rep); !slices.Equal(got, want) {
		t.Fatalf("findings:\n%s\nwant %q", dump(rep), want)
	}
	if msg := rep.Findings[0].Message; !strings.Contains(msg, "cannot interpret version 3") {
		t.Fatalf("message %q does not say the version is unknown", msg)
	}
}

func TestUnsignedEventsAndRecover(t *testing.T) {
	l := newLog(t)
	// Events committed, then a crash before the checkpoint was signed.
	appendEvents(t, l.db, event(t, 40), event(t, 41))
	l.docs[doc(40)], l.docs[doc(41)] = true, true
	rep := l.check(t, l.options())
	if got := codes(rep); !slices.Equal(got, []string{"LOG_UNSIGNED_EVENTS log"}) || rep.HasProblems() {
		t.Fatalf("findings:\n%s", dump(rep))
	}
	if _, err := logstore.Recover(l.db, l.key.signer, origin); err != nil {
		t.Fatal(err)
	}
	if got := codes(l.check(t, l.options())); len(got) != 0 {
		t.Fatalf("after Recover: %q", got)
	}
}

func TestClaimedTimes(t *testing.T) {
	db := openDB(t)
	l := &testLog{db: db, key: newKey(t, "archivist"), docs: map[[32]byte]bool{}}
	times := []time.Time{clock, clock.Add(-time.Hour), clock.Add(time.Minute), clock.AddDate(74, 0, 0)}
	for i, at := range times {
		b, err := provenance.MarshalAt(&provenance.Event{Type: provenance.Ingest, Actor: "a", Doc: hexDoc(i), Size: 1}, at)
		if err != nil {
			t.Fatal(err)
		}
		appendEvents(t, db, b)
		l.docs[doc(i)] = true
	}
	l.sign(t)
	rep := l.check(t, l.options())
	want := []string{"LOG_TIME_BACKWARDS log/event/1", "LOG_TIME_FUTURE log/event/3"}
	if got := codes(rep); !slices.Equal(got, want) || rep.HasProblems() {
		t.Fatalf("findings:\n%s\nwant %q (as warnings)", dump(rep), want)
	}
}

func TestWrongOriginAndUnknownKey(t *testing.T) {
	l := newLog(t)
	opt := l.options()
	opt.Origin = "custody.example/another"
	want := []string{"LOG_CHECKPOINT_ORIGIN log/checkpoint/10", "LOG_CHECKPOINT_ORIGIN log/checkpoint/20", "LOG_CHECKPOINT_ORIGIN log/checkpoint/40"}
	if got := codes(l.check(t, opt)); !slices.Equal(got, want) {
		t.Fatalf("other origin: %q", got)
	}
	opt = l.options()
	opt.Verifier = newKey(t, "archivist").verifier
	want = []string{"LOG_CHECKPOINT_SIGNATURE log/checkpoint/10", "LOG_CHECKPOINT_SIGNATURE log/checkpoint/20", "LOG_CHECKPOINT_SIGNATURE log/checkpoint/40"}
	if got := codes(l.check(t, opt)); !slices.Equal(got, want) {
		t.Fatalf("other key: %q", got)
	}
}

func TestCancelled(t *testing.T) {
	l := newLog(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep := &report.Report{}
	if err := Check(ctx, l.db, l.options(), rep); !errors.Is(err, context.Canceled) {
		t.Fatalf("Check with a cancelled context: %v", err)
	}
}

func TestManyFindingsAreCapped(t *testing.T) {
	db := openDB(t)
	l := buildLog(t, db, newKey(t, "archivist"), 1)
	l.update(t, func(txn *badger.Txn) error { return txn.Set(logstore.SizeKey, be(maxPerCode+50)) })
	rep := l.check(t, l.options())
	n := 0
	for _, f := range rep.Findings {
		if f.Code == EventMissing {
			n++
		}
	}
	if n != maxPerCode || !slices.Contains(codes(rep), "LOG_TOO_MANY_FINDINGS log") {
		t.Fatalf("%d missing-event findings listed; findings end with:\n%s", n, dump(&report.Report{Findings: rep.Findings[len(rep.Findings)-3:]}))
	}
}

// setEvent rewrites the stored bytes of event i with edit, which must
// change them.
func setEvent(t *testing.T, l *testLog, i int64, edit func([]byte) []byte) {
	t.Helper()
	old := readEvent(t, l.db, i)
	b := edit(bytes.Clone(old))
	if bytes.Equal(b, old) {
		t.Fatalf("the edit left event %d as it was", i)
	}
	l.update(t, func(txn *badger.Txn) error { return txn.Set(logstore.EventKey(i), b) })
}
