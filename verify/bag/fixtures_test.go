package bag

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/custody-app/custody/verify/report"
)

// TestFixtureBags walks testdata/bags/<CODE>_<what>/: each holds a bag in
// bag/ and expected.json with the verdict and, for a bad bag, the code and
// path of one finding the report must contain. Byte-exact inputs (a BOM,
// ISO-8859-1 text, an NFD file name) live here rather than in Go strings.
func TestFixtureBags(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "bags", "*", "expected.json"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fixtures found: %v", err)
	}
	for _, exp := range dirs {
		dir := filepath.Dir(exp)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			var want struct {
				Verdict report.Verdict `json:"verdict"`
				Code    string         `json:"code"`
				Path    string         `json:"path"`
			}
			b, err := os.ReadFile(exp)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatalf("%s: %v", exp, err)
			}
			_, r := ValidatePath(context.Background(), filepath.Join(dir, "bag"), Options{Workers: 2})
			if r.Verdict != want.Verdict {
				t.Errorf("verdict %s, want %s\n%s", r.Verdict, want.Verdict, dump(r))
			}
			if want.Code == "" {
				if len(r.Findings)+len(r.Warnings) > 0 {
					t.Errorf("want a clean report\n%s", dump(r))
				}
				return
			}
			if !has(r, want.Code, want.Path) {
				t.Errorf("no %s for %q\n%s", want.Code, want.Path, dump(r))
			}
		})
	}
}
