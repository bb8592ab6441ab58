package provenance

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// A proof file's optional timestamps: read and written back as given,
// bounded in count and size; a file without them is written as before.
func TestProofTimestamps(t *testing.T) {
	b, err := os.ReadFile("testdata/proof/custody-proof-v2.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParseProof(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Timestamps) != 0 {
		t.Fatal("timestamps in a proof without them")
	}
	again, _ := MarshalProof(p)
	if !bytes.Equal(again, b) || strings.Contains(string(again), "timestamps") {
		t.Fatal("a proof without timestamps is not written as before")
	}
	with := func(toks ...string) []byte {
		var m map[string]any
		json.Unmarshal(b, &m)
		m["timestamps"] = toks
		out, _ := json.Marshal(m)
		return out
	}
	tok := base64.StdEncoding.EncodeToString([]byte{0x30, 0x03, 0x02, 0x01, 0x07})
	p, err = ParseProof(with(tok))
	if err != nil || len(p.Timestamps) != 1 || !bytes.Equal(p.Timestamps[0], []byte{0x30, 0x03, 0x02, 0x01, 0x07}) {
		t.Fatalf("one token: %v %v", p, err)
	}
	out, _ := MarshalProof(p)
	if q, err := ParseProof(out); err != nil || !bytes.Equal(q.Timestamps[0], p.Timestamps[0]) {
		t.Fatalf("round trip: %v", err)
	}
	many := make([]string, MaxProofTimestamps+1)
	for i := range many {
		many[i] = tok
	}
	big := base64.StdEncoding.EncodeToString(make([]byte, MaxTimestampSize+1))
	for name, in := range map[string][]byte{"17 tokens": with(many...), "too large": with(big), "empty": with(""), "not base64": with("!!")} {
		if _, err := ParseProof(in); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
