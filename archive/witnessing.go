package archive

// This archive as a witness of other archives' logs (c2sp.org/tlog-witness):
// it cosigns a checkpoint signed by a key in its trust store only if it
// extends the last checkpoint it cosigned for that log. What it cosigned
// last is kept per origin under witness/log/<origin>, read, checked and
// replaced in one Badger transaction, so two requests racing from the
// same old size cannot both win (the loser's transaction conflicts and is
// decided again against the winner's state: 409).

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/custody-app/custody/archive/cosign"
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/truststore"
	"github.com/custody-app/custody/archive/witness"
	badger "github.com/dgraph-io/badger/v4"
	sumnote "golang.org/x/mod/sumdb/note"
)

var witnessLogPrefix = []byte("witness/log/")

// WitnessKey returns this archive's witness key (derived from the
// archivist's key, so it needs the passphrase).
func (a *Archive) WitnessKey() (*keys.WitnessKey, error) {
	id, err := a.signer()
	if err != nil {
		return nil, err
	}
	return id.Witness(), nil
}

// WitnessReply is the witness's answer to an add-checkpoint request.
type WitnessReply = witness.Reply

func textReply(status int, format string, a ...any) WitnessReply {
	return WitnessReply{Status: status, ContentType: "text/plain; charset=utf-8", Body: []byte(fmt.Sprintf(format, a...) + "\n")}
}

// AddCheckpoint is the witness's side of add-checkpoint: body is the
// request (from HTTP or an offline file). It cosigns and remembers the
// checkpoint, or says why not.
func (a *Archive) AddCheckpoint(body []byte) WitnessReply {
	req, err := witness.ParseRequest(body)
	if err != nil {
		return textReply(http.StatusBadRequest, "%v", err)
	}
	wk, err := a.WitnessKey()
	if err != nil {
		return textReply(http.StatusServiceUnavailable, "this witness cannot sign now: %v", err)
	}
	trusted, err := truststore.List(a.db)
	if err != nil {
		return textReply(http.StatusInternalServerError, "the witness cannot read its trusted keys: %v", err)
	}
	cp, reply := checkLogSignature(req.Checkpoint, trusted)
	if cp == nil {
		return reply
	}
	if len(cp.Origin) > maxOrigin {
		return textReply(http.StatusBadRequest, "the origin line is too long")
	}
	a.witnessing.Lock()
	defer a.witnessing.Unlock()
	for attempt := 0; ; attempt++ {
		var line cosign.Line
		var d witness.Decision
		var last *witness.State
		err := a.db.Update(func(txn *badger.Txn) error {
			var err error
			last, err = witnessStateTxn(txn, cp.Origin)
			if err != nil {
				return err
			}
			d = witness.Decide(req, cp, last)
			if !d.OK() {
				return nil
			}
			line, err = cosign.Sign(wk, req.Checkpoint, time.Now())
			if err != nil {
				return err
			}
			val, err := json.Marshal(&witness.State{Size: cp.Size, Root: cp.Root, Note: req.Checkpoint})
			if err != nil {
				return err
			}
			return txn.Set(append(append([]byte{}, witnessLogPrefix...), cp.Origin...), val)
		})
		if errors.Is(err, badger.ErrConflict) && attempt < 8 {
			continue // another writer changed this log's state: decide again
		}
		if err != nil {
			return textReply(http.StatusInternalServerError, "the witness could not keep its state: %v", err)
		}
		switch d.Status {
		case http.StatusOK:
			return WitnessReply{Status: http.StatusOK, ContentType: "text/plain; charset=utf-8", Body: []byte(line.String())}
		case http.StatusConflict:
			if req.Old != lastSize(last) {
				return WitnessReply{Status: http.StatusConflict, ContentType: witness.SizeType, Body: fmt.Appendf(nil, "%d\n", lastSize(last))}
			}
		}
		// A refusal on consistency grounds carries what the witness
		// cosigned last: a checkpoint signed by the log's own key, the
		// evidence the log's owner needs.
		msg := d.Reason + "\n"
		if last != nil {
			msg += "\nThe checkpoint this witness cosigned last for this log:\n" + string(last.Note)
		}
		return WitnessReply{Status: d.Status, ContentType: "text/plain; charset=utf-8", Body: []byte(msg)}
	}
}

func lastSize(s *witness.State) int64 {
	if s == nil {
		return 0
	}
	return s.Size
}

// checkLogSignature verifies a checkpoint against the trusted keys: the
// origin must name a trusted key (custody.app/<fingerprint>/…; else 404)
// and that key must have signed it (else 403).
func checkLogSignature(note []byte, trusted []keys.Trusted) (*provenance.Checkpoint, WitnessReply) {
	unsigned, err := provenance.ParseUnverified(note)
	if err != nil {
		return nil, textReply(http.StatusBadRequest, "%v", err)
	}
	parts := strings.Split(unsigned.Origin, "/")
	var key *keys.Trusted
	for i := range trusted {
		if len(parts) == 3 && parts[0] == "custody.app" && trusted[i].Fingerprint == parts[1] {
			key = &trusted[i]
		}
	}
	if key == nil {
		return nil, textReply(http.StatusNotFound, "this witness does not know the log %s: trust its key first", unsigned.Origin)
	}
	v, _, err := keys.ParseVerifierKey(key.VerifierKey)
	if err != nil {
		return nil, textReply(http.StatusInternalServerError, "a trusted key is damaged: %v", err)
	}
	cp, err := provenance.ParseCheckpoint(note, sumnote.VerifierList(v))
	if err != nil {
		return nil, textReply(http.StatusForbidden, "the checkpoint is not signed by the trusted key of its log: %v", err)
	}
	return cp, WitnessReply{}
}

func witnessStateTxn(txn *badger.Txn, origin string) (*witness.State, error) {
	item, err := txn.Get(append(append([]byte{}, witnessLogPrefix...), origin...))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s witness.State
	err = item.Value(func(v []byte) error { return json.Unmarshal(v, &s) })
	if err != nil {
		return nil, fmt.Errorf("the witness's record of %s is damaged: %w", origin, err)
	}
	return &s, nil
}

// WitnessedLog is one log this archive witnesses, as it cosigned it last.
type WitnessedLog struct {
	Origin string
	State  witness.State
}

// WitnessedLogs lists the logs this archive has cosigned, by origin.
func (a *Archive) WitnessedLogs() ([]WitnessedLog, error) {
	var out []WitnessedLog
	err := a.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: witnessLogPrefix})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			origin := string(it.Item().Key()[len(witnessLogPrefix):])
			s, err := witnessStateTxn(txn, origin)
			if err != nil {
				return err
			}
			out = append(out, WitnessedLog{Origin: origin, State: *s})
		}
		return nil
	})
	return out, err
}
