package archive

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/store"
)

// BenchmarkImportLogOverhead imports the same tree with and without the
// provenance log, to show what appending events costs. Set
// CUSTODY_BENCH_CORPUS to a folder (scripts/bench passes the leak corpus);
// otherwise a small generated tree is used.
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
	var total int64
	filepath.Walk(src, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			total += fi.Size()
		}
		return nil
	})
	for _, mode := range []struct {
		name  string
		noLog bool
	}{{"without-log", true}, {"with-log", false}} {
		b.Run(mode.name, func(b *testing.B) {
			b.SetBytes(total)
			for b.Loop() {
				b.StopTimer()
				dir := b.TempDir()
				a, err := Open(dir, Options{Create: true, Passphrase: []byte("bench"),
					New:   keys.CreateOptions{Name: "Bench", ScryptLogN: keys.MinScryptLogN},
					Store: store.Config{}})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := a.Import(context.Background(), []string{src}, ImportOptions{noLog: mode.noLog}); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				a.Close()
				os.RemoveAll(dir)
				b.StartTimer()
			}
		})
	}
}
