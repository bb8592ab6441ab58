package cosign

import (
	"strings"
	"testing"
)

func TestPolicyQuorum(t *testing.T) {
	x1, _ := witnessKey(t, 1)
	x2, _ := witnessKey(t, 2)
	x3, _ := witnessKey(t, 3)
	y1, _ := witnessKey(t, 4)
	text := "# two organisations\n" +
		"witness X1 " + x1.Key.VerifierKey + " https://x1.example/\n" +
		"witness X2 " + x2.Key.VerifierKey + "\n" +
		"\twitness X3 " + x3.Key.VerifierKey + "  \n" +
		"group X 2 X1 X2 X3\n" +
		"witness Y1 " + y1.Key.VerifierKey + "\n" +
		"group Y any Y1\n" +
		"group XY all X Y\n" +
		"quorum XY\n"
	p, err := ParsePolicy([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Witnesses) != 4 || p.Quorum != "XY" || p.Witnesses[0].Label != "X1" {
		t.Fatalf("parsed %d witnesses, quorum %q", len(p.Witnesses), p.Quorum)
	}
	set := func(ws ...*Witness) map[string]bool {
		m := map[string]bool{}
		for _, w := range ws {
			m[w.Key.VerifierKey] = true
		}
		return m
	}
	for _, tc := range []struct {
		got  map[string]bool
		want bool
	}{
		{set(x1, x2, y1), true},
		{set(x1, x3, y1), true},
		{set(x1, y1), false},
		{set(x1, x2, x3), false},
		{set(), false},
	} {
		if p.Met(tc.got) != tc.want {
			t.Errorf("%d cosigners: met %v, want %v", len(tc.got), !tc.want, tc.want)
		}
	}
	none, err := ParsePolicy([]byte("quorum none\n"))
	if err != nil || !none.Met(nil) {
		t.Fatalf("quorum none: %v", err)
	}
}

func TestPolicyRefuses(t *testing.T) {
	x1, _ := witnessKey(t, 1)
	w := "witness A " + x1.Key.VerifierKey + "\n"
	for name, text := range map[string]string{
		"no quorum":        w,
		"two quorums":      w + "quorum A\nquorum A\n",
		"undefined quorum": w + "quorum B\n",
		"forward ref":      "group G any A\n" + w + "quorum G\n",
		"member twice":     w + "group G 1 A A\nquorum G\n",
		"k too large":      w + "group G 2 A\nquorum G\n",
		"k zero":           w + "group G 0 A\nquorum G\n",
		"k leading zero":   w + "group G 01 A\nquorum G\n",
		"duplicate key":    w + "witness B " + x1.Key.VerifierKey + "\nquorum A\n",
		"duplicate name":   w + w + "quorum A\n",
		"none as member":   w + "group G any none\nquorum G\n",
		"unknown keyword":  w + "monitor A\nquorum A\n",
		"control char":     w + "quorum A\r\n",
		"bad key":          "witness A example+00000000+AAAA\nquorum A\n",
	} {
		if _, err := ParsePolicy([]byte(text)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := ParsePolicy([]byte(strings.Repeat("#", MaxPolicySize+1))); err == nil {
		t.Error("an oversized policy was accepted")
	}
}

func FuzzParsePolicy(f *testing.F) {
	x1, _ := witnessKey(f, 1)
	f.Add([]byte("witness A " + x1.Key.VerifierKey + "\ngroup G any A\nquorum G\n"))
	f.Add([]byte("quorum none\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePolicy(data)
		if err != nil {
			return
		}
		all := map[string]bool{}
		for _, w := range p.Witnesses {
			all[w.Key.VerifierKey] = true
		}
		if !p.Met(all) {
			t.Fatal("a policy is not met when every witness cosigned")
		}
	})
}
