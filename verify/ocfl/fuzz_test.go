package ocfl

import (
	"testing"

	"github.com/custody-app/custody/verify/report"
)

// FuzzInventory feeds arbitrary bytes to the inventory reader: it must
// never panic, and whatever it returns must be consistent (every content
// path it indexes is listed in its manifest).
func FuzzInventory(f *testing.F) {
	f.Add([]byte(`{"id":"x","type":"https://ocfl.io/1.1/spec/#inventory","digestAlgorithm":"sha512","head":"v1","manifest":{},"versions":{"v1":{"created":"2020-01-01T00:00:00Z","state":{}}}}`))
	f.Add([]byte(`{"id":"x","id":"y"}`))
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		n := 0
		inv := readInventory(b, "1.1", "inventory.json", 10_000, func(report.Finding) { n++ })
		if inv == nil {
			if n == 0 {
				t.Fatal("an unreadable inventory without a finding")
			}
			return
		}
		for p, d := range inv.byPath {
			ok := false
			for md, paths := range inv.Manifest {
				for _, q := range paths {
					ok = ok || q == p && lower(md) == d
				}
			}
			if !ok {
				t.Fatalf("indexed path %q is not in the manifest", p)
			}
		}
	})
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}
