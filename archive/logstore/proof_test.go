package logstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive/provenance"

	"github.com/dgraph-io/badger/v4"
)

// forkPair is two logs with the same key and origin: they share nothing
// but the signer, as when an archive folder is copied and both copies are
// used, or history is rewritten and re-signed.
type forkPair struct {
	db, fork *badger.DB
	key      testKey
	cps      map[int64]*provenance.Checkpoint // checkpoints of db
}

func buildForkPair(t *testing.T) *forkPair {
	f := &forkPair{db: openDB(t), fork: openDB(t), key: newKey(t, "archivist"), cps: map[int64]*provenance.Checkpoint{}}
	for i := 0; i < 12; i++ {
		appendAll(t, f.db, genEvent(t, i))
		if i == 4 || i == 9 || i == 11 {
			cp, err := SignCheckpoint(f.db, f.key.Signer, testOrigin)
			if err != nil {
				t.Fatal(err)
			}
			f.cps[cp.Size] = cp
		}
	}
	return f
}

func (f *forkPair) forkCheckpoint(t *testing.T, size int) []byte {
	t.Helper()
	n, _ := Size(f.fork)
	for i := int(n); i < size; i++ {
		appendAll(t, f.fork, ingest(t, fmt.Sprintf("fork-%d", i)))
	}
	cp, err := SignCheckpoint(f.fork, f.key.Signer, testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	return cp.Note
}

func (f *forkPair) proof(t *testing.T, doc string, size int64) *provenance.Proof {
	t.Helper()
	b, err := Prove(f.db, docID(doc), f.cps[size], f.key.VKey)
	if err != nil {
		t.Fatal(err)
	}
	p, err := provenance.ParseProof(b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckProofPublished(t *testing.T) {
	f := buildForkPair(t)
	doc := genDoc(7) // derived from doc-6 and doc-3
	p := f.proof(t, doc, 10)
	if len(p.Events) != 3 || len(p.Consistency) != 1 || p.Consistency[0].From != 5 {
		t.Fatalf("proof has events %d, consistency %+v", len(p.Events), p.Consistency)
	}
	for name, tc := range map[string]struct {
		published []byte
		want      provenance.Published
	}{
		"none":           {nil, provenance.PublishedNone},
		"same":           {f.cps[10].Note, provenance.PublishedSame},
		"older, prefix":  {f.cps[5].Note, provenance.PublishedExtended},
		"newer, unknown": {f.cps[12].Note, provenance.PublishedNewer},
	} {
		res, err := provenance.CheckProof(p, docID(doc), f.key.Verifier, tc.published)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if res.Published != tc.want || !res.Trusted {
			t.Errorf("%s: published %v, trusted %v", name, res.Published, res.Trusted)
		}
	}
	// A forked history signed by the same key.
	older := f.forkCheckpoint(t, 5)
	_, err := provenance.CheckProof(p, docID(doc), f.key.Verifier, older)
	var fork *provenance.ForkError
	if !errors.As(err, &fork) || !errors.Is(err, provenance.ErrForked) || !bytes.Equal(fork.Old, older) || !bytes.Equal(fork.New, f.cps[10].Note) {
		t.Fatalf("forked older checkpoint: %v", err)
	}
	if ev := fork.Evidence(); !strings.Contains(ev, string(older)) || !strings.Contains(ev, string(f.cps[10].Note)) {
		t.Fatalf("evidence lacks the notes:\n%s", ev)
	}
	noProof := f.forkCheckpoint(t, 7)
	if _, err := provenance.CheckProof(p, docID(doc), f.key.Verifier, noProof); !errors.Is(err, provenance.ErrNoContinuity) {
		t.Fatalf("older checkpoint without a consistency proof: %v", err)
	}
	same := f.forkCheckpoint(t, 10)
	if _, err := provenance.CheckProof(p, docID(doc), f.key.Verifier, same); !errors.Is(err, provenance.ErrForked) {
		t.Fatalf("same size, other root: %v", err)
	}
	// The same key under another origin is another log.
	otherOrigin := signText(t, f.key, "elsewhere\n5\n"+testRoot+"\n")
	if _, err := provenance.CheckProof(p, docID(doc), f.key.Verifier, otherOrigin); !errors.Is(err, provenance.ErrOriginMismatch) {
		t.Fatalf("other origin: %v", err)
	}
	stranger := newKey(t, "archivist")
	if _, err := provenance.CheckProof(p, docID(doc), f.key.Verifier, signText(t, stranger, "x\n1\n"+testRoot+"\n")); err == nil {
		t.Fatal("a published checkpoint by another key was accepted")
	}
}

func TestCheckProofSigner(t *testing.T) {
	f := buildForkPair(t)
	p := f.proof(t, genDoc(3), 5)
	stranger := newKey(t, "stranger")
	for name, v := range map[string]*testKey{"nil": nil, "stranger": &stranger} {
		var res *provenance.ProofResult
		var err error
		if v == nil {
			res, err = provenance.CheckProof(p, docID(genDoc(3)), nil, nil)
		} else {
			res, err = provenance.CheckProof(p, docID(genDoc(3)), v.Verifier, nil)
		}
		if err != nil || res.Trusted {
			t.Errorf("verifier %s: %v, trusted %v; want intact, signer unknown", name, err, res != nil && res.Trusted)
		}
	}
	// A proof naming the stranger's key cannot verify the archivist's checkpoint.
	p.Key = stranger.VKey
	if _, err := provenance.CheckProof(p, docID(genDoc(3)), nil, nil); err == nil {
		t.Fatal("checkpoint verified under a key that did not sign it")
	}
}

func TestCheckProofTampered(t *testing.T) {
	f := buildForkPair(t)
	doc := genDoc(7)
	good := f.proof(t, doc, 10)
	for name, tc := range map[string]struct {
		edit func(p *provenance.Proof)
		want error
	}{
		"event byte changed": {func(p *provenance.Proof) {
			p.Events[0].Event = bytes.Replace(p.Events[0].Event, []byte(`"archivist"`), []byte(`"archivisT"`), 1)
		}, provenance.ErrTampered},
		"events swapped": {func(p *provenance.Proof) {
			p.Events[0].Event, p.Events[1].Event = p.Events[1].Event, p.Events[0].Event
		}, provenance.ErrTampered},
		"index moved":    {func(p *provenance.Proof) { p.Events[0].Index++ }, provenance.ErrTampered},
		"hash flipped":   {func(p *provenance.Proof) { p.Events[2].Proof[0][5] ^= 4 }, provenance.ErrTampered},
		"hash dropped":   {func(p *provenance.Proof) { p.Events[2].Proof = p.Events[2].Proof[1:] }, provenance.ErrTampered},
		"parent removed": {func(p *provenance.Proof) { p.Events = p.Events[1:] }, provenance.ErrIncomplete},
		"origin removed": {func(p *provenance.Proof) { p.Events = p.Events[:2] }, provenance.ErrIncomplete},
		"checkpoint altered": {func(p *provenance.Proof) {
			p.Checkpoint = bytes.Replace(p.Checkpoint, []byte("\n10\n"), []byte("\n11\n"), 1)
		}, provenance.ErrBadSignature},
	} {
		p := cloneProof(t, good)
		tc.edit(p)
		if _, err := provenance.CheckProof(p, docID(doc), f.key.Verifier, nil); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
	}
	if _, err := provenance.CheckProof(good, docID("another"), f.key.Verifier, nil); !errors.Is(err, provenance.ErrWrongDocument) {
		t.Errorf("wrong document: %v", err)
	}
}

func cloneProof(t *testing.T, p *provenance.Proof) *provenance.Proof {
	c := *p
	c.Checkpoint = bytes.Clone(p.Checkpoint)
	c.Events = nil
	for _, e := range p.Events {
		e.Event = bytes.Clone(e.Event)
		e.Proof = append(e.Proof[:0:0], e.Proof...)
		c.Events = append(c.Events, e)
	}
	return &c
}

func TestProveRefuses(t *testing.T) {
	f := buildForkPair(t)
	if _, err := Prove(f.db, docID(genDoc(8)), f.cps[5], f.key.VKey); err == nil {
		t.Error("proved a document against a checkpoint older than its ingest")
	}
	if _, err := Prove(f.db, docID("never"), nil, f.key.VKey); err == nil {
		t.Error("proved a document the log never saw")
	}
	forged := *f.cps[10]
	forged.Root[0] ^= 1
	if _, err := Prove(f.db, docID(genDoc(3)), &forged, f.key.VKey); err == nil {
		t.Error("proved against a checkpoint the archive did not sign")
	}
	if _, err := Prove(openDB(t), docID("a"), nil, f.key.VKey); err == nil {
		t.Error("proved in a log without checkpoints")
	}
}

// proofVariant rewrites a good proof file as generic JSON.
func proofVariant(t *testing.T, good []byte, edit func(m map[string]any)) []byte {
	var m map[string]any
	if err := json.Unmarshal(good, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseProofMalformed(t *testing.T) {
	f := buildForkPair(t)
	good, err := Prove(f.db, docID(genDoc(7)), f.cps[10], f.key.VKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provenance.ParseProof(good); err != nil {
		t.Fatal(err)
	}
	event := func(m map[string]any, i int) map[string]any { return m["events"].([]any)[i].(map[string]any) }
	hashes := func(n int) []any {
		var out []any
		for i := 0; i < n; i++ {
			out = append(out, testRoot)
		}
		return out
	}
	edits := map[string]func(m map[string]any){
		"format":           func(m map[string]any) { m["format"] = "custody-proof-v3" },
		"v1 with openings": func(m map[string]any) { m["format"] = "custody-proof-v1" },
		"unknown in open":  func(m map[string]any) { event(m, 2)["open"].([]any)[0].(map[string]any)["extra"] = 1 },
		"unknown field":    func(m map[string]any) { m["extra"] = true },
		"unknown in event": func(m map[string]any) { event(m, 0)["leaf"] = "x" },
		"doc":              func(m map[string]any) { m["doc"] = "abc" },
		"key":              func(m map[string]any) { m["key"] = "not a key" },
		"checkpoint":       func(m map[string]any) { m["checkpoint"] = "junk" },
		"no events":        func(m map[string]any) { m["events"] = []any{} },
		"index = size":     func(m map[string]any) { event(m, 2)["index"] = 10 },
		"negative index":   func(m map[string]any) { event(m, 0)["index"] = -1 },
		"indexes unsorted": func(m map[string]any) { event(m, 1)["index"] = 0 },
		"65 hashes":        func(m map[string]any) { event(m, 0)["proof"] = hashes(65) },
		"bad base64 hash":  func(m map[string]any) { event(m, 0)["proof"] = []any{"!!"} },
		"short hash":       func(m map[string]any) { event(m, 0)["proof"] = []any{"AAAA"} },
		"empty event":      func(m map[string]any) { event(m, 0)["event"] = "" },
		"index as string":  func(m map[string]any) { event(m, 0)["index"] = "1" },
		"consistency size": func(m map[string]any) { m["consistency"] = []any{map[string]any{"from": 10, "proof": []any{}}} },
		"consistency zero": func(m map[string]any) { m["consistency"] = []any{map[string]any{"from": 0, "proof": []any{}}} },
		"consistency order": func(m map[string]any) {
			m["consistency"] = []any{map[string]any{"from": 5, "proof": []any{}}, map[string]any{"from": 5, "proof": []any{}}}
		},
	}
	for name, edit := range edits {
		if _, err := provenance.ParseProof(proofVariant(t, good, edit)); !errors.Is(err, provenance.ErrMalformedProof) {
			t.Errorf("%s: %v, want ErrMalformedProof", name, err)
		}
	}
	dup := bytes.Replace(good, []byte(`"format":`), []byte(`"doc": "x", "format":`), 1)
	big := append(bytes.Clone(good), bytes.Repeat([]byte(" "), provenance.MaxProofSize)...)
	for name, b := range map[string][]byte{"duplicate key": dup, "too large": big, "not UTF-8": append(bytes.Clone(good[:len(good)-2]), 0xff, '}'), "trailing": append(bytes.Clone(good), "{}"...)} {
		if _, err := provenance.ParseProof(b); !errors.Is(err, provenance.ErrMalformedProof) {
			t.Errorf("%s: %v, want ErrMalformedProof", name, err)
		}
	}
}
