package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/custody-app/custody/archive"
	"github.com/minio/minio-go/v7"
)

// State is what the archive remembers of one remote (archive.PutRemote):
// where it is, and what was last pushed and checked. No credentials.
type State struct {
	Location
	// Identity is the SHA-256 of identity.json as last uploaded, so a
	// push seals and uploads it again only after it changed (a new
	// passphrase).
	Identity  string       `json:"identity_sha256,omitempty"`
	LastPush  *PushRecord  `json:"last_push,omitempty"`
	LastCheck *CheckRecord `json:"last_check,omitempty"`
}

// PushRecord is what the last push did.
type PushRecord struct {
	At         time.Time `json:"at"`
	Packs      int       `json:"packs"`       // uploaded
	Bytes      int64     `json:"bytes"`       // of packs uploaded
	PacksThere int       `json:"packs_there"` // already on the remote
	Snapshot   int64     `json:"snapshot_bytes"`
	LogSize    int64     `json:"log_size"` // events in the snapshot
}

// CheckRecord is what the last check of the remote found.
type CheckRecord struct {
	At      time.Time `json:"at"`
	Verdict string    `json:"verdict"`
	Docs    int       `json:"documents"`
	Damaged int       `json:"damaged"`
	// Next is where the next rolling check starts (an index into the
	// packed documents in ID order).
	Next int `json:"next,omitempty"`
}

// ValidName says whether name can name a remote: 1 to 32 letters,
// digits, dots, hyphens and underscores.
func ValidName(name string) error {
	if name == "" || len(name) > 32 {
		return fmt.Errorf("a remote's name is 1 to 32 characters, not %q", name)
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._-", c)) {
			return fmt.Errorf("a remote's name holds letters, digits, '.', '-' and '_' only, not %q", name)
		}
	}
	return nil
}

// Load returns what a remembers of remote name.
func Load(a *archive.Archive, name string) (*State, error) {
	b, err := a.Remote(name)
	if err != nil {
		return nil, err
	}
	var st State
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("the record of remote %q is damaged: %w", name, err)
	}
	return &st, nil
}

// Save stores st as remote name's record.
func Save(a *archive.Archive, name string, st *State) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return a.PutRemote(name, b)
}

// Named is a remote with its name.
type Named struct {
	Name string
	*State
}

// List returns every remote a remembers, by name.
func List(a *archive.Archive) ([]Named, error) {
	var out []Named
	err := a.EachRemote(func(name string, b []byte) error {
		var st State
		if err := json.Unmarshal(b, &st); err != nil {
			return fmt.Errorf("the record of remote %q is damaged: %w", name, err)
		}
		out = append(out, Named{name, &st})
		return nil
	})
	return out, err
}

// Add remembers a new remote; it checks the credentials and creates the
// bucket when it is missing.
func Add(ctx context.Context, a *archive.Archive, name string, loc Location) error {
	if err := ValidName(name); err != nil {
		return err
	}
	if _, err := a.Remote(name); err == nil {
		return fmt.Errorf("a remote named %q exists already; remove it first", name)
	} else if !errors.Is(err, archive.ErrNoRemote) {
		return err
	}
	c, err := Dial(loc)
	if err != nil {
		return err
	}
	if err := c.EnsureBucket(ctx); err != nil {
		return err
	}
	return Save(a, name, &State{Location: loc})
}

// Head is the sealed object that says which snapshots make the remote's
// store, in the order to load them. It is written last by a push.
type Head struct {
	Format    int       `json:"format"`
	Snapshots []string  `json:"snapshots"` // names under snapshots/
	LogSize   int64     `json:"log_size"`
	Packs     int       `json:"packs"`
	Pushed    time.Time `json:"pushed"`
}

// maxHead bounds the head read from a remote.
const maxHead = 1 << 20

func (c *Client) putSealed(ctx context.Context, name string, key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	s, err := NewSealer(&buf, key)
	if err != nil {
		return err
	}
	s.Write(b)
	if err := s.Close(); err != nil {
		return err
	}
	_, err = c.mc.PutObject(ctx, c.Loc.Bucket, c.key(name), &buf, int64(buf.Len()), minio.PutObjectOptions{ContentType: "application/octet-stream"})
	return c.plain(err, "writing "+name)
}

// ErrNoCopy means the location holds no pushed copy.
var ErrNoCopy = errors.New("no Custody copy has been pushed there yet")

// head reads the remote's head, ErrNoCopy when there is none.
func (c *Client) head(ctx context.Context, key []byte) (*Head, error) {
	r, err := c.get(ctx, headName)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	o, err := NewOpener(r, key)
	if err != nil {
		return nil, fmt.Errorf("the remote's head: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(o, maxHead))
	if err != nil {
		return nil, fmt.Errorf("the remote's head: %w", err)
	}
	var h Head
	if err := json.Unmarshal(b, &h); err != nil || h.Format != 1 {
		return nil, errors.New("the remote's head is not one this Custody reads")
	}
	for _, s := range h.Snapshots {
		if !validSnapshotName(s) {
			return nil, fmt.Errorf("the remote's head names a snapshot %q", s)
		}
	}
	return &h, nil
}

// get opens an object for reading, ErrNoCopy when it is not there.
func (c *Client) get(ctx context.Context, name string) (io.ReadCloser, error) {
	obj, err := c.mc.GetObject(ctx, c.Loc.Bucket, c.key(name), minio.GetObjectOptions{})
	if err == nil {
		_, err = obj.Stat()
	}
	if err != nil {
		if obj != nil {
			obj.Close()
		}
		if code := minio.ToErrorResponse(err).Code; code == "NoSuchKey" || code == "NoSuchBucket" {
			return nil, fmt.Errorf("%w (%s lacks %s)", ErrNoCopy, c.Loc.URL(), name)
		}
		return nil, c.plain(err, "reading "+name)
	}
	return obj, nil
}

func validSnapshotName(s string) bool {
	base, ok := strings.CutSuffix(s, ".full")
	if !ok {
		base, ok = strings.CutSuffix(s, ".tail")
	}
	if !ok || len(base) != 16 {
		return false
	}
	for _, c := range base {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// CheckStore reads the head and every snapshot it names through the
// seal, whose tags prove each byte is as pushed, keeping only a segment
// in memory. It returns the head, and for each snapshot that could not
// be proven intact, why.
func (c *Client) CheckStore(ctx context.Context, key []byte) (*Head, map[string]error, error) {
	h, err := c.head(ctx, key)
	if err != nil {
		return nil, nil, err
	}
	bad := map[string]error{}
	for _, s := range h.Snapshots {
		r, err := c.get(ctx, snapDir+s)
		if err != nil {
			if errors.Is(err, ErrNoCopy) {
				bad[s] = errors.New("missing")
				continue
			}
			return h, bad, err
		}
		o, err := NewOpener(r, key)
		if err == nil {
			_, err = io.Copy(io.Discard, o)
		}
		r.Close()
		if errors.Is(err, ErrSealed) {
			bad[s] = err
		} else if err != nil {
			return h, bad, c.plain(err, "reading "+s)
		}
	}
	return h, bad, nil
}
