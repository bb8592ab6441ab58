package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/custody-app/custody/archive/pack"
	"github.com/minio/minio-go/v7"
)

var _ pack.Storage = (*Packs)(nil)

// Packs is the pack files of a remote copy as a pack.Storage, read with
// ranged requests. It is the storage the archive reads through when it
// checks the remote copy (verify --remote) or repairs from it; pushes
// upload whole files instead, so Create refuses.
type Packs struct {
	c   *Client
	ctx context.Context
}

// Packs returns the remote's pack files; requests end when ctx does.
func (c *Client) Packs(ctx context.Context) *Packs { return &Packs{c: c, ctx: ctx} }

func (p *Packs) object(n uint64) string { return p.c.key(packDir + pack.Name(n)) }

// ReadAt reads len(buf) bytes of pack r.Pack from r.Off.
func (p *Packs) ReadAt(r pack.Ref, buf []byte) error {
	if len(buf) == 0 {
		return nil
	}
	opt := minio.GetObjectOptions{}
	if err := opt.SetRange(r.Off, r.Off+int64(len(buf))-1); err != nil {
		return err
	}
	obj, err := p.c.mc.GetObject(p.ctx, p.c.Loc.Bucket, p.object(r.Pack), opt)
	if err != nil {
		return p.readErr(r, err)
	}
	defer obj.Close()
	n, err := io.ReadFull(obj, buf)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("%w: %s on the remote ends before byte %d (%d of %d bytes there)", pack.ErrShort, pack.Name(r.Pack), r.Off+int64(len(buf)), n, len(buf))
	}
	if err != nil {
		return p.readErr(r, err)
	}
	return nil
}

func (p *Packs) readErr(r pack.Ref, err error) error {
	switch minio.ToErrorResponse(err).Code {
	case "NoSuchKey":
		return fmt.Errorf("%w: pack file %s is not on the remote", pack.ErrMissing, pack.Name(r.Pack))
	case "InvalidRange":
		return fmt.Errorf("%w: %s on the remote ends before byte %d", pack.ErrShort, pack.Name(r.Pack), r.Off+1)
	}
	return p.c.plain(err, "reading "+pack.Name(r.Pack))
}

// Create refuses: packs reach a remote whole, by a push.
func (p *Packs) Create(n uint64) (pack.Appender, error) {
	return nil, errors.New("a remote copy's pack files are written by custody push only")
}

// Stat returns the size of pack n on the remote.
func (p *Packs) Stat(n uint64) (int64, error) {
	info, err := p.c.mc.StatObject(p.ctx, p.c.Loc.Bucket, p.object(n), minio.StatObjectOptions{})
	if err != nil {
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return 0, fmt.Errorf("%w: pack file %s is not on the remote", pack.ErrMissing, pack.Name(n))
		}
		return 0, p.c.plain(err, "looking for "+pack.Name(n))
	}
	return info.Size, nil
}

// List calls fn with every pack on the remote.
func (p *Packs) List(fn func(n uint64, size int64) error) error {
	return p.c.listPacks(p.ctx, fn)
}

// listPacks lists the objects under packs/ named like pack files.
func (c *Client) listPacks(ctx context.Context, fn func(n uint64, size int64) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for obj := range c.mc.ListObjects(ctx, c.Loc.Bucket, minio.ListObjectsOptions{Prefix: c.key(packDir), Recursive: true}) {
		if obj.Err != nil {
			return c.plain(obj.Err, "listing the pack files")
		}
		n, ok := packNumber(strings.TrimPrefix(obj.Key, c.key(packDir)))
		if !ok {
			continue
		}
		if err := fn(n, obj.Size); err != nil {
			return err
		}
	}
	return nil
}

// packNumber reads a pack file's name (pack.Name).
func packNumber(name string) (uint64, bool) {
	num, ok := strings.CutSuffix(name, ".pack")
	if !ok || len(num) != 12 {
		return 0, false
	}
	n, err := strconv.ParseUint(num, 10, 64)
	return n, err == nil && pack.Name(n) == name
}

// Remove deletes pack n from the remote.
func (p *Packs) Remove(n uint64) error {
	return p.c.plain(p.c.mc.RemoveObject(p.ctx, p.c.Loc.Bucket, p.object(n), minio.RemoveObjectOptions{}), "removing "+pack.Name(n))
}

// Close holds nothing.
func (p *Packs) Close() error { return nil }
