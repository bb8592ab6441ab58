package humansize

import (
	"math"
	"testing"
)

func TestBytes(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0 bytes"},
		{1, "1 byte"},
		{999, "999 bytes"},
		{1000, "1.0 kB"},
		{1500, "1.5 kB"},
		{812_000, "812 kB"},
		{1_400_000, "1.4 MB"},
		{123_456_789, "123 MB"},
		{1_630_000_000, "1.6 GB"},
		{math.MaxInt64, "9.2 EB"},
	} {
		if got := Bytes(tc.n); got != tc.want {
			t.Errorf("Bytes(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
