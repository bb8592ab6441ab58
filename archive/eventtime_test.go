package archive

import (
	"encoding/hex"
	"path/filepath"
	"testing"
	"time"

	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/provenance"
	badger "github.com/dgraph-io/badger/v4"
)

// Import workers prepare ingest events, with their time, before the
// committer appends them in whatever order the workers finish: an event
// prepared earlier but appended later is given the time of its append,
// so the log's times never go backwards (every check warns when they do).
func TestPreparedEventsNeverGoBackInTime(t *testing.T) {
	a, err := Open(filepath.Join(t.TempDir(), "arc"), Options{Create: true, Passphrase: []byte("test"),
		New: keys.CreateOptions{Name: "Test", ScryptLogN: keys.MinScryptLogN}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	prepare := func(doc byte, at time.Time) *provenance.Prepared {
		var id [32]byte
		id[0] = doc
		p, err := provenance.Prepare(&provenance.Event{Type: provenance.Ingest, Doc: hex.EncodeToString(id[:]), Size: 1, Name: "x", Path: "x",
			Actor: a.pub.KeyName}, at)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	now := time.Now()
	late, early := prepare(1, now), prepare(2, now.Add(-time.Hour))
	a.wmu.Lock()
	err = a.db.Update(func(txn *badger.Txn) error {
		if err := a.logIngest(txn, late, [32]byte{1}); err != nil {
			return err
		}
		return a.logIngest(txn, early, [32]byte{2})
	})
	a.wmu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	var times []string
	logstore.Events(a.db, 0, 2, func(i int64, b []byte) error {
		ev, err := provenance.ParseEvent(b)
		if err != nil {
			t.Fatal(err)
		}
		times = append(times, ev.Time)
		return nil
	})
	if len(times) != 2 || times[1] < times[0] || times[0] != late.Time() {
		t.Fatalf("event times %v, the first prepared at %s", times, late.Time())
	}
}
