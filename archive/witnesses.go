package archive

// The witnesses this archive asks to cosign its checkpoints (witness/peer/
// <name>: name, URL, key and the size each cosigned last), and the
// cosignatures they gave (witness/cosig/<size>: cosignature lines of the
// checkpoint of that size). Bundles and proofs quote them.

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"time"

	"github.com/custody-app/custody/archive/cosign"
	"github.com/custody-app/custody/archive/errcode"
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/witness"
	badger "github.com/dgraph-io/badger/v4"
)

var (
	witnessPeerPrefix  = []byte("witness/peer/")
	witnessCosigPrefix = []byte("witness/cosig/")
)

// Peer is a witness this archive asks.
type Peer struct {
	Name        string    `json:"name"`
	URL         string    `json:"url"` // submission prefix; empty for a witness reached by files only
	VerifierKey string    `json:"verifier_key"`
	Size        int64     `json:"size"` // the size of this log it cosigned last
	Added       time.Time `json:"added"`
}

// Witness is the peer as a cosign.Witness, named by its local name.
func (p *Peer) Witness() (*cosign.Witness, error) { return cosign.NewWitness(p.Name, p.VerifierKey) }

// Error codes of the witness list (archive/errcode); the front ends add
// their hints.
const (
	CodeWitnessUnknown      = "WITNESS_UNKNOWN"
	CodeWitnessExists       = "WITNESS_EXISTS"
	CodeWitnessURLMalformed = "WITNESS_URL_MALFORMED"
)

// ErrNoWitness is returned for a witness name that is not configured.
var ErrNoWitness = errcode.New(CodeWitnessUnknown, "no witness by that name: see custody witness list")

func peerKey(name string) []byte { return append(append([]byte{}, witnessPeerPrefix...), name...) }

func cosigKey(size int64) []byte {
	return binary.BigEndian.AppendUint64(append([]byte{}, witnessCosigPrefix...), uint64(size))
}

// AddWitness makes this archive ask the witness at rawURL (empty or "-":
// by files only) with key vkey.
func (a *Archive) AddWitness(name, rawURL, vkey string) error {
	if err := keys.CheckTrustName(name); err != nil {
		return err
	}
	if _, err := cosign.NewWitness(name, vkey); err != nil {
		return err
	}
	if rawURL == "-" {
		rawURL = ""
	}
	if rawURL != "" {
		u, err := url.Parse(rawURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return errcode.New(CodeWitnessURLMalformed, fmt.Sprintf("%q is not an http or https URL", rawURL))
		}
	}
	val, err := json.Marshal(&Peer{Name: name, URL: rawURL, VerifierKey: vkey, Added: time.Now().UTC().Truncate(time.Second)})
	if err != nil {
		return err
	}
	return a.db.Update(func(txn *badger.Txn) error {
		peers, err := peersTxn(txn)
		if err != nil {
			return err
		}
		for _, p := range peers {
			if p.Name == name || p.VerifierKey == vkey {
				return errcode.New(CodeWitnessExists, fmt.Sprintf("the witness %s (or its key) is already added; remove it first", p.Name))
			}
		}
		return txn.Set(peerKey(name), val)
	})
}

// RemoveWitness stops asking the named witness.
func (a *Archive) RemoveWitness(name string) error {
	return a.db.Update(func(txn *badger.Txn) error {
		if _, err := txn.Get(peerKey(name)); errors.Is(err, badger.ErrKeyNotFound) {
			return ErrNoWitness
		} else if err != nil {
			return err
		}
		return txn.Delete(peerKey(name))
	})
}

// Witnesses lists the witnesses this archive asks, by name.
func (a *Archive) Witnesses() ([]Peer, error) {
	var out []Peer
	err := a.db.View(func(txn *badger.Txn) error {
		var err error
		out, err = peersTxn(txn)
		return err
	})
	return out, err
}

// WitnessKeys returns the witnesses this archive asks as known witnesses
// for a bundle check (verify/bundle reads it when the archive offers it).
func (a *Archive) WitnessKeys() ([]*cosign.Witness, error) {
	peers, err := a.Witnesses()
	if err != nil {
		return nil, err
	}
	var out []*cosign.Witness
	for i := range peers {
		w, err := peers[i].Witness()
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}

func peersTxn(txn *badger.Txn) ([]Peer, error) {
	var out []Peer
	it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: witnessPeerPrefix})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		var p Peer
		if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &p) }); err != nil {
			return nil, fmt.Errorf("a witness record is damaged: %w", err)
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Cosignatures returns the cosignature lines kept for cp (its size and
// root): those of witnesses this archive asked, each checked against cp
// when it was kept. Empty when none.
func (a *Archive) Cosignatures(cp *provenance.Checkpoint) ([]byte, error) {
	var lines []byte
	err := a.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(cosigKey(cp.Size))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		lines, err = item.ValueCopy(nil)
		return err
	})
	if err != nil || len(lines) == 0 {
		return nil, err
	}
	// Keep only lines that verify against this very checkpoint: a kept
	// set belongs to the size's checkpoint, and a diverged copy of the
	// archive signs another one at the same size.
	body, err := cosign.Body(cp.Note)
	if err != nil {
		return nil, err
	}
	parsed, err := cosign.ParseLines(lines)
	if err != nil {
		return nil, err
	}
	known, err := a.WitnessKeys()
	if err != nil {
		return nil, err
	}
	var good []cosign.Line
	for _, o := range cosign.Check(body, parsed, known) {
		if o.Valid {
			good = append(good, o.Line)
		}
	}
	return cosign.Format(good), nil
}

