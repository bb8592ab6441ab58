package dkimrecord

import (
	"strings"
	"testing"
	"time"
)

func TestParseZone(t *testing.T) {
	zone := `; exported 2024-03-06
$ORIGIN corp.example.
s2021._domainkey.corp.example. 3600 IN TXT "v=DKIM1; k=rsa; " "p=MIIBIjAN" "BgkqhkiG"
Ed1._DomainKey.Corp.Example.	IN	TXT	"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
www.corp.example. IN A 192.0.2.1
corp.example. IN TXT "v=spf1 -all"
big._domainkey.corp.example. IN TXT ( "v=DKIM1; p=AAAA"  ; first half
     "BBBB\"q" )
`
	when := time.Date(2024, 3, 6, 10, 0, 0, 5, time.UTC)
	keys, err := ParseZone(strings.NewReader(zone), "registrar export", when)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 3 {
		t.Fatalf("%d keys: %+v", len(keys), keys)
	}
	if keys[0].Name() != "s2021._domainkey.corp.example" || keys[0].TXT != "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG" {
		t.Errorf("multi-string record: %+v", keys[0])
	}
	if keys[1].Selector != "ed1" || keys[1].Domain != "corp.example" {
		t.Errorf("case and tabs: %+v", keys[1])
	}
	if keys[2].TXT != `v=DKIM1; p=AAAABBBB"q` || keys[2].Source != "registrar export" || !keys[2].Obtained.Equal(when.Truncate(time.Second)) {
		t.Errorf("parenthesised record: %+v", keys[2])
	}
	// A record written back reads back the same, with the same hash.
	again, err := ParseZone(strings.NewReader(keys[2].Line()+"\n"+keys[0].Line()), "x", when)
	if err != nil || len(again) != 2 || again[0].Hash() != keys[2].Hash() || again[1].Hash() != keys[0].Hash() {
		t.Errorf("round trip: %+v %v", again, err)
	}
	if keys[0].Hash() == keys[1].Hash() {
		t.Error("two records share a hash")
	}
	for _, bad := range []string{`a._domainkey.x. IN TXT "unclosed`, `a._domainkey.x. IN TXT ( "v=DKIM1"`, `a b._domainkey.x IN TXT "v"`} {
		if _, err := ParseZone(strings.NewReader(bad), "x", when); err == nil && !strings.HasPrefix(bad, "a b") {
			t.Errorf("%q: no error", bad)
		}
	}
	if _, err := ParseZone(strings.NewReader(zone), " ", when); err == nil {
		t.Error("no source accepted")
	}
}

func FuzzParseZone(f *testing.F) {
	f.Add(`s._domainkey.d. IN TXT "v=DKIM1; p=" "AB"`)
	f.Add("x._domainkey.y 60 IN TXT ( \"a\"\n \"b\" ) ; c")
	f.Fuzz(func(t *testing.T, zone string) {
		keys, err := ParseZone(strings.NewReader(zone), "fuzz", time.Unix(0, 0))
		if err != nil {
			return
		}
		for _, k := range keys {
			back, err := ParseZone(strings.NewReader(k.Line()), "fuzz", time.Unix(0, 0))
			if err != nil || len(back) != 1 || back[0].Hash() != k.Hash() {
				t.Fatalf("%q does not read back: %v %+v", k.Line(), err, back)
			}
		}
	})
}

// FuzzParseOutcome: an outcome read from a stranger's event either is
// refused or reads back the same after writing.
func FuzzParseOutcome(f *testing.F) {
	f.Add("VALID", "d=corp.example; s=s1; a=rsa-sha256; key=ab; at=2024-03-07T12:00:00Z; verifier=v", "zone")
	f.Add("VALID-WEAK", "weak=rsa-sha1, key of 768 bits; at=2024-03-07T12:00:00Z", "")
	f.Fuzz(func(t *testing.T, verdict, what, source string) {
		o, err := ParseOutcome(verdict, what, source)
		if err != nil {
			return
		}
		back, err := ParseOutcome(o.Result, o.What(), o.KeySource)
		if err != nil || !back.Agrees(o) || !back.At.Equal(o.At) {
			t.Fatalf("%q does not read back: %+v %v", what, back, err)
		}
		_ = o.Summary()
	})
}
