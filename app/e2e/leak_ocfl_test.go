package e2e_test

import (
	"path/filepath"
	"testing"

	"github.com/custody-app/custody/archive/bundlewriter"
	"github.com/custody-app/custody/archive/provenance"
)

// TestLeakAuditOCFL: a bundle written as an OCFL object discloses what
// the same bag would and nothing more; its inventory (the user, the
// message, the digests) adds nothing of a document not chosen, nor an
// unchosen field of one that is.
func TestLeakAuditOCFL(t *testing.T) {
	l := newLeakArchive(t)
	for _, tc := range []struct {
		name     string
		sel      []int
		redacted bool
		choices  provenance.Choices
	}{
		{"one document", []int{2}, false, provenance.Choices{}},
		{"the redaction alone", nil, true, provenance.Choices{}},
		{"one document with its source", []int{4}, false, provenance.Choices{Sources: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sel := map[int]bool{}
			var ids [][32]byte
			for _, i := range tc.sel {
				sel[i] = true
				ids = append(ids, l.docs[i].id)
			}
			if tc.redacted {
				ids = append(ids, l.redacted.id)
			}
			out := filepath.Join(t.TempDir(), "object")
			if _, err := bundlewriter.Create(ctx, l.a, bundlewriter.Options{Out: out, Docs: ids, Disclose: tc.choices, Format: bundlewriter.FormatOCFL}); err != nil {
				t.Fatal(err)
			}
			files := outputBytes(t, out)
			if _, ok := files["inventory.json"]; !ok {
				t.Fatalf("not an OCFL object: %v", fileNames(files))
			}
			assertNoLeak(t, "OCFL bundle", files, l.forbidden(sel, tc.redacted, tc.choices, false))
		})
	}
}

func fileNames(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
