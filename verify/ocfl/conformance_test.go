package ocfl

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/verify/bag"
	"github.com/custody-app/custody/verify/report"
)

// conformanceDir finds the shared third-party OCFL fixtures: the folder
// shared/conformance/ocfl next to the repository, or the folder named by
// CUSTODY_OCFL_CONFORMANCE.
func conformanceDir(t *testing.T) string {
	if d := os.Getenv("CUSTODY_OCFL_CONFORMANCE"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("go.mod not found above the package folder; cannot locate the OCFL fixtures")
		}
		dir = parent
	}
	return filepath.Join(dir, "..", "shared", "conformance", "ocfl")
}

// codesOf lists the codes a fixture's folder name starts with
// ("E049_E050_E054_bad…" gives E049, E050, E054).
func codesOf(name string) []string {
	var out []string
	for _, part := range strings.Split(name, "_") {
		if len(part) == 4 && (part[0] == 'E' || part[0] == 'W') && strings.Trim(part[1:], "0123456789") == "" {
			out = append(out, part)
			continue
		}
		break
	}
	return out
}

// TestConformance runs every case of expected.tsv: valid cases must have
// no error, warning cases no error and every W-code of their name,
// invalid cases must be rejected with at least one E-code of their name.
// Cases added there are picked up without code changes.
func TestConformance(t *testing.T) {
	dir := conformanceDir(t)
	f, err := os.Open(filepath.Join(dir, "expected.tsv"))
	if os.IsNotExist(err) {
		t.Skipf("OCFL fixtures not found at %s (set CUSTODY_OCFL_CONFORMANCE to their folder); skipping", dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.SplitN(line, "\t", 3)
		if len(cols) < 2 {
			t.Errorf("expected.tsv: malformed line %q", line)
			continue
		}
		n++
		name, want := cols[0], cols[1]
		t.Run(name, func(t *testing.T) {
			fsys, closer, err := bag.OpenDir(filepath.Join(dir, filepath.FromSlash(name)))
			if err != nil {
				t.Fatal(err)
			}
			defer closer.Close()
			_, rep := ValidateObject(context.Background(), fsys, Options{Subject: name})
			got := map[string]bool{}
			for _, f := range append(rep.Findings, rep.Warnings...) {
				got[f.Code] = true
			}
			codes := codesOf(filepath.Base(name))
			switch want {
			case "valid", "warning":
				if rep.HasProblems() || rep.Verdict != report.NoProvenance {
					t.Errorf("%s: verdict %s, want no error; findings: %v", name, rep.Verdict, rep.Findings)
				}
				for _, c := range codes {
					if c[0] == 'W' && !got[c] {
						t.Errorf("%s: warning %s not reported; warnings: %v", name, c, rep.Warnings)
					}
				}
			case "invalid":
				if !rep.HasProblems() || rep.Verdict == report.NoProvenance {
					t.Fatalf("%s: accepted (verdict %s)", name, rep.Verdict)
				}
				any := false
				for _, c := range codes {
					any = any || got[c]
				}
				if !any {
					t.Errorf("%s: none of %v among the findings: %v", name, codes, rep.Findings)
				}
			default:
				t.Fatalf("expected.tsv: unknown verdict %q", want)
			}
		})
	}
	if n == 0 {
		t.Fatal("expected.tsv lists no case")
	}
}
