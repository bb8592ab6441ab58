package bagdigest

import (
	"encoding/hex"
	"slices"
	"testing"
)

func TestTable(t *testing.T) {
	if got := Names(); !slices.Equal(got, []string{"md5", "sha1", "sha224", "sha256", "sha384", "sha512"}) {
		t.Errorf("Names() = %v", got)
	}
	for i, name := range Names() {
		a, ok := Lookup(name)
		if !ok || a.Name != name {
			t.Fatalf("Lookup(%q) = %+v, %v", name, a, ok)
		}
		h := a.New()
		h.Write([]byte("abc"))
		if n := len(hex.EncodeToString(h.Sum(nil))); n != a.HexLen {
			t.Errorf("%s: %d hex digits, the table says %d", name, n, a.HexLen)
		}
		if a.Rank != i+1 {
			t.Errorf("%s: rank %d, want %d (weakest first)", name, a.Rank, i+1)
		}
		if a.Weak != (name == "md5" || name == "sha1") {
			t.Errorf("%s: weak %v", name, a.Weak)
		}
	}
	if a, ok := Lookup("sha3-256"); ok || a.Rank != 0 {
		t.Errorf("an unknown algorithm was found: %+v", a)
	}
	// The digests of "abc" from FIPS 180-4's examples.
	for _, tc := range []struct {
		a    Algorithm
		want string
	}{
		{SHA256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{SHA512, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
	} {
		h := tc.a.New()
		h.Write([]byte("abc"))
		if got := hex.EncodeToString(h.Sum(nil)); got != tc.want {
			t.Errorf("%s(abc) = %s", tc.a.Name, got)
		}
	}
}
