package archive

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/store"
)

// BenchmarkImportLogOverhead imports the same tree with and without the
// provenance log, to show what appending events costs. Set
// CUSTODY_BENCH_CORPUS to a folder (scripts/bench passes the leak corpus);
// otherwise a small generated tree is used.
//
// Each iteration imports twice, once per mode, into fresh archives, and
// the mode that goes first alternates: on a shared machine the state of
// memory and disk that one import leaves changes how fast the next one
// writes (docs/performance.md), so two sub-benchmarks run one after the
// other measured the order more than the log. It reports the fastest
// import of each mode as s-without-log and s-with-log; run it with an
// even -benchtime (scripts/bench uses 4x: with two imports of each mode,
// one slow import moved the result by 20%).
func BenchmarkImportLogOverhead(b *testing.B) {
	src := os.Getenv("CUSTODY_BENCH_CORPUS")
	if src == "" {
		src = b.TempDir()
		for i := range 400 {
			p := filepath.Join(src, fmt.Sprintf("d%02d", i%20), fmt.Sprintf("f%04d.bin", i))
			os.MkdirAll(filepath.Dir(p), 0o755)
			buf := make([]byte, 2000+i*97)
			rand.Read(buf)
			os.WriteFile(p, buf, 0o644)
		}
	}
	importOnce := func(noLog bool) time.Duration {
		dir, err := os.MkdirTemp("", "custody-bench-*")
		if err != nil {
			b.Fatal(err)
		}
		defer os.RemoveAll(dir)
		a, err := Open(dir, Options{Create: true, Passphrase: []byte("bench"),
			New:   keys.CreateOptions{Name: "Bench", ScryptLogN: keys.MinScryptLogN},
			Store: store.Config{}})
		if err != nil {
			b.Fatal(err)
		}
		defer a.Close()
		start := time.Now()
		if _, err := a.Import(context.Background(), []string{src}, ImportOptions{noLog: noLog}); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	best := map[bool]time.Duration{}
	i := 0
	for b.Loop() {
		for _, noLog := range [][2]bool{{true, false}, {false, true}}[i%2] {
			if d := importOnce(noLog); best[noLog] == 0 || d < best[noLog] {
				best[noLog] = d
			}
		}
		i++
	}
	b.ReportMetric(best[true].Seconds(), "s-without-log")
	b.ReportMetric(best[false].Seconds(), "s-with-log")
}
