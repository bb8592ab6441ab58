package archive

// DKIM evidence kept by the archive: key records under dkim/key/<hash>
// (archive/dkimrecord's JSON), and each check's outcome as a dkim event
// in the log, about the message checked. The check itself is
// verify/dkim's; the archive only keeps what it was given and what it
// concluded.

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/custody-app/custody/archive/dkimrecord"
	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/provenance"
	badger "github.com/dgraph-io/badger/v4"
)

var (
	dkimKeyPrefix  = []byte("dkim/key/")
	dkimLastPrefix = []byte("dkim/last/")
)

// AddDKIMKeys keeps key records; a record already held (same hash) keeps
// its first source and time. It returns how many were new.
func (a *Archive) AddDKIMKeys(keys []dkimrecord.Key) (int, error) {
	if a.cfg.ReadOnly {
		return 0, errors.New("the archive is open read-only")
	}
	added := 0
	a.wmu.Lock()
	defer a.wmu.Unlock()
	err := a.db.Update(func(txn *badger.Txn) error {
		for _, k := range keys {
			key := append(append([]byte{}, dkimKeyPrefix...), k.Hash()...)
			if _, err := txn.Get(key); err == nil {
				continue
			} else if !errors.Is(err, badger.ErrKeyNotFound) {
				return err
			}
			v, err := json.Marshal(k)
			if err != nil {
				return err
			}
			if err := txn.Set(key, v); err != nil {
				return err
			}
			added++
		}
		return nil
	})
	return added, err
}

// DKIMKeys lists the key records held, in hash order.
func (a *Archive) DKIMKeys() ([]dkimrecord.Key, error) {
	var out []dkimrecord.Key
	err := a.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: dkimKeyPrefix, PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var k dkimrecord.Key
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &k) }); err != nil {
				return fmt.Errorf("a DKIM key record is damaged: %w", err)
			}
			if string(it.Item().Key()[len(dkimKeyPrefix):]) != k.Hash() {
				return fmt.Errorf("the DKIM key record %s does not match its hash", k.Name())
			}
			out = append(out, k)
		}
		return nil
	})
	return out, err
}

// RecordedAt is when doc was recorded in the log: the time of the event
// that introduced it (its import, derivation or receipt). A DKIM
// signature's x= is judged at this time.
func (a *Archive) RecordedAt(doc [32]byte) (time.Time, error) {
	i, err := logstore.IntroducedAt(a.db, doc)
	if err != nil {
		return time.Time{}, err
	}
	b, err := logstore.ReadEvent(a.db, i)
	if err != nil {
		return time.Time{}, err
	}
	ev, err := provenance.ParseEvent(b)
	if err != nil {
		return time.Time{}, err
	}
	return time.Parse(provenance.TimeLayout, ev.Time)
}

// DKIMChecked is one outcome to record.
type DKIMChecked struct {
	Doc     [32]byte
	Outcome dkimrecord.Outcome
}

// RecordDKIM appends one dkim event per outcome, in one transaction, and
// signs a checkpoint over them. It returns the events' indexes.
func (a *Archive) RecordDKIM(checked []DKIMChecked) ([]int64, error) {
	if a.cfg.ReadOnly {
		return nil, errors.New("the archive is open read-only")
	}
	if _, err := a.signer(); err != nil {
		return nil, err
	}
	var idx []int64
	a.wmu.Lock()
	err := a.db.Update(func(txn *badger.Txn) error {
		for _, c := range checked {
			ev := &provenance.Event{Type: provenance.DKIM, Doc: hex.EncodeToString(c.Doc[:]),
				Verdict: c.Outcome.Result, What: c.Outcome.What(), Source: c.Outcome.KeySource}
			i, err := a.appendEvent(txn, ev, c.Doc)
			if err != nil {
				return err
			}
			// The latest outcome's words, for lists (the event is the evidence).
			if err := txn.Set(append(append([]byte{}, dkimLastPrefix...), c.Doc[:]...), []byte(c.Outcome.Summary())); err != nil {
				return err
			}
			idx = append(idx, i)
		}
		return nil
	})
	a.wmu.Unlock()
	if err != nil {
		return nil, err
	}
	_, err = a.Checkpoint()
	return idx, err
}

// DKIMEvent is a recorded outcome with its place in the log.
type DKIMEvent struct {
	Index   int64
	Time    string
	Outcome dkimrecord.Outcome
}

// DKIMOutcomes lists the outcomes recorded for doc, oldest first.
func (a *Archive) DKIMOutcomes(doc [32]byte) ([]DKIMEvent, error) {
	chain, err := logstore.Chain(a.db, doc)
	if err != nil {
		return nil, err
	}
	id := hex.EncodeToString(doc[:])
	var out []DKIMEvent
	for _, i := range chain {
		b, err := logstore.ReadEvent(a.db, i)
		if err != nil {
			return nil, err
		}
		ev, err := provenance.ParseEvent(b)
		if err != nil {
			return nil, err
		}
		if ev.Type != provenance.DKIM || ev.Doc != id {
			continue
		}
		o, err := dkimrecord.ParseOutcome(ev.Verdict, ev.What, ev.Source)
		if err != nil {
			return nil, fmt.Errorf("log event %d: %w", i, err)
		}
		out = append(out, DKIMEvent{Index: i, Time: ev.Time, Outcome: o})
	}
	return out, nil
}

// DKIMResults maps each checked message (hex ID) to its latest outcome in
// words ("VALID (d=corp.example, s=s2021)"), for a list of documents; the
// log's dkim events are the evidence.
func (a *Archive) DKIMResults() (map[string]string, error) {
	out := map[string]string{}
	err := a.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: dkimLastPrefix, PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().Key()[len(dkimLastPrefix):]
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			out[hex.EncodeToString(k)] = string(v)
		}
		return nil
	})
	return out, err
}
