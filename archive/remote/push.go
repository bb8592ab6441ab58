package remote

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/pack"
	"github.com/custody-app/custody/archive/progress"
	badger "github.com/dgraph-io/badger/v4"
	"github.com/minio/minio-go/v7"
)

// PushOptions controls a push.
type PushOptions struct {
	// Passphrase seals the identity for the remote; needed only when the
	// remote lacks it or identity.json changed since the last push.
	Passphrase []byte
	// Workers is how many pack files are uploaded at once (default 4).
	Workers  int
	Progress progress.Func
	// Uploaded, when set, is called with the number of each pack file
	// once it is on the remote (from the uploading goroutine).
	Uploaded func(pack uint64)
}

// partSize is the part of a multipart upload: each pack file over it is
// sent as parts, several at once.
const partSize = 16 << 20

// Push uploads to remote name what it lacks: the pack files not there
// yet, the identity when it changed, then a snapshot of the store, and
// records a push event. The archive must be open for writing (its lock
// keeps every pack sealed while they are read). Run again after an
// interruption, it uploads only what is still missing.
func Push(ctx context.Context, a *archive.Archive, name string, opt PushOptions) (*PushRecord, error) {
	st, err := Load(a, name)
	if err != nil {
		return nil, err
	}
	id := a.Identity()
	if id == nil {
		return nil, archive.ErrPassphraseNeeded
	}
	c, err := Dial(st.Location)
	if err != nil {
		return nil, err
	}
	if err := c.EnsureBucket(ctx); err != nil {
		return nil, err
	}
	rec := &PushRecord{At: time.Now().UTC()}
	if err := c.pushPacks(ctx, a, opt, rec); err != nil {
		return nil, err
	}
	if err := c.pushIdentity(ctx, a, st, opt.Passphrase); err != nil {
		return nil, err
	}
	key := id.RemoteKey()
	logSize, err := a.LogSize()
	if err != nil {
		return nil, err
	}
	rec.LogSize = logSize
	base := randomName()
	full := base + ".full"
	n, version, err := c.putSnapshot(ctx, a, key, full, 0)
	if err != nil {
		return nil, err
	}
	rec.Snapshot = n
	packs := rec.Packs + rec.PacksThere
	h := &Head{Format: 1, Snapshots: []string{full}, LogSize: logSize, Packs: packs, Pushed: rec.At}
	if err := c.putSealed(ctx, headName, key, h); err != nil {
		return nil, err
	}
	// The remote now holds everything counted: record it, then send the
	// event itself (and the checkpoint over it) as a small second
	// snapshot, so that a clone's log equals this one. Interrupted here,
	// the remote lacks only this event.
	what := fmt.Sprintf("push to remote %s: packs %d uploaded (bytes %d), %d already there; store snapshot with log events %d",
		name, rec.Packs, rec.Bytes, rec.PacksThere, logSize)
	if _, err := a.RecordVerify(what, "PUSHED"); err != nil {
		return nil, fmt.Errorf("the copy was pushed but the push could not be recorded: %w", err)
	}
	tail := base + ".tail"
	if m, _, err := c.putSnapshot(ctx, a, key, tail, version); err == nil {
		rec.Snapshot += m
		if logSize, err = a.LogSize(); err == nil {
			h.Snapshots, h.LogSize = append(h.Snapshots, tail), logSize
			err = c.putSealed(ctx, headName, key, h)
		}
		if err != nil {
			return nil, err
		}
	} else {
		return nil, err
	}
	c.removeOtherSnapshots(ctx, h.Snapshots)
	st.LastPush = rec
	if err := Save(a, name, st); err != nil {
		return nil, err
	}
	return rec, nil
}

func randomName() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// localPack is a pack file of the archive.
type localPack struct {
	n    uint64
	size int64
}

