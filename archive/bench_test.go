package archive_test

import (
	"context"
	"os"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/store"
)

// benchTrees are small stand-ins for the three corpora scripts/bench
// measures (leak, small, big), sized to run in seconds.
var benchTrees = []struct {
	name string
	tree archivetest.Tree
}{
	// mixed: mostly small files, some up to a chunk, a few of several
	// chunks, 5% duplicates (~30 MiB).
	{"mixed", archivetest.Tree{Sizes: archivetest.Mixed(1, 300), Dups: 15, Seed: 1}},
	// small: 2,000 files of 1-8 KiB, where per-file costs dominate.
	{"small", archivetest.Tree{Sizes: archivetest.Uniform(2, 2000, 1<<10, 8<<10), Seed: 2}},
	// big: two files of 32 MiB, where bytes per second dominate.
	{"big", archivetest.Tree{Sizes: []int64{32 << 20, 32 << 20}, Seed: 3}},
}

// benchOptions opens a fresh, unencrypted archive with the desktop's
// default store sizes (what scripts/bench's "custody init --no-encrypt"
// makes) and a cheap passphrase.
func benchOptions() archive.Options {
	o := archivetest.Plain(true)
	o.Store = store.Config{}
	return o
}

// BenchmarkImport imports each tree into a fresh archive. Opening and
// closing the archive are not timed; the final sync and checkpoint are.
// With CUSTODY_BENCH_CORPUS set to a folder (a corpus scripts/bench
// generated), it imports that folder instead, for profiling.
func BenchmarkImport(b *testing.B) {
	trees := benchTrees
	corpus := os.Getenv("CUSTODY_BENCH_CORPUS")
	if corpus != "" {
		trees = trees[:1]
		trees[0].name = "corpus"
	}
	for _, bt := range trees {
		b.Run(bt.name, func(b *testing.B) {
			src := corpus
			if src == "" {
				src = b.TempDir()
				bt.tree.Write(b, src)
			}
			files := archivetest.Paths(b, src)
			var total int64
			for _, p := range files {
				fi, err := os.Stat(p)
				if err != nil {
					b.Fatal(err)
				}
				total += fi.Size()
			}
			b.SetBytes(total)
			for b.Loop() {
				b.StopTimer()
				dir := b.TempDir()
				a, err := archive.Open(dir, benchOptions())
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				res, err := a.Import(context.Background(), []string{src}, archive.ImportOptions{Source: "bench"})
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Files) != len(files) {
					b.Fatalf("imported %d files of %d", len(res.Files), len(files))
				}
				if err := a.Close(); err != nil {
					b.Fatal(err)
				}
				os.RemoveAll(dir)
				b.StartTimer()
			}
			b.ReportMetric(float64(len(files))*float64(b.N)/b.Elapsed().Seconds(), "files/s")
		})
	}
}

// BenchmarkImportAgain imports a tree into an archive that already holds
// it: every file is hashed and found present, nothing is stored. It
// shows the cost of reading and hashing alone.
func BenchmarkImportAgain(b *testing.B) {
	bt := benchTrees[0]
	src := b.TempDir()
	files := bt.tree.Write(b, src)
	a, err := archive.Open(b.TempDir(), benchOptions())
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Import(context.Background(), []string{src}, archive.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(archivetest.Total(files))
	for b.Loop() {
		res, err := a.Import(context.Background(), []string{src}, archive.ImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if res.Added != 0 {
			b.Fatalf("%d documents added on a second import", res.Added)
		}
	}
}
