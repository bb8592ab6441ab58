package bundle_test

import (
	"github.com/custody-app/custody/archive/bundleformat"
	"github.com/custody-app/custody/archive/provenance"
	"io"
	"strings"
	"testing"

	"github.com/custody-app/custody/verify/bundle"
)

const hashA = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

func TestParseEventLine(t *testing.T) {
	cases := []struct {
		line, event, err string
		index            int64
	}{
		{`{"index":0,"event":"{\"v\":1}"}`, `{"v":1}`, "", 0},
		{`{"event":"x","index":12}`, "x", "", 12},
		{` { "index" : 3 , "event" : "\u00e9" } `, "é", "", 3},
		{`{"index":1}`, "", `needs "index" and "event"`, 0},
		{`{"index":1,"event":"x","index":2}`, "", "appears twice", 0},
		{`{"index":1,"event":"x","extra":1}`, "", "unknown field", 0},
		{`{"index":-1,"event":"x"}`, "", "not a whole number", 0},
		{`{"index":1.0,"event":"x"}`, "", "not a whole number", 0},
		{`{"index":1e2,"event":"x"}`, "", "not a whole number", 0},
		{`{"index":01,"event":"x"}`, "", "", 0}, // invalid JSON
		{`{"index":"1","event":"x"}`, "", "expected a number", 0},
		{`{"index":1,"event":""}`, "", "empty", 0},
		{`{"index":1,"event":null}`, "", `needs "index" and "event"`, 0},
		{`{"index":1,"event":"x"} {}`, "", "more follows", 0},
		{`[1]`, "", "expected", 0},
		{"{\"index\":1,\"event\":\"\xff\"}", "", "UTF-8", 0},
		{`{"index":99999999999999999999,"event":"x"}`, "", "", 0},
	}
	for _, c := range cases {
		idx, ev, _, err := bundle.ParseEventLine([]byte(c.line))
		if c.event != "" {
			if err != nil || idx != c.index || string(ev) != c.event {
				t.Errorf("%s: %d %q %v", c.line, idx, ev, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: error %v, want one saying %q", c.line, err, c.err)
		}
	}
}

func TestReadEventsBounds(t *testing.T) {
	count := 0
	err := bundle.ReadEvents(strings.NewReader(`{"index":0,"event":"a"}`+"\n"+`{"index":2,"event":"b"}`+"\n"), func(int, int64, []byte, []provenance.Opening) error {
		count++
		return nil
	})
	if err != nil || count != 2 {
		t.Fatalf("%d %v", count, err)
	}
	for input, want := range map[string]string{
		`{"index":2,"event":"a"}` + "\n" + `{"index":1,"event":"b"}` + "\n": "not above",
		`{"index":0,"event":"a"}`:          "does not end with a line feed",
		`{"index":0,"event":"a"}` + "\r\n": "CR LF",
		"\n":                               "empty line",
	} {
		err := bundle.ReadEvents(strings.NewReader(input), func(int, int64, []byte, []provenance.Opening) error { return nil })
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", input, err, want)
		}
	}
	// A line longer than the limit ends in an error, without reading the
	// rest into memory.
	long := io.MultiReader(strings.NewReader(`{"index":0,"event":"`), io.LimitReader(endless{}, bundleformat.MaxEventLine+10))
	err = bundle.ReadEvents(long, func(int, int64, []byte, []provenance.Opening) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "longer than the limit") {
		t.Fatalf("long line: %v", err)
	}
}

type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

func TestParseProofs(t *testing.T) {
	good := `{"format":"custody-bundle-proofs-v1","checkpoint_size":5,"proofs":[{"index":0,"proof":["` + hashA + `"]},{"index":3,"proof":[]}]}`
	ps, err := bundle.ParseProofs([]byte(good))
	if err != nil || ps.CheckpointSize != 5 || len(ps.Order) != 2 || len(ps.Proofs[0]) != 1 || len(ps.Proofs[3]) != 0 {
		t.Fatalf("%+v %v", ps, err)
	}
	for _, c := range []struct{ in, err string }{
		{strings.Replace(good, "v1", "v2", 1), "format"},
		{strings.Replace(good, `"index":3`, `"index":0`, 1), "not increasing"},
		{strings.Replace(good, hashA, "AAAA", 1), "not 32 bytes"},
		{strings.Replace(good, `"checkpoint_size":5,`, "", 1), "checkpoint_size"},
		{strings.Replace(good, `,"proof":[]`, "", 1), `needs "index" and "proof"`},
		{strings.Replace(good, `"proofs"`, `"proof"`, 1), "unknown field"},
		{`{"format":"custody-bundle-proofs-v1","checkpoint_size":5,"proofs":[{"index":0,"proof":[` + strings.Repeat(`"`+hashA+`",`, 64) + `"` + hashA + `"]}]}`, "more than 64"},
		{good + "x", "more follows"},
	} {
		if _, err := bundle.ParseProofs([]byte(c.in)); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%.80s…: %v, want %q", c.in, err, c.err)
		}
	}
}

