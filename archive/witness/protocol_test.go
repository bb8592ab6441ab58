package witness

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"

	"github.com/custody-app/custody/archive/provenance"
	"golang.org/x/mod/sumdb/tlog"
)

// tree is an in-memory RFC 6962 tree of leaves "leaf i" (with a fork
// marker changing leaves from fork on).
type tree struct {
	hashes map[int64]tlog.Hash
	n      int64
}

func newTree(n int64, fork int64) *tree {
	t := &tree{hashes: map[int64]tlog.Hash{}}
	for i := int64(0); i < n; i++ {
		data := fmt.Sprintf("leaf %d", i)
		if fork >= 0 && i >= fork {
			data += " forked"
		}
		hs, err := tlog.StoredHashes(i, []byte(data), t)
		if err != nil {
			panic(err)
		}
		for k, h := range hs {
			t.hashes[tlog.StoredHashIndex(0, i)+int64(k)] = h
		}
		t.n = i + 1
	}
	return t
}

func (t *tree) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = t.hashes[x]
	}
	return out, nil
}

func (t *tree) cp(n int64) *provenance.Checkpoint {
	h, err := tlog.TreeHash(n, t)
	if err != nil {
		panic(err)
	}
	return &provenance.Checkpoint{Origin: "example.com/log", Size: n, Root: h}
}

func (t *tree) proof(old, n int64) tlog.TreeProof {
	if old == 0 || old == n {
		return nil
	}
	p, err := tlog.ProveTree(n, old, t)
	if err != nil {
		panic(err)
	}
	return p
}

// TestDecideAtEverySize checks every pair of sizes up to a bound: an
// extension is cosigned, the same tree again too, a forked tree never.
func TestDecideAtEverySize(t *testing.T) {
	const max = 40
	good := newTree(max, -1)
	for old := int64(1); old <= max; old++ {
		last := &State{Size: old, Root: good.cp(old).Root}
		for n := old; n <= max; n++ {
			if d := Decide(&Request{Old: old, Proof: good.proof(old, n)}, good.cp(n), last); !d.OK() {
				t.Fatalf("%d→%d: %d %s", old, n, d.Status, d.Reason)
			}
			if old > 1 {
				forked := newTree(n, old-1) // differs from leaf old-1 on
				d := Decide(&Request{Old: old, Proof: forked.proof(old, n)}, forked.cp(n), last)
				if d.OK() {
					t.Fatalf("forked %d→%d was cosigned", old, n)
				}
				if want := http.StatusUnprocessableEntity; n == old {
					want = http.StatusConflict
					if d.Status != want {
						t.Fatalf("forked %d→%d: %d, want %d", old, n, d.Status, want)
					}
				} else if d.Status != want {
					t.Fatalf("forked %d→%d: %d, want %d", old, n, d.Status, want)
				}
			}
		}
	}
	if d := Decide(&Request{Old: 3}, good.cp(5), &State{Size: 4}); d.Status != http.StatusConflict {
		t.Fatalf("stale old size: %d", d.Status)
	}
	if d := Decide(&Request{Old: 6}, good.cp(5), &State{Size: 6}); d.Status != http.StatusBadRequest {
		t.Fatalf("old above size: %d", d.Status)
	}
	if d := Decide(&Request{Old: 0, Proof: tlog.TreeProof{{}}}, good.cp(5), nil); d.Status != http.StatusUnprocessableEntity {
		t.Fatalf("proof from 0: %d", d.Status)
	}
}

func TestRequestRoundTrip(t *testing.T) {
	good := newTree(20, -1)
	r := &Request{Old: 7, Proof: good.proof(7, 20), Checkpoint: []byte("example.com/log\n20\nAAAA\n\n— x y\n")}
	got, err := ParseRequest(r.Bytes())
	if err != nil || got.Old != 7 || len(got.Proof) != len(r.Proof) || !bytes.Equal(got.Checkpoint, r.Checkpoint) {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	for name, in := range map[string]string{
		"no old":        "20\n\ncp\n",
		"leading zero":  "old 07\n\ncp\n",
		"negative":      "old -1\n\ncp\n",
		"no blank line": "old 0\n",
		"no checkpoint": "old 0\n\n",
		"short hash":    "old 1\nAAAA\n\ncp\n",
	} {
		if _, err := ParseRequest([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if n, err := ParseSize([]byte("0\n")); err != nil || n != 0 {
		t.Fatal("size 0 refused")
	}
}

func FuzzParseRequest(f *testing.F) {
	good := newTree(20, -1)
	f.Add((&Request{Old: 7, Proof: good.proof(7, 20), Checkpoint: []byte("o\n20\nx\n\n— a b\n")}).Bytes())
	f.Add([]byte("old 0\n\nx"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRequest(data)
		if err != nil {
			return
		}
		if !bytes.Equal(r.Bytes(), data) {
			t.Fatalf("a request does not write back as read:\n%q\n%q", data, r.Bytes())
		}
	})
}

func FuzzReadAnswer(f *testing.F) {
	f.Add(200, "text/plain", []byte("— w AAAA\n"))
	f.Add(409, SizeType, []byte("12\n"))
	f.Fuzz(func(t *testing.T, status int, ctype string, body []byte) {
		a, err := ReadAnswer(status, ctype, body)
		if err == nil && status == http.StatusConflict && a.Size >= 0 && fmt.Sprintf("%d\n", a.Size) != string(body) {
			t.Fatalf("size %d from %q", a.Size, body)
		}
	})
}
