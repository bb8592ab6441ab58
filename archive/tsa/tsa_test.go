package tsa_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/custody-app/custody/archive/tsa"
	"github.com/custody-app/custody/archive/tsa/tsatest"
	"github.com/custody-app/custody/archive/tsaclient"
)

var msg = []byte("custody.example/test\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— example signature\n")

func TestFetchAndCheckAgainstOpenSSL(t *testing.T) {
	a := tsatest.Start(t, "Test TSA One")
	other := tsatest.Start(t, "Test TSA Two")
	before := time.Now().Add(-2 * time.Second)
	tok, err := tsaclient.Fetch(context.Background(), nil, a.URL, msg)
	if err != nil {
		t.Fatal(err)
	}
	roots, err := tsa.ParseRoots(a.Roots)
	if err != nil {
		t.Fatal(err)
	}
	st, err := tsa.Check(tok, msg, roots)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Trusted || st.TSA != "Test TSA One" || st.Time.Before(before) || st.Time.After(time.Now().Add(2*time.Second)) || st.Accuracy != time.Second {
		t.Fatalf("stamp %+v", st)
	}

	// The same token under a root that did not sign it: read, not trusted.
	wrong, _ := tsa.ParseRoots(other.Roots)
	st, err = tsa.Check(tok, msg, wrong)
	if err != nil || st.Trusted || st.Why == "" || st.TSA != "Test TSA One" {
		t.Fatalf("wrong root: %+v %v", st, err)
	}
	// No roots at all: read, not trusted.
	if st, err = tsa.Check(tok, msg, nil); err != nil || st.Trusted {
		t.Fatalf("no roots: %+v %v", st, err)
	}

	// Over other bytes: never evidence.
	other2 := append([]byte{}, msg...)
	other2[len(other2)-2] ^= 1
	if _, err := tsa.Check(tok, other2, roots); !errors.Is(err, tsa.ErrOtherHash) {
		t.Fatalf("other bytes: %v", err)
	}
	// A changed byte anywhere in the signed content or the signature.
	flipped := 0
	for i := len(tok) / 4; i < len(tok); i += 97 {
		bad := append([]byte{}, tok...)
		bad[i] ^= 0x40
		st, err := tsa.Check(bad, msg, roots)
		if err == nil && st.Trusted {
			// A flip inside an unsigned part (the certificate set's
			// padding) may leave the token valid; count the others.
			continue
		}
		flipped++
	}
	if flipped == 0 {
		t.Fatal("no flipped byte was noticed")
	}
	if _, err := tsa.Check([]byte("not a token"), msg, roots); !errors.Is(err, tsa.ErrMalformed) {
		t.Fatalf("garbage: %v", err)
	}
}

func TestFetchTSADown(t *testing.T) {
	a := tsatest.Start(t, "Down TSA")
	a.SetDown(true)
	if _, err := tsaclient.Fetch(context.Background(), nil, a.URL, msg); err == nil {
		t.Fatal("a TSA that is down gave a token")
	}
	a.SetDown(false)
	if _, err := tsaclient.Fetch(context.Background(), nil, a.URL, msg); err != nil {
		t.Fatal(err)
	}
	if a.Hits() != 1 {
		t.Fatalf("hits %d", a.Hits())
	}
}

func TestParseRoots(t *testing.T) {
	if _, err := tsa.ParseRoots([]byte("nothing")); err == nil {
		t.Fatal("a file with no certificate was accepted")
	}
}

func FuzzCheck(f *testing.F) {
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := tsa.Check(b, msg, nil)
		if err == nil && st.Trusted {
			t.Fatal("trusted with no roots")
		}
	})
}