func TestParseConsistency(t *testing.T) {
	good := `{"format":"custody-bundle-consistency-v1","checkpoint_size":9,"earlier":[{"size":3,"checkpoint":"note","proof":["` + hashA + `"]}]}`
	cs, err := bundle.ParseConsistency([]byte(good))
	if err != nil || cs.CheckpointSize != 9 || len(cs.Earlier) != 1 || cs.Earlier[0].Size != 3 || string(cs.Earlier[0].Checkpoint) != "note" {
		t.Fatalf("%+v %v", cs, err)
	}
	empty := `{"format":"custody-bundle-consistency-v1","checkpoint_size":9,"earlier":[]}`
	if cs, err := bundle.ParseConsistency([]byte(empty)); err != nil || len(cs.Earlier) != 0 {
		t.Fatalf("empty: %v", err)
	}
	for _, c := range []struct{ in, err string }{
		{strings.Replace(good, `"size":3`, `"size":9`, 1), "not below"},
		{strings.Replace(good, `"size":3`, `"size":0`, 1), "1 or more"},
		{strings.Replace(good, `"checkpoint":"note",`, "", 1), `"checkpoint"`},
		{strings.Replace(good, `"earlier"`, `"older"`, 1), "unknown field"},
	} {
		if _, err := bundle.ParseConsistency([]byte(c.in)); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: %v, want %q", c.in, err, c.err)
		}
	}
}

func TestParseKeys(t *testing.T) {
	if k, err := bundle.ParseKeys([]byte("a+1+x\nb+2+y\n")); err != nil || len(k) != 2 {
		t.Fatalf("%v %v", k, err)
	}
	for in, want := range map[string]string{
		"":                               "empty",
		"a+1+x":                          "line feed",
		"a+1+x\n\n":                      "line 2 is empty",
		"a+1+x \n":                       "spaces",
		"a+1+x\r\n":                      "spaces",
		strings.Repeat("k\n", 17):        "at most 16",
		"\xff\n":                         "UTF-8",
		strings.Repeat("k", 9000) + "\n": "limit",
	} {
		if _, err := bundle.ParseKeys([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.40q: %v, want %q", in, err, want)
		}
	}
}

func TestParseNameLine(t *testing.T) {
	doc := strings.Repeat("ab", 32)
	e, err := bundle.ParseNameLine([]byte("data/100%25 a.txt\t" + doc + "\tleak/100%25 a%09b%FF.txt"))
	if err != nil || e.Path != "data/100% a.txt" || e.Doc != doc || e.Name != "leak/100% a\tb\xff.txt" {
		t.Fatalf("%+v %v", e, err)
	}
	for in, want := range map[string]string{
		"data/a\t" + doc:                          "has 2 tab-separated",
		"data/a\t" + doc + "\tx\ty":               "tab-separated",
		"data/a\tABC\tx":                          "64 hex",
		"data/a\t" + doc + "\t%G0":                "not a %-escape",
		"data/a\t" + doc + "\t%4":                 "incomplete",
		"data/a\t" + doc + "\t":                   "empty",
		"\t" + doc + "\tx":                        "path is empty",
		"data/a\t" + strings.ToUpper(doc) + "\tx": "lowercase",
	} {
		if _, err := bundle.ParseNameLine([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
	for _, name := range []string{"plain", "100%", "a\tb\nc\rd", "\xff\xfe", "é%25"} {
		got, err := bundleformat.DecodeName(bundleformat.EncodeName(name))
		if err != nil || got != name {
			t.Errorf("%q: round trip gives %q %v", name, got, err)
		}
	}
}
