package ocfl

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	sha256 "github.com/minio/sha256-simd"

	"github.com/custody-app/custody/verify/bag"
)

// makeObject writes a valid OCFL 1.1 object of n files of size bytes
// each, SHA-512 manifest and SHA-256 fixity (as Custody writes them).
func makeObject(t testing.TB, dir string, n, size int) {
	content := filepath.Join(dir, "v1", "content")
	os.MkdirAll(content, 0o755)
	manifest, state, fixity := map[string][]string{}, map[string][]string{}, map[string][]string{}
	rng := rand.New(rand.NewSource(1))
	buf := make([]byte, size)
	for i := range n {
		rng.Read(buf)
		name := fmt.Sprintf("f%04d.bin", i)
		if err := os.WriteFile(filepath.Join(content, name), buf, 0o644); err != nil {
			t.Fatal(err)
		}
		s512, s256 := sha512.Sum512(buf), sha256.Sum256(buf)
		d := hex.EncodeToString(s512[:])
		manifest[d] = []string{"v1/content/" + name}
		state[d] = []string{name}
		fixity[hex.EncodeToString(s256[:])] = []string{"v1/content/" + name}
	}
	inv := map[string]any{"id": "urn:x:speed", "type": "https://ocfl.io/1.1/spec/#inventory", "digestAlgorithm": "sha512",
		"head": "v1", "manifest": manifest, "fixity": map[string]any{"sha256": fixity},
		"versions": map[string]any{"v1": map[string]any{"created": "2024-01-01T00:00:00Z", "state": state,
			"message": "m", "user": map[string]string{"name": "n", "address": "mailto:n@example.org"}}}}
	b, _ := json.Marshal(inv)
	sum := sha512.Sum512(b)
	side := hex.EncodeToString(sum[:]) + " inventory.json\n"
	for _, p := range []string{"", "v1"} {
		os.WriteFile(filepath.Join(dir, p, "inventory.json"), b, 0o644)
		os.WriteFile(filepath.Join(dir, p, "inventory.json.sha512"), []byte(side), 0o644)
	}
	os.WriteFile(filepath.Join(dir, "0=ocfl_object_1.1"), []byte("ocfl_object_1.1\n"), 0o644)
}

// baseline reads and hashes (SHA-512 and SHA-256) every file under dir
// on all cores: the least any check of such an object must do.
func baseline(dir string) error {
	files, _ := filepath.Glob(filepath.Join(dir, "v1", "content", "*"))
	jobs := make(chan string)
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 1<<20)
			for p := range jobs {
				f, err := os.Open(p)
				if err != nil {
					continue
				}
				h1, h2 := sha512.New(), sha256.New()
				io.CopyBuffer(io.MultiWriter(h1, h2), f, buf)
				f.Close()
			}
		}()
	}
	for _, f := range files {
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	return nil
}

// TestSpeedAgainstBaseline compares validation with reading and hashing
// the same bytes, alternating, best of several rounds each. The ratio is
// printed; it is asserted only under CUSTODY_LONG (timing on a shared
// machine is not a unit test), scripts/bench measures it end to end.
func TestSpeedAgainstBaseline(t *testing.T) {
	n, size := 32, 1<<20
	if os.Getenv("CUSTODY_LONG") != "" {
		n, size = 128, 2<<20
	}
	dir := t.TempDir()
	makeObject(t, dir, n, size)
	fsys, closer, err := bag.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	baseline(dir) // warm the page cache
	bestBase, bestVal := time.Hour, time.Hour
	for range 5 {
		start := time.Now()
		baseline(dir)
		bestBase = min(bestBase, time.Since(start))
		start = time.Now()
		_, rep := ValidateObject(context.Background(), fsys, Options{})
		bestVal = min(bestVal, time.Since(start))
		if rep.HasProblems() || len(rep.Warnings) > 0 {
			t.Fatalf("%v %v", rep.Findings, rep.Warnings)
		}
	}
	ratio := bestBase.Seconds() / bestVal.Seconds()
	mb := float64(n*size) / 1e6
	t.Logf("%d files, %.0f MB: baseline %.3f s (%.0f MB/s), validation %.3f s (%.0f MB/s): %.2f of the baseline",
		n, mb, bestBase.Seconds(), mb/bestBase.Seconds(), bestVal.Seconds(), mb/bestVal.Seconds(), ratio)
	if os.Getenv("CUSTODY_LONG") != "" && ratio < 0.9 {
		t.Errorf("validation runs at %.2f of the read+hash baseline, want at least 0.90", ratio)
	}
}
