package e2e_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/provenance"
)

// examples is the worked example docs/provenance.md walks through. The
// tests below check every file of it with the real code, so the page
// cannot drift from what Custody writes and accepts.
var examples = filepath.Join("..", "..", "docs", "examples", "provenance")

func example(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(examples, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// exampleKey is key.txt, parsed as "custody check-proof --key" parses it.
func exampleKey(t *testing.T) note.Verifier {
	t.Helper()
	v, _, err := keys.ParseVerifierKey(strings.TrimSpace(string(example(t, "key.txt"))))
	if err != nil {
		t.Fatalf("key.txt: %v", err)
	}
	return v
}

// TestExampleCheckpoints: both checkpoints verify under key.txt, are of
// one log, and have the sizes their names say.
func TestExampleCheckpoints(t *testing.T) {
	v := exampleKey(t)
	var origin string
	for name, size := range map[string]int64{"checkpoint-2.txt": 2, "checkpoint-6.txt": 6} {
		cp, err := provenance.ParseCheckpoint(example(t, name), note.VerifierList(v))
		if err != nil {
			t.Fatalf("%s does not verify under key.txt: %v", name, err)
		}
		if cp.Size != size || len(cp.Signers) == 0 {
			t.Errorf("%s: size %d, signers %v; want size %d, signed", name, cp.Size, cp.Signers, size)
		}
		if origin != "" && cp.Origin != origin {
			t.Errorf("%s is of %q, the other checkpoint of %q", name, cp.Origin, origin)
		}
		origin = cp.Origin
	}
}

// exampleLog reads log.jsonl ("custody log --json": each event's stored
// bytes, exactly) and checks that every line parses as an event, in
// order from index 0.
func exampleLog(t *testing.T) [][]byte {
	t.Helper()
	var events [][]byte
	s := bufio.NewScanner(bytes.NewReader(example(t, "log.jsonl")))
	for s.Scan() {
		var line struct {
			Index int64           `json:"index"`
			Event json.RawMessage `json:"event"`
		}
		if err := json.Unmarshal(s.Bytes(), &line); err != nil {
			t.Fatalf("log.jsonl line %d: %v", len(events)+1, err)
		}
		if line.Index != int64(len(events)) {
			t.Fatalf("log.jsonl line %d has index %d", len(events)+1, line.Index)
		}
		if _, err := provenance.ParseEvent(line.Event); err != nil {
			t.Errorf("log.jsonl event %d does not parse: %v", line.Index, err)
		}
		events = append(events, line.Event)
	}
	return events
}

// TestExampleLog: the log holds the six events the page describes, and
// the Merkle trees of its first 2 and of all 6 events have the roots the
// two checkpoints sign.
func TestExampleLog(t *testing.T) {
	events := exampleLog(t)
	if len(events) != 6 {
		t.Fatalf("log.jsonl holds %d events; docs/provenance.md says 6", len(events))
	}
	var hashes []tlog.Hash
	read := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = hashes[x]
		}
		return out, nil
	})
	v := exampleKey(t)
	for i, ev := range events {
		h, err := tlog.StoredHashes(int64(i), ev, read)
		if err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, h...)
		name := map[int]string{1: "checkpoint-2.txt", 5: "checkpoint-6.txt"}[i]
		if name == "" {
			continue
		}
		cp, err := provenance.ParseCheckpoint(example(t, name), note.VerifierList(v))
		if err != nil {
			t.Fatal(err)
		}
		root, err := tlog.TreeHash(int64(i+1), read)
		if err != nil {
			t.Fatal(err)
		}
		if root != cp.Root {
			t.Errorf("the first %d events of log.jsonl hash to %v; %s signs %v", i+1, root, name, cp.Root)
		}
	}
}

// TestExampleProof: proof.json proves minutes-redacted.eml under key.txt,
// extends checkpoint-2.txt, is the tree of checkpoint-6.txt, carries
// key.txt, and its events are log.jsonl's, byte for byte.
func TestExampleProof(t *testing.T) {
	p, err := provenance.ParseProof(example(t, "proof.json"))
	if err != nil {
		t.Fatalf("proof.json: %v", err)
	}
	doc := sha256.Sum256(example(t, "minutes-redacted.eml"))
	v := exampleKey(t)
	for name, want := range map[string]provenance.Published{
		"checkpoint-2.txt": provenance.PublishedExtended, "checkpoint-6.txt": provenance.PublishedSame,
	} {
		res, err := provenance.CheckProof(p, doc, v, example(t, name))
		if err != nil {
			t.Fatalf("proof.json with %s published: %v", name, err)
		}
		if !res.Trusted || res.Published != want {
			t.Errorf("proof.json with %s published: trusted %v, %s; want trusted, %s", name, res.Trusted, res.Published, want)
		}
	}
	res, err := provenance.CheckProof(p, doc, nil, nil)
	if err != nil || res.Trusted {
		t.Errorf("proof.json without a key: %v, trusted %v; want proven, signer unknown", err, res != nil && res.Trusted)
	}
	if key := strings.TrimSpace(string(example(t, "key.txt"))); p.Key != key {
		t.Errorf("proof.json carries the key %q, key.txt is %q", p.Key, key)
	}
	if !bytes.Equal(p.Checkpoint, example(t, "checkpoint-6.txt")) {
		t.Error("proof.json's checkpoint is not checkpoint-6.txt")
	}
	events := exampleLog(t)
	for _, e := range p.Events {
		if e.Index >= int64(len(events)) || !bytes.Equal(e.Event, events[e.Index]) {
			t.Errorf("proof.json's event %d is not log.jsonl's", e.Index)
		}
	}
}
