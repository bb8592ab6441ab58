package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/pack"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/archive/store"
	"github.com/minio/minio-go/v7"
)

// CloneOptions controls a clone.
type CloneOptions struct {
	Passphrase []byte
	// Store sets the new store's Badger sizes (tests make them small);
	// its encryption key comes from the identity.
	Store    store.Config
	Workers  int // pack files downloaded at once (default 4)
	Progress progress.Func
}

// Clone makes a working archive in dir (missing or empty) from the copy
// at loc: the identity (opened with the passphrase), the store loaded
// from the snapshots the head names, and every pack file. It is built in
// a folder beside dir and renamed into place at the end, so an
// interrupted clone leaves no archive behind.
func Clone(ctx context.Context, loc Location, dir string, opt CloneOptions) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty: clone into a new folder", dir)
	}
	c, err := Dial(loc)
	if err != nil {
		return err
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".custody-clone-")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	id, err := c.fetchIdentity(ctx, tmp, opt.Passphrase)
	if err != nil {
		return err
	}
	h, err := c.head(ctx, id.RemoteKey())
	if err != nil {
		return err
	}
	if err := c.loadStore(ctx, h, id, tmp, opt.Store); err != nil {
		return err
	}
	if err := c.fetchPacks(ctx, filepath.Join(tmp, archive.PackDir), opt); err != nil {
		return err
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return err
	}
	ok = true
	return nil
}

// fetchIdentity writes the remote's identity.json into dir and unlocks it.
func (c *Client) fetchIdentity(ctx context.Context, dir string, passphrase []byte) (*keys.Identity, error) {
	r, err := c.get(ctx, identityObj)
	if err != nil {
		return nil, err
	}
	b, err := openIdentity(r, passphrase)
	r.Close()
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "identity.json"), b, 0o600); err != nil {
		return nil, err
	}
	id, err := keys.Unlock(dir, passphrase)
	if err != nil {
		return nil, fmt.Errorf("the remote's identity: %w", err)
	}
	return id, nil
}

// loadStore makes the Badger store from the snapshots, in order.
func (c *Client) loadStore(ctx context.Context, h *Head, id *keys.Identity, dir string, cfg store.Config) error {
	cfg.ReadOnly = false
	cfg.EncryptionKey = id.StoreKey()
	path := filepath.Join(dir, archive.StoreDir)
	db, err := store.Open(path, cfg, &store.Log{})
	if err != nil {
		return err
	}
	for _, s := range h.Snapshots {
		err = c.loadSnapshot(ctx, db, id.RemoteKey(), s)
		if err != nil {
			break
		}
	}
	if cerr := store.Close(db, path, false); err == nil {
		err = cerr
	}
	return err
}

func (c *Client) loadSnapshot(ctx context.Context, db interface {
	Load(io.Reader, int) error
}, key []byte, name string) error {
	r, err := c.get(ctx, snapDir+name)
	if err != nil {
		return err
	}
	defer r.Close()
	o, err := NewOpener(r, key)
	if err != nil {
		return fmt.Errorf("the store snapshot %s: %w", name, err)
	}
	if err := db.Load(o, 256); err != nil {
		return fmt.Errorf("the store snapshot %s could not be loaded: %w", name, err)
	}
	return nil
}

// fetchPacks downloads every pack file of the remote into dir.
func (c *Client) fetchPacks(ctx context.Context, dir string, opt CloneOptions) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	var todo []localPack
	var total int64
	if err := c.listPacks(ctx, func(n uint64, size int64) error {
		todo = append(todo, localPack{n, size})
		total += size
		return nil
	}); err != nil {
		return err
	}
	counter := progress.NewCounter()
	counter.SetTotals(int64(len(todo)), total)
	if opt.Progress != nil {
		stop := counter.Report(ctx, opt.Progress)
		defer stop()
	}
	return parallel(ctx, opt.Workers, todo, func(ctx context.Context, p localPack) error {
		err := c.download(ctx, dir, p, counter)
		counter.AddFile()
		return err
	})
}

func (c *Client) download(ctx context.Context, dir string, p localPack, counter *progress.Counter) error {
	obj, err := c.mc.GetObject(ctx, c.Loc.Bucket, c.key(packDir+pack.Name(p.n)), minio.GetObjectOptions{})
	if err != nil {
		return c.plain(err, "downloading "+pack.Name(p.n))
	}
	defer obj.Close()
	f, err := os.OpenFile(filepath.Join(dir, pack.Name(p.n)), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	// At most one byte more than listed: a store that sends more is refused,
	// not allowed to fill the disk.
	n, err := io.Copy(f, &progress.Reader{Ctx: ctx, R: io.LimitReader(obj, p.size+1), Ctr: counter})
	if err == nil && n != p.size {
		err = fmt.Errorf("%s: %d bytes downloaded of %d listed", pack.Name(p.n), n, p.size)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil && !strings.Contains(err.Error(), pack.Name(p.n)) {
		err = c.plain(err, "downloading "+pack.Name(p.n))
	}
	return err
}

// parallel runs fn over items with workers goroutines (default 4),
// stopping at the first error.
func parallel[T any](ctx context.Context, workers int, items []T, fn func(context.Context, T) error) error {
	if workers <= 0 {
		workers = 4
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan T)
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	for range min(workers, max(len(items), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range jobs {
				if err := fn(ctx, it); err != nil {
					mu.Lock()
					if first == nil {
						first = err
						cancel()
					}
					mu.Unlock()
				}
			}
		}()
	}
feed:
	for _, it := range items {
		select {
		case jobs <- it:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}
