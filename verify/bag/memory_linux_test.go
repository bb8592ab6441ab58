package bag

import (
	"archive/zip"
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/custody-app/custody/verify/report"
)

// The memory tests validate a zip whose manifest lists millions of files
// in a child process (this test binary, run again) and read its peak
// resident memory (VmHWM) from /proc: the whole cost of one validation,
// with the garbage collector's slack, as a person running `bundle verify`
// would pay it.
//
// The fast version runs in every test run; the full-size one (2.5 million
// lines) when CUSTODY_LONG_TESTS is set (make test-long).

const memChildEnv = "CUSTODY_BAG_MEMORY_CHILD"

// hugeManifestZip writes a zipped bag whose sha256 manifest has lines
// lines naming payload files that are not in the bag, as an attacker's
// small zip would.
func hugeManifestZip(t testing.TB, lines int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "huge.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	put := func(name, content string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	put("bag/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
	put("bag/data/a.txt", "alpha\n")
	w, err := zw.Create("bag/manifest-sha256.txt")
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintf(bw, "%s  data/a.txt\n", sum("sha256", "alpha\n"))
	digest := strings.Repeat("ab", 32)
	for i := 1; i < lines; i++ {
		fmt.Fprintf(bw, "%s  data/folder/file-%09d.txt\n", digest, i)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// peakOfValidation validates the zip at path in a child process and
// returns its peak resident memory in bytes and its verdict and codes.
func peakOfValidation(t *testing.T, path string, limit int64) (int64, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestMemoryChild$", "-test.count=1")
	// A soft memory limit of half the bound makes the collector keep up
	// on a busy machine, where it otherwise lags and the peak measures
	// garbage; what the validation keeps alive still shows in full.
	cmd.Env = append(os.Environ(), memChildEnv+"="+path, fmt.Sprintf("GOMEMLIMIT=%dMiB", limit>>21))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var peak int64 = -1
	var verdict string
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "PEAK "); ok {
			peak, _ = strconv.ParseInt(v, 10, 64)
		}
		if v, ok := strings.CutPrefix(line, "VERDICT "); ok {
			verdict = v
		}
	}
	if peak < 0 {
		t.Fatalf("child printed no peak:\n%s", out)
	}
	return peak, verdict
}

// TestMemoryChild is the child's side; it does nothing in a normal run.
func TestMemoryChild(t *testing.T) {
	path := os.Getenv(memChildEnv)
	if path == "" {
		t.Skip("run by the memory tests only")
	}
	_, r := ValidatePath(context.Background(), path, Options{Workers: 2})
	codes := map[string]bool{}
	for _, f := range append(r.Findings, r.Warnings...) {
		codes[f.Code] = true
	}
	var list []string
	for c := range codes {
		list = append(list, c)
	}
	fmt.Printf("VERDICT %s %s\n", r.Verdict, strings.Join(sortedCopy(list), ","))
	fmt.Printf("PEAK %d\n", vmHWM(t))
}

func vmHWM(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}

func checkManifestMemory(t *testing.T, lines int, limit int64, wantVerdict report.Verdict, wantCode string) {
	if raceDetector {
		t.Skip("the race detector multiplies memory use; the bound is measured by the normal run")
	}
	start := time.Now()
	path := hugeManifestZip(t, lines)
	fi, _ := os.Stat(path)
	built := time.Since(start)
	peak, verdict := peakOfValidation(t, path, limit)
	t.Logf("%d lines, zip of %d bytes (built in %v): peak %d MiB, %s, in %v", lines, fi.Size(), built.Round(time.Millisecond), peak>>20, verdict, time.Since(start).Round(time.Millisecond))
	if peak > limit {
		t.Errorf("peak memory %d MiB, want at most %d MiB", peak>>20, limit>>20)
	}
	if !strings.HasPrefix(verdict, string(wantVerdict)+" ") {
		t.Errorf("verdict %q, want %s", verdict, wantVerdict)
	}
	if !strings.Contains(verdict, wantCode) {
		t.Errorf("codes %q, want %s", verdict, wantCode)
	}
}

// TestManifestMemoryBounded: 200,000 lines naming absent files are
// checked within 128 MiB (about 240 MiB before manifests were kept as
// compact records).
func TestManifestMemoryBounded(t *testing.T) {
	checkManifestMemory(t, 200_000, 128<<20, report.Tampered, PayloadMissing)
}

// TestManifestMemoryLong: 2.5 million lines are refused within 256 MiB
// (INVALID, LIMIT_EXCEEDED: `bundle verify` exits 1), and a manifest at
// the cap of a million lines, all naming absent files, is checked within
// 512 MiB.
func TestManifestMemoryLong(t *testing.T) {
	if os.Getenv("CUSTODY_LONG_TESTS") == "" {
		t.Skip("set CUSTODY_LONG_TESTS=1 (make test-long)")
	}
	t.Run("over the cap", func(t *testing.T) {
		checkManifestMemory(t, 2_500_000, 256<<20, report.Invalid, LimitExceeded)
	})
	t.Run("at the cap", func(t *testing.T) {
		checkManifestMemory(t, defaultMaxFile, 512<<20, report.Tampered, PayloadMissing)
	})
}
