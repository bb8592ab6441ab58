package fixity_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/store"
	"github.com/custody-app/custody/verify/fixity"
	"github.com/custody-app/custody/verify/report"
)

// BenchmarkCheck re-hashes archives shaped like the corpora scripts/bench
// measures (small stand-ins that build in seconds): mixed sizes, many
// small files, and a few big ones.
func BenchmarkCheck(b *testing.B) {
	for _, c := range []struct {
		name  string
		sizes func(r *rand.Rand) int64
		n     int
	}{
		{"mixed", mixedSize, 300},
		{"small", func(r *rand.Rand) int64 { return 1<<10 + r.Int64N(7<<10) }, 2000},
		{"big", func(*rand.Rand) int64 { return 32 << 20 }, 2},
	} {
		b.Run(c.name, func(b *testing.B) {
			a, files, bytes := benchArchive(b, c.n, c.sizes)
			b.SetBytes(bytes)
			for b.Loop() {
				rep := fixity.Check(context.Background(), a, fixity.Options{})
				if rep.Verdict != report.Intact {
					b.Fatalf("verdict %s: %+v", rep.Verdict, rep.Findings)
				}
			}
			b.ReportMetric(float64(files)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
		})
	}
}

// mixedSize draws sizes like a real collection's: mostly small, some up
// to a chunk, a few of several chunks.
func mixedSize(r *rand.Rand) int64 {
	switch p := r.IntN(100); {
	case p < 70:
		return 100 + r.Int64N(16<<10)
	case p < 95:
		return 16<<10 + r.Int64N(1<<20)
	default:
		return 1<<20 + r.Int64N(3<<20)
	}
}

// benchArchive imports n files of random bytes into a fresh unencrypted
// archive with the desktop's store sizes, and returns it open (read-only,
// as custody verify opens it) with the count and bytes of its documents.
func benchArchive(b *testing.B, n int, size func(*rand.Rand) int64) (*archive.Archive, int, int64) {
	b.Helper()
	src := b.TempDir()
	r := rand.New(rand.NewPCG(7, uint64(n)))
	var total int64
	for i := range n {
		data := make([]byte, size(r))
		var key [32]byte
		binary.LittleEndian.PutUint64(key[:], uint64(i))
		rand.NewChaCha8(key).Read(data)
		p := filepath.Join(src, fmt.Sprintf("d%02d", i%16), fmt.Sprintf("f%05d.bin", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			b.Fatal(err)
		}
		total += int64(len(data))
	}
	dir := b.TempDir()
	opt := archivetest.Plain(true)
	opt.Store = store.Config{}
	a, err := archive.Open(dir, opt)
	if err != nil {
		b.Fatal(err)
	}
	res, err := a.Import(context.Background(), []string{src}, archive.ImportOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if err := a.Close(); err != nil {
		b.Fatal(err)
	}
	ro := archivetest.Plain(false)
	ro.Store = store.Config{ReadOnly: true}
	a, err = archive.Open(dir, ro)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	return a, res.Added, total
}
