package remote

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"strings"
	"testing"
)

func sealed(t testing.TB, key, plain []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	s, err := NewSealer(&buf, key)
	if err != nil {
		t.Fatal(err)
	}
	s.Write(plain)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func open(key, b []byte) ([]byte, error) {
	o, err := NewOpener(bytes.NewReader(b), key)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(o)
}

// TestSealRoundTrip seals sizes around the segment boundary and reads
// each back whole.
func TestSealRoundTrip(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	for _, n := range []int{0, 1, sealSegment - 1, sealSegment, sealSegment + 1, 3*sealSegment + 17} {
		plain := make([]byte, n)
		rand.Read(plain)
		b := sealed(t, key, plain)
		if want := len(sealMagic) + sealNonce + max(1, (n+sealSegment-1)/sealSegment)*sealTag + n; len(b) != want {
			t.Errorf("%d bytes sealed to %d, want %d", n, len(b), want)
		}
		got, err := open(key, b)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("%d bytes: got %d bytes, %v", n, len(got), err)
		}
	}
}

// TestSealRefusesChanges: a flipped byte anywhere, a cut at a segment
// boundary (which would otherwise look like a shorter stream), a dropped
// segment and another key are all ErrSealed.
func TestSealRefusesChanges(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	plain := make([]byte, 2*sealSegment+100)
	rand.Read(plain)
	b := sealed(t, key, plain)
	seg := sealSegment + sealTag
	head := len(sealMagic) + sealNonce
	cases := map[string][]byte{
		"flipped in segment 2": flip(b, head+seg+5),
		"flipped nonce":        flip(b, len(sealMagic)+3),
		"cut after segment 1":  b[:head+seg],
		"cut after segment 2":  b[:head+2*seg],
		"segment 2 dropped":    append(append([]byte{}, b[:head+seg]...), b[head+2*seg:]...),
		"cut in the header":    b[:10],
		"nothing after header": b[:head],
	}
	for name, bad := range cases {
		if _, err := open(key, bad); !errors.Is(err, ErrSealed) {
			t.Errorf("%s: %v, want ErrSealed", name, err)
		}
	}
	if _, err := open(bytes.Repeat([]byte{8}, 32), b); !errors.Is(err, ErrSealed) {
		t.Errorf("another key: %v", err)
	}
}

func flip(b []byte, i int) []byte {
	c := append([]byte{}, b...)
	c[i] ^= 1
	return c
}

func TestIdentityEnvelope(t *testing.T) {
	id := []byte(`{"format":1,"name":"Jane Archivist","kdf":{"log_n":10}}`)
	env, err := sealIdentity(id, []byte("right"), identityLogN(id))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(env, []byte("Jane")) {
		t.Fatal("the envelope shows the archivist's name")
	}
	got, err := openIdentity(bytes.NewReader(env), []byte("right"))
	if err != nil || !bytes.Equal(got, id) {
		t.Fatalf("opened %q, %v", got, err)
	}
	if _, err := openIdentity(bytes.NewReader(env), []byte("wrong")); !errors.Is(err, ErrPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	for _, bad := range []string{"", "custody remote identity v1\n{\"log_n\":30,\"salt\":\"AAAAAAAAAAAAAAAAAAAAAA==\"}\n",
		"custody remote identity v1\n{\"log_n\":10,\"salt\":\"AAAA\"}\n", "custody remote identity v1\n{\"log_n\":10,\"x\":1}\n"} {
		if _, err := openIdentity(strings.NewReader(bad), []byte("right")); err == nil {
			t.Errorf("%q opened", bad)
		}
	}
}

func TestParseURL(t *testing.T) {
	good := map[string]Location{
		"s3://bucket":         {Bucket: "bucket"},
		"s3://my-bucket/a/b/": {Bucket: "my-bucket", Prefix: "a/b/"},
		"s3://b.c.d/archive":  {Bucket: "b.c.d", Prefix: "archive/"},
	}
	for s, want := range good {
		got, err := ParseURL(s, "")
		if err != nil || got != want {
			t.Errorf("%s: %+v %v", s, got, err)
		}
	}
	for _, s := range []string{"http://bucket", "s3://B", "s3://ab", "s3://bucket/a//b", "s3://bucket/../x", "s3://-bucket"} {
		if _, err := ParseURL(s, ""); err == nil {
			t.Errorf("%s accepted", s)
		}
	}
	if l, err := ParseURL("s3://bucket/p", "http://127.0.0.1:8333/"); err != nil || l.Endpoint != "http://127.0.0.1:8333" {
		t.Errorf("endpoint: %+v %v", l, err)
	}
	for _, ep := range []string{"127.0.0.1:8333", "ftp://x", "http://x/path"} {
		if _, err := ParseURL("s3://bucket", ep); err == nil {
			t.Errorf("endpoint %s accepted", ep)
		}
	}
}

// FuzzOpen: a sealed stream from a remote is untrusted; opening any bytes
// ends in an error or the bytes sealed, never a panic.
func FuzzOpen(f *testing.F) {
	key := bytes.Repeat([]byte{7}, 32)
	f.Add(sealed(f, key, []byte("hello")))
	f.Add(sealed(f, key, make([]byte, sealSegment+3)))
	f.Add([]byte(sealMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		open(key, b)
	})
}

// FuzzIdentityEnvelope: the identity object is read before anything is
// known of the remote.
func FuzzIdentityEnvelope(f *testing.F) {
	env, _ := sealIdentity([]byte(`{"kdf":{"log_n":10}}`), []byte("p"), 10)
	f.Add(env)
	f.Add([]byte(envelopeMagic + "{}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if logN, _, err := parseEnvelopeHeader(bufio.NewReader(bytes.NewReader(b))); err == nil && logN > 12 {
			return // a valid costly header: scrypt's time, not the parser's
		}
		openIdentity(bytes.NewReader(b), []byte("p"))
	})
}