// keepCosignature checks line against cp and the peer's key, adds it to
// the checkpoint's set (replacing an older one of the same witness) and
// records that the peer cosigned cp.Size.
func (a *Archive) keepCosignature(p *Peer, cp *provenance.Checkpoint, lines []cosign.Line) (cosign.Line, error) {
	w, err := p.Witness()
	if err != nil {
		return cosign.Line{}, err
	}
	body, err := cosign.Body(cp.Note)
	if err != nil {
		return cosign.Line{}, err
	}
	var got *cosign.Line
	for _, o := range cosign.Check(body, lines, []*cosign.Witness{w}) {
		if o.Valid {
			l := o.Line
			got = &l
		}
	}
	if got == nil {
		return cosign.Line{}, fmt.Errorf("the witness %s answered without a valid cosignature of this checkpoint by its key", p.Name)
	}
	err = a.db.Update(func(txn *badger.Txn) error {
		var set []cosign.Line
		if item, err := txn.Get(cosigKey(cp.Size)); err == nil {
			old, err := item.ValueCopy(nil)
			if err != nil {
				return err
			}
			if set, err = cosign.ParseLines(old); err != nil {
				set = nil // a damaged set is rebuilt from the answers
			}
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		kept := set[:0]
		for _, l := range set {
			if !w.Matches(l) {
				kept = append(kept, l)
			}
		}
		if len(kept) >= cosign.MaxLines {
			return fmt.Errorf("more than %d cosignatures for one checkpoint", cosign.MaxLines)
		}
		if err := txn.Set(cosigKey(cp.Size), cosign.Format(append(kept, *got))); err != nil {
			return err
		}
		item, err := txn.Get(peerKey(p.Name))
		if err != nil {
			return err
		}
		var cur Peer
		if err := item.Value(func(v []byte) error { return json.Unmarshal(v, &cur) }); err != nil {
			return err
		}
		cur.Size = cp.Size
		val, err := json.Marshal(&cur)
		if err != nil {
			return err
		}
		return txn.Set(peerKey(p.Name), val)
	})
	return *got, err
}

// WitnessRequest is the add-checkpoint request for the latest checkpoint
// from the size witness name cosigned last: the HTTP body, and the
// offline request file.
func (a *Archive) WitnessRequest(name string) ([]byte, error) {
	p, cp, err := a.peerAndCheckpoint(name)
	if err != nil {
		return nil, err
	}
	req, err := a.requestFrom(p.Size, cp)
	if err != nil {
		return nil, err
	}
	return req.Bytes(), nil
}

func (a *Archive) peerAndCheckpoint(name string) (*Peer, *provenance.Checkpoint, error) {
	peers, err := a.Witnesses()
	if err != nil {
		return nil, nil, err
	}
	var p *Peer
	for i := range peers {
		if peers[i].Name == name || (name == "" && len(peers) == 1) {
			p = &peers[i]
		}
	}
	if p == nil {
		if name == "" && len(peers) > 1 {
			return nil, nil, errcode.New(CodeWitnessUnknown, "several witnesses are added: name the one to ask")
		}
		return nil, nil, ErrNoWitness
	}
	cp, err := a.LatestCheckpoint()
	if err != nil {
		return nil, nil, err
	}
	if cp == nil {
		return nil, nil, errors.New("the archive has no checkpoint yet: import something first")
	}
	return p, cp, nil
}

// requestFrom builds a request from size old to cp, with the proof.
func (a *Archive) requestFrom(old int64, cp *provenance.Checkpoint) (*witness.Request, error) {
	req := &witness.Request{Old: old, Checkpoint: cp.Note}
	if old > 0 && old < cp.Size {
		proof, err := a.LogConsistencyProof(old, cp.Size)
		if err != nil {
			return nil, err
		}
		req.Proof = proof
	}
	return req, nil
}

// AcceptCosignatures keeps the cosignatures of an offline answer (the
// lines a witness's cosign wrote) for the latest checkpoint, and returns
// the names of the witnesses whose valid cosignature it held.
func (a *Archive) AcceptCosignatures(answer []byte) ([]string, error) {
	lines, err := cosign.ParseLines(answer)
	if err != nil {
		return nil, err
	}
	cp, err := a.LatestCheckpoint()
	if err != nil || cp == nil {
		return nil, fmt.Errorf("the archive has no checkpoint to accept cosignatures for (%v)", err)
	}
	peers, err := a.Witnesses()
	if err != nil {
		return nil, err
	}
	var names []string
	for i := range peers {
		if _, err := a.keepCosignature(&peers[i], cp, lines); err == nil {
			names = append(names, peers[i].Name)
		}
	}
	if len(names) == 0 {
		return nil, errors.New("the answer holds no valid cosignature of this archive's latest checkpoint by a witness it asks")
	}
	return names, nil
}