// pushPacks uploads the archive's pack files the remote lacks (or holds
// with another size: an upload cut short by a store that keeps parts).
func (c *Client) pushPacks(ctx context.Context, a *archive.Archive, opt PushOptions, rec *PushRecord) error {
	there := map[uint64]int64{}
	if err := c.listPacks(ctx, func(n uint64, size int64) error { there[n] = size; return nil }); err != nil {
		return err
	}
	dir := filepath.Join(a.Dir(), archive.PackDir)
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	var todo []localPack
	var total int64
	for _, e := range entries {
		n, ok := packNumber(e.Name())
		if !ok {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		if size, ok := there[n]; ok && size == info.Size() {
			rec.PacksThere++
			continue
		}
		todo = append(todo, localPack{n, info.Size()})
		total += info.Size()
	}
	counter := progress.NewCounter()
	counter.SetTotals(int64(len(todo)), total)
	if opt.Progress != nil {
		stop := counter.Report(ctx, opt.Progress)
		defer stop()
	}
	var mu sync.Mutex
	return parallel(ctx, opt.Workers, todo, func(ctx context.Context, p localPack) error {
		if err := c.uploadPack(ctx, dir, p, counter); err != nil {
			return err
		}
		mu.Lock()
		rec.Packs++
		rec.Bytes += p.size
		mu.Unlock()
		counter.AddFile()
		if opt.Uploaded != nil {
			opt.Uploaded(p.n)
		}
		return nil
	})
}

// countingReader adds what is read to a progress counter.
type countingReader struct{ c *progress.Counter }

func (r countingReader) Read(p []byte) (int, error) { r.c.AddBytes(int64(len(p))); return len(p), nil }

func (c *Client) uploadPack(ctx context.Context, dir string, p localPack, counter *progress.Counter) error {
	f, err := os.Open(filepath.Join(dir, pack.Name(p.n)))
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = c.mc.PutObject(ctx, c.Loc.Bucket, c.key(packDir+pack.Name(p.n)), f, p.size, minio.PutObjectOptions{
		ContentType: "application/octet-stream", PartSize: partSize, NumThreads: 4,
		Progress: countingReader{counter},
	})
	return c.plain(err, "uploading "+pack.Name(p.n))
}

// pushIdentity uploads the sealed identity when the remote lacks it or
// identity.json changed since it was uploaded.
func (c *Client) pushIdentity(ctx context.Context, a *archive.Archive, st *State, passphrase []byte) error {
	b, err := os.ReadFile(filepath.Join(a.Dir(), "identity.json"))
	if err != nil {
		return fmt.Errorf("cannot read the identity file: %w", err)
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) == st.Identity {
		if _, err := c.mc.StatObject(ctx, c.Loc.Bucket, c.key(identityObj), minio.StatObjectOptions{}); err == nil {
			return nil
		}
	}
	if len(passphrase) == 0 {
		return fmt.Errorf("%w: the remote needs the identity sealed under it", archive.ErrPassphraseNeeded)
	}
	if _, err := keys.Unlock(a.Dir(), passphrase); err != nil {
		return err
	}
	env, err := sealIdentity(b, passphrase, identityLogN(b))
	if err != nil {
		return err
	}
	_, err = c.mc.PutObject(ctx, c.Loc.Bucket, c.key(identityObj), bytes.NewReader(env), int64(len(env)), minio.PutObjectOptions{ContentType: "application/octet-stream"})
	if err != nil {
		return c.plain(err, "uploading the sealed identity")
	}
	st.Identity = hex.EncodeToString(sum[:])
	return nil
}

// putSnapshot uploads the store's entries after version since (0: all of
// it, Badger's full backup stream; else writeTail), without the remote
// bookkeeping, sealed, as snapshots/name. It returns the bytes uploaded
// and, for a full snapshot, the newest version in it.
func (c *Client) putSnapshot(ctx context.Context, a *archive.Archive, key []byte, name string, since uint64) (int64, uint64, error) {
	pr, pw := io.Pipe()
	var version uint64
	done := make(chan struct{})
	go func() {
		defer close(done)
		s, err := NewSealer(pw, key)
		switch {
		case err == nil && since == 0:
			stream := a.DB().NewStream()
			stream.LogPrefix = "custody push"
			stream.ChooseKey = func(item *badger.Item) bool { return !bytes.HasPrefix(item.Key(), archive.PrefixRemote) }
			version, err = stream.Backup(s, 0)
		case err == nil:
			err = writeTail(a.DB(), s, since)
		}
		if err == nil {
			err = s.Close()
		}
		pw.CloseWithError(err)
	}()
	info, err := c.mc.PutObject(ctx, c.Loc.Bucket, c.key(snapDir+name), pr, -1, minio.PutObjectOptions{ContentType: "application/octet-stream", PartSize: partSize})
	pr.CloseWithError(err)
	<-done
	if err != nil {
		return 0, 0, c.plain(err, "uploading the store snapshot")
	}
	return info.Size, version, nil
}

// removeOtherSnapshots removes snapshots the head does not name: those
// of earlier pushes, and of pushes interrupted before their head.
func (c *Client) removeOtherSnapshots(ctx context.Context, keep []string) {
	for obj := range c.mc.ListObjects(ctx, c.Loc.Bucket, minio.ListObjectsOptions{Prefix: c.key(snapDir), Recursive: true}) {
		if obj.Err != nil {
			return
		}
		name := strings.TrimPrefix(obj.Key, c.key(snapDir))
		kept := false
		for _, k := range keep {
			kept = kept || k == name
		}
		if !kept && validSnapshotName(name) {
			c.mc.RemoveObject(ctx, c.Loc.Bucket, obj.Key, minio.RemoveObjectOptions{})
		}
	}
}
