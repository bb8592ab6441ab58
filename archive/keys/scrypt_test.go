package keys

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"testing"

	"golang.org/x/crypto/scrypt"
)

// RFC 7914 §12's test vectors (the fourth, N = 2^20, takes a GiB and is
// left to the comparison below at smaller sizes).
func TestScryptVectors(t *testing.T) {
	tests := []struct {
		pass, salt string
		logN, r, p int
		want       string
	}{
		{"", "", 4, 1, 1, "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"},
		{"password", "NaCl", 10, 8, 16, "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"},
		{"pleaseletmein", "SodiumChloride", 14, 8, 1, "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"},
	}
	for _, tc := range tests {
		got, err := scryptKey([]byte(tc.pass), []byte(tc.salt), tc.logN, tc.r, tc.p, 64)
		if err != nil || hex.EncodeToString(got) != tc.want {
			t.Errorf("scrypt(%q, %q, 2^%d, %d, %d) = %x, %v\nwant %s", tc.pass, tc.salt, tc.logN, tc.r, tc.p, got, err, tc.want)
		}
	}
}

// Every existing identity file was sealed with golang.org/x/crypto's
// scrypt: ours must give the same bytes for any input.
func TestScryptMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 40 {
		pass := make([]byte, rng.IntN(40))
		salt := make([]byte, rng.IntN(40))
		for j := range pass {
			pass[j] = byte(rng.Uint32())
		}
		for j := range salt {
			salt[j] = byte(rng.Uint32())
		}
		logN, r, p, n := 1+rng.IntN(12), 1+rng.IntN(9), 1+rng.IntN(3), 1+rng.IntN(100)
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			want, err := scrypt.Key(pass, salt, 1<<logN, r, p, n)
			if err != nil {
				t.Fatal(err)
			}
			got, err := scryptKey(pass, salt, logN, r, p, n)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("logN %d r %d p %d len %d: got %x, %v; want %x", logN, r, p, n, got, err, want)
			}
		})
	}
}

func BenchmarkScrypt(b *testing.B) {
	for b.Loop() {
		scryptKey([]byte("a passphrase"), []byte("sixteen byte salt"), 17, 8, 1, 64)
	}
}

func BenchmarkScryptReference(b *testing.B) {
	for b.Loop() {
		scrypt.Key([]byte("a passphrase"), []byte("sixteen byte salt"), 1<<17, 8, 1, 64)
	}
}
