// Package remote keeps a copy of an archive on an S3-compatible object
// store (AWS S3, MinIO, Ceph RGW, SeaweedFS), so that a second copy lives
// far from the first and a colleague or a new machine can make a working
// archive from it (docs/remote.md).
//
// What goes there is what the object store cannot read: the pack files
// exactly as they are on disk (encrypted when the store is), and a
// snapshot of the Badger store (catalog and provenance log) taken with
// Badger's backup stream and sealed (seal.go) under a key only the
// archivist's identity yields. The identity itself goes sealed under the
// passphrase, so a clone needs the passphrase and nothing else. Object
// names are numbers and fixed words; no document name, ID or tag reaches
// the object store.
//
// Pack files are immutable once sealed, so a push uploads only the packs
// the remote lacks, and an interrupted push is resumed by running it
// again: an object either exists whole or not at all, and the head, which
// says which snapshot is current, is written last.
package remote

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/custody-app/custody/archive/errcode"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Location is where a remote copy is kept: a bucket, a prefix of object
// names in it, and the endpoint of the object store.
type Location struct {
	Bucket   string `json:"bucket"`
	Prefix   string `json:"prefix"` // "" or ending in "/"
	Endpoint string `json:"endpoint,omitempty"`
}

// DefaultEndpoint is AWS S3's.
const DefaultEndpoint = "https://s3.amazonaws.com"

// ParseURL reads s3://BUCKET/PREFIX and the endpoint's URL ("" for AWS).
func ParseURL(s, endpoint string) (Location, error) {
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok {
		return Location{}, fmt.Errorf("a remote is given as s3://BUCKET/PREFIX, not %q", s)
	}
	bucket, prefix, _ := strings.Cut(rest, "/")
	if !validBucket(bucket) {
		return Location{}, fmt.Errorf("%q is not a bucket name (3 to 63 lower-case letters, digits, dots and hyphens)", bucket)
	}
	prefix = strings.Trim(prefix, "/")
	if prefix != "" {
		for _, part := range strings.Split(prefix, "/") {
			if part == "" || part == "." || part == ".." {
				return Location{}, fmt.Errorf("the prefix %q has an empty, . or .. part", prefix)
			}
		}
		prefix += "/"
	}
	if endpoint != "" {
		u, err := url.Parse(endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return Location{}, fmt.Errorf("the endpoint is given as http://HOST:PORT or https://HOST, not %q", endpoint)
		}
		endpoint = u.Scheme + "://" + u.Host
	}
	return Location{Bucket: bucket, Prefix: prefix, Endpoint: endpoint}, nil
}

func validBucket(b string) bool {
	if len(b) < 3 || len(b) > 63 {
		return false
	}
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case (c == '.' || c == '-') && i > 0 && i < len(b)-1:
		default:
			return false
		}
	}
	return true
}

// URL is the location as s3://BUCKET/PREFIX.
func (l Location) URL() string { return "s3://" + l.Bucket + "/" + strings.TrimSuffix(l.Prefix, "/") }

// Object names under the prefix.
const (
	packDir     = "packs/"
	snapDir     = "snapshots/"
	headName    = "head"
	identityObj = "identity"
)

// ErrCredentials means the object store refused the credentials, or
// there were none. Its code is errcode.RemoteCredentials.
var ErrCredentials = errcode.New(errcode.RemoteCredentials, "the object store refused the credentials")

// Client is a connection to a remote location.
type Client struct {
	Loc Location
	mc  *minio.Client
}

// credentialsFromEnvironment reads AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY, else the AWS credentials file
// (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials, profile
// AWS_PROFILE or "default"). Credentials are never stored by Custody.
func credentialsFromEnvironment() (*credentials.Credentials, error) {
	c := credentials.NewChainCredentials([]credentials.Provider{&credentials.EnvAWS{}, &credentials.FileAWSCredentials{}})
	v, err := c.GetWithContext(nil)
	if err != nil || v.AccessKeyID == "" {
		return nil, fmt.Errorf("%w: none were given; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or write them to ~/.aws/credentials", ErrCredentials)
	}
	return c, nil
}

// Dial connects to loc with the credentials of the environment. It does
// not contact the object store yet.
func Dial(loc Location) (*Client, error) {
	creds, err := credentialsFromEnvironment()
	if err != nil {
		return nil, err
	}
	ep := loc.Endpoint
	if ep == "" {
		ep = DefaultEndpoint
	}
	u, err := url.Parse(ep)
	if err != nil {
		return nil, err
	}
	mc, err := minio.New(u.Host, &minio.Options{Creds: creds, Secure: u.Scheme == "https", Region: os.Getenv("AWS_REGION")})
	if err != nil {
		return nil, err
	}
	return &Client{Loc: loc, mc: mc}, nil
}

func (c *Client) key(name string) string { return c.Loc.Prefix + name }

// plain turns the object store's errors into sentences.
func (c *Client) plain(err error, doing string) error {
	if err == nil {
		return nil
	}
	var r minio.ErrorResponse
	if errors.As(err, &r) {
		switch r.Code {
		case "InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "InvalidToken", "ExpiredToken":
			return fmt.Errorf("%w while %s at %s (%s)", ErrCredentials, doing, c.Loc.URL(), r.Code)
		case "NoSuchBucket":
			return fmt.Errorf("the bucket %s does not exist (%s)", c.Loc.Bucket, doing)
		}
		return fmt.Errorf("the object store answered %q while %s at %s", r.Code, doing, c.Loc.URL())
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	return fmt.Errorf("could not reach the object store while %s at %s: %w", doing, c.Loc.URL(), err)
}

// EnsureBucket creates the bucket when it is missing.
func (c *Client) EnsureBucket(ctx context.Context) error {
	ok, err := c.mc.BucketExists(ctx, c.Loc.Bucket)
	if err != nil {
		return c.plain(err, "looking for the bucket")
	}
	if ok {
		return nil
	}
	err = c.mc.MakeBucket(ctx, c.Loc.Bucket, minio.MakeBucketOptions{Region: os.Getenv("AWS_REGION")})
	if err != nil {
		if r := minio.ToErrorResponse(err); r.Code == "BucketAlreadyOwnedByYou" {
			return nil
		}
	}
	return c.plain(err, "creating the bucket")
}
