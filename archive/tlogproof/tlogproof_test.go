package tlogproof

import (
	"bytes"
	"testing"

	"github.com/custody-app/custody/archive/provenance"
	"golang.org/x/mod/sumdb/tlog"
)

func TestRoundTripAndRefusals(t *testing.T) {
	p := &Proof{Extra: EncodeEntry(&Entry{Event: []byte(`{"v":1}`), Open: []provenance.Opening{{Field: "doc", Salt: "c2FsdA==", Value: "ab"}}}),
		Index: 73894, Path: tlog.RecordProof{{1}, {2}}, Checkpoint: []byte("example.com/log\n5\nAAAA\n\n— example.com/log x\n")}
	b := p.Bytes()
	got, err := Parse(b)
	if err != nil || got.Index != p.Index || len(got.Path) != 2 || !bytes.Equal(got.Checkpoint, p.Checkpoint) || !bytes.Equal(got.Extra, p.Extra) {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	e, err := got.Entry()
	if err != nil || string(e.Event) != `{"v":1}` || len(e.Open) != 1 || e.Open[0].Value != "ab" {
		t.Fatalf("entry: %+v %v", e, err)
	}
	// Without extra data (the format allows it) it parses, but proves nothing here.
	p.Extra = nil
	got, err = Parse(p.Bytes())
	if err != nil || got.Extra != nil {
		t.Fatalf("no extra: %v", err)
	}
	if _, err := got.Entry(); err == nil {
		t.Fatal("a proof without an entry has one")
	}
	for name, in := range map[string]string{
		"header":       "c2sp.org/tlog-proof@v2\nindex 0\n\ncp",
		"leading zero": Header + "\nindex 01\n\ncp",
		"no index":     Header + "\nextra AA==\n\ncp",
		"bad hash":     Header + "\nindex 0\nAAAA\n\ncp",
		"no blank":     Header + "\nindex 0\n",
		"empty cp":     Header + "\nindex 0\n\n",
	} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add((&Proof{Extra: []byte("{}"), Index: 3, Path: tlog.RecordProof{{9}}, Checkpoint: []byte("o\n1\nx\n\n— o y\n")}).Bytes())
	f.Add([]byte(Header + "\nindex 0\n\nx"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			return
		}
		if !bytes.Equal(p.Bytes(), data) {
			t.Fatalf("a proof does not write back as read")
		}
		p.Entry()
	})
}
