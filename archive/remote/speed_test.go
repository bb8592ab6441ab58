package remote_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/remote"
	"github.com/custody-app/custody/archive/remote/seaweedtest"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// TestPushSpeed is scripts/bench remote's measurement (it skips unless
// CUSTODY_BENCH_CORPUS names a corpus folder): the corpus is imported
// into an encrypted archive, then, against the same SeaweedFS, in one
// run and with the same client settings (minio-go, 16 MiB parts, 4 parts
// at once, 4 objects at once), after an untimed warm-up upload, it times
// a plain parallel upload of the
// archive's pack files (the very bytes push sends), a plain parallel
// upload of the corpus files, and custody push. It prints MB/s of each
// and push's ratio to the faster baseline (target: at least 0.8).
func TestPushSpeed(t *testing.T) {
	corpus := os.Getenv("CUSTODY_BENCH_CORPUS")
	if corpus == "" {
		t.Skip("set CUSTODY_BENCH_CORPUS to a corpus folder (scripts/bench remote does)")
	}
	srv := seaweedtest.Shared(t)
	dir := filepath.Join(t.TempDir(), "arc")
	a, err := archive.Open(dir, archivetest.Options(true))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Import(context.Background(), []string{corpus}, archive.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	packs, _ := filepath.Glob(filepath.Join(dir, archive.PackDir, "*.pack"))
	var files []string
	filepath.WalkDir(corpus, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	mc, err := minio.New(strings.TrimPrefix(srv.Endpoint, "http://"), &minio.Options{Creds: credentials.NewStaticV4(seaweedtest.AccessKey, seaweedtest.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	const bkt = "custody-speed"
	ctx := context.Background()
	if err := mc.MakeBucket(ctx, bkt, minio.MakeBucketOptions{}); err != nil && minio.ToErrorResponse(err).Code != "BucketAlreadyOwnedByYou" {
		t.Fatal(err)
	}
	plain := func(prefix string, paths []string) (int64, time.Duration) {
		start := time.Now()
		var total int64
		var mu sync.Mutex
		jobs := make(chan string)
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for p := range jobs {
					f, err := os.Open(p)
					if err != nil {
						t.Error(err)
						continue
					}
					fi, _ := f.Stat()
					_, err = mc.PutObject(ctx, bkt, prefix+filepath.Base(p), f, fi.Size(), minio.PutObjectOptions{ContentType: "application/octet-stream", PartSize: 16 << 20, NumThreads: 4})
					f.Close()
					if err != nil {
						t.Error(err)
					}
					mu.Lock()
					total += fi.Size()
					mu.Unlock()
				}
			}()
		}
		for _, p := range paths {
			jobs <- p
		}
		close(jobs)
		wg.Wait()
		return total, time.Since(start)
	}
	mbps := func(n int64, d time.Duration) float64 { return float64(n) / 1e6 / d.Seconds() }
	// The store's first writes allocate its volumes: warm it up untimed,
	// so no figure pays for that.
	plain("warm-up/", packs)
	pb, pd := plain("plain-packs/", packs)
	fb, fd := plain("plain-files/", files)
	loc, _ := remote.ParseURL("s3://"+bkt+"/push", srv.Endpoint)
	if err := remote.Add(ctx, a, "bench", loc); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	rec, err := remote.Push(ctx, a, "bench", remote.PushOptions{Passphrase: []byte(archivetest.Passphrase)})
	if err != nil {
		t.Fatal(err)
	}
	d := time.Since(start)
	push := mbps(rec.Bytes, d)
	best := max(mbps(pb, pd), mbps(fb, fd))
	t.Logf("plain upload of the pack files: %d files, %d bytes, %.2f s, %.1f MB/s", len(packs), pb, pd.Seconds(), mbps(pb, pd))
	t.Logf("plain upload of the corpus files: %d files, %d bytes, %.2f s, %.1f MB/s", len(files), fb, fd.Seconds(), mbps(fb, fd))
	t.Logf("custody push: %d pack files, %d bytes + snapshot %d bytes, %.2f s, %.1f MB/s (pack bytes only; %.1f MB/s with the snapshot)",
		rec.Packs, rec.Bytes, rec.Snapshot, d.Seconds(), push, mbps(rec.Bytes+rec.Snapshot, d))
	t.Logf("push / faster plain upload: %.2f (target >= 0.80)", push/best)
}
