package bag

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/verify/report"
)

// conformanceDir finds the shared third-party BagIt conformance bags: the
// folder shared/conformance/bagit next to the repository, or the folder
// named by CUSTODY_BAGIT_CONFORMANCE.
func conformanceDir(t *testing.T) string {
	if d := os.Getenv("CUSTODY_BAGIT_CONFORMANCE"); d != "" {
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
			t.Skip("go.mod not found above the package folder; cannot locate the conformance bags")
		}
		dir = parent
	}
	return filepath.Join(dir, "..", "shared", "conformance", "bagit")
}

// TestConformance runs every case listed in expected.tsv of the shared
// conformance suite. Cases added there are picked up without code changes.
func TestConformance(t *testing.T) {
	dir := conformanceDir(t)
	f, err := os.Open(filepath.Join(dir, "expected.tsv"))
	if os.IsNotExist(err) {
		t.Skipf("conformance bags not found at %s (set CUSTODY_BAGIT_CONFORMANCE to their folder); skipping", dir)
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
		name, want := cols[0], cols[1]
		reason := ""
		if len(cols) == 3 {
			reason = cols[2]
		}
		n++
		t.Run(name, func(t *testing.T) {
			_, rep := ValidatePath(context.Background(), filepath.Join(dir, filepath.FromSlash(name)), Options{Workers: 2})
			switch want {
			case "valid":
				if rep.Verdict != report.NoProvenance {
					t.Errorf("verdict %s, want %s (%s)\n%s", rep.Verdict, report.NoProvenance, reason, dump(rep))
				}
			case "invalid":
				if rep.Verdict != report.Invalid && rep.Verdict != report.Tampered {
					t.Errorf("verdict %s, want INVALID or TAMPERED (%s)\n%s", rep.Verdict, reason, dump(rep))
				}
			case "warning":
				rejected := rep.Verdict == report.Invalid || rep.Verdict == report.Tampered
				if !rejected && (rep.Verdict != report.NoProvenance || len(rep.Warnings) == 0) {
					t.Errorf("verdict %s with %d warnings; want a rejection or at least one warning (%s)\n%s", rep.Verdict, len(rep.Warnings), reason, dump(rep))
				}
			default:
				t.Fatalf("expected.tsv: unknown verdict %q", want)
			}
			if testing.Verbose() {
				t.Logf("%s\n%s", rep.Verdict, dump(rep))
			}
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("expected.tsv lists no cases")
	}
}

// dump prints a report's findings and warnings for a failing test.
func dump(r *report.Report) string {
	var b strings.Builder
	for _, f := range r.Findings {
		b.WriteString("  " + string(f.Severity) + " " + f.Code + " " + f.Path + ": " + f.Message + "\n")
	}
	for _, f := range r.Warnings {
		b.WriteString("  warning " + f.Code + " " + f.Path + ": " + f.Message + "\n")
	}
	return b.String()
}
