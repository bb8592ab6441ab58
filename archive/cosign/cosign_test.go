package cosign

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/custody-app/custody/archive/keys"
)

// witnessKey makes a witness key from a fixed seed (keys derives real
// ones from an identity; these tests need only the format).
func witnessKey(t testing.TB, seed byte) (*Witness, func(msg []byte) []byte) {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, 32))
	pub := priv.Public().(ed25519.PublicKey)
	name := "witness" + string(rune('a'+seed%26)) + ".example"
	w, err := NewWitness("", keys.WitnessVerifierKey(name, pub))
	if err != nil {
		t.Fatal(err)
	}
	return w, func(msg []byte) []byte { return ed25519.Sign(priv, msg) }
}

const checkpoint = "example.com/log\n5\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY=\n\n— example.com/log AAAAAGFiY2Q=\n"

func line(w *Witness, sign func([]byte) []byte, body []byte, ts uint64) Line {
	return Line{Name: w.Key.Name, KeyHash: w.Key.KeyHash, Time: ts, Sig: sign(Message(body, ts))}
}

func TestMessageIsTheSpecifiedBytes(t *testing.T) {
	body, err := Body([]byte(checkpoint))
	if err != nil {
		t.Fatal(err)
	}
	want := "cosignature/v1\ntime 1679315147\nexample.com/log\n5\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY=\n"
	if got := string(Message(body, 1679315147)); got != want {
		t.Fatalf("message\n%q\nwant\n%q", got, want)
	}
}

func TestKeyIDUsesTheCosignatureTypeByte(t *testing.T) {
	w, _ := witnessKey(t, 1)
	// Type 0x04: the same key as a checkpoint signer's (0x01) has another ID.
	if _, _, err := keys.ParseVerifierKey(w.Key.VerifierKey); err == nil {
		t.Fatal("a cosignature key was accepted as a checkpoint signer's key")
	}
	i := strings.LastIndex(w.Key.VerifierKey, "+")
	raw, err := base64.StdEncoding.DecodeString(w.Key.VerifierKey[i+1:])
	if err != nil || raw[0] != 0x04 {
		t.Fatalf("the key's data does not start with 0x04: %s", w.Key.VerifierKey)
	}
}

func TestLinesRoundTripAndVerify(t *testing.T) {
	w1, s1 := witnessKey(t, 1)
	w2, s2 := witnessKey(t, 2)
	stranger, s3 := witnessKey(t, 3)
	body, _ := Body([]byte(checkpoint))
	ts := uint64(time.Date(2026, 12, 2, 17, 41, 0, 0, time.UTC).Unix())
	good1, good2 := line(w1, s1, body, ts), line(w2, s2, body, ts+1)
	forged := line(w2, s2, body, ts+1)
	forged.Time++ // the time is signed
	unknown := line(stranger, s3, body, ts)
	set := Format([]Line{good1, good2, forged, unknown})
	// The log's own signature line (68 bytes) is skipped, not an error.
	set = append(set, []byte("— example.com/log AAAAAGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2w=\n")...)
	lines, err := ParseLines(set)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 4 {
		t.Fatalf("%d lines read, want 4", len(lines))
	}
	out := Check(body, lines, []*Witness{w1, w2})
	got := []bool{out[0].Valid, out[1].Valid, out[2].Valid, out[3].Witness == nil}
	if got[0] != true || got[1] != true || got[2] != false || got[3] != true {
		t.Fatalf("outcomes %v, want [true true false true]", got)
	}
	if out[0].Line.When().Unix() != int64(ts) {
		t.Fatalf("time %v", out[0].Line.When())
	}
	// Another checkpoint's body: nothing verifies.
	other := bytes.Replace(body, []byte("\n5\n"), []byte("\n6\n"), 1)
	for _, o := range Check(other, lines, []*Witness{w1, w2}) {
		if o.Valid {
			t.Fatal("a cosignature verified over another checkpoint")
		}
	}
}

func TestParseLinesRefuses(t *testing.T) {
	w, s := witnessKey(t, 1)
	body, _ := Body([]byte(checkpoint))
	good := line(w, s, body, 1).String()
	for name, in := range map[string]string{
		"no newline":     strings.TrimSuffix(good, "\n"),
		"not a sig line": "hello\n",
		"bad base64":     "— w.example !!!!\n",
		"huge time":      huge(w),
		"too many":       strings.Repeat(good, MaxLines+1),
	} {
		if _, err := ParseLines([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func huge(w *Witness) string {
	return Line{Name: w.Key.Name, KeyHash: w.Key.KeyHash, Time: 1 << 63, Sig: make([]byte, 64)}.String()
}

func FuzzParseLines(f *testing.F) {
	w, s := witnessKey(f, 1)
	body, _ := Body([]byte(checkpoint))
	f.Add([]byte(line(w, s, body, 5).String()))
	f.Add([]byte("— a AAAA\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, err := ParseLines(data)
		if err != nil {
			return
		}
		again, err := ParseLines(Format(lines))
		if err != nil || len(again) != len(lines) {
			t.Fatalf("formatted lines do not read back: %v", err)
		}
		Check(body, lines, []*Witness{w})
	})
}
