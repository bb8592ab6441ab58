// Package seaweedtest starts a real SeaweedFS S3 gateway on loopback for
// the tests of remote copies, once per test binary: `weed server -s3`,
// built from its Go module by scripts/seaweedfs and cached between runs.
//
// A test calls Shared, which starts the server the first time (or says
// why it cannot) and returns where it listens; the package's TestMain
// calls Stop after the tests. Tests skip with the reason when the binary
// is not there, and fail instead when CUSTODY_REQUIRE_TOOLS=1 (CI).
package seaweedtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Version is the SeaweedFS module version scripts/seaweedfs builds.
const Version = "v0.0.0-20261109003541-7506e5f91cd6"

// The credentials the server accepts (its -s3.config identity).
const (
	AccessKey = "custodytest"
	SecretKey = "custody-test-secret-key-0123456789"
)

// Binary is where scripts/seaweedfs caches the weed binary.
func Binary() string {
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache")
	}
	return filepath.Join(cache, "custody", "seaweedfs-"+Version, "weed")
}

// Server is a running weed server.
type Server struct {
	Endpoint string // http://127.0.0.1:PORT, the S3 gateway
	cmd      *exec.Cmd
	dir      string
	exited   chan struct{}
}

var (
	once    sync.Once
	shared  *Server
	failure error
)

// Shared returns the package's server, starting it on first use; it
// skips the test (fails it under CUSTODY_REQUIRE_TOOLS=1) when the
// engine cannot run here. It sets the AWS credential variables for the
// test to the server's.
func Shared(t testing.TB) *Server {
	t.Helper()
	once.Do(func() { shared, failure = start() })
	if failure != nil {
		if os.Getenv("CUSTODY_REQUIRE_TOOLS") == "1" {
			t.Fatalf("SeaweedFS is needed (run scripts/seaweedfs): %v", failure)
		}
		t.Skipf("SeaweedFS cannot run here (run scripts/seaweedfs to build it): %v", failure)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", SecretKey)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	return shared
}

// Stop stops the shared server, if one was started, by its PID.
func Stop() {
	if shared != nil {
		shared.stop()
		shared = nil
	}
}

func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

const s3Config = `{"identities":[{"name":"custody","credentials":[{"accessKey":%q,"secretKey":%q}],"actions":["Admin","Read","List","Tagging","Write"]}]}`

func start() (*Server, error) {
	bin := Binary()
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("no weed binary at %s", bin)
	}
	dir, err := os.MkdirTemp("", "custody-seaweedfs-")
	if err != nil {
		return nil, err
	}
	conf := filepath.Join(dir, "s3.json")
	if err := os.WriteFile(conf, fmt.Appendf(nil, s3Config, AccessKey, SecretKey), 0o600); err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	os.Mkdir(data, 0o700)
	p, err := freePorts(8)
	if err != nil {
		return nil, err
	}
	s := &Server{Endpoint: "http://127.0.0.1:" + strconv.Itoa(p[6]), dir: dir, exited: make(chan struct{})}
	log, err := os.Create(filepath.Join(dir, "weed.log"))
	if err != nil {
		return nil, err
	}
	s.cmd = exec.Command(bin, "server", "-s3", "-dir", data, "-ip", "127.0.0.1", "-ip.bind", "127.0.0.1",
		"-master.port", strconv.Itoa(p[0]), "-master.port.grpc", strconv.Itoa(p[1]),
		"-volume.port", strconv.Itoa(p[2]), "-volume.port.grpc", strconv.Itoa(p[3]),
		"-filer.port", strconv.Itoa(p[4]), "-filer.port.grpc", strconv.Itoa(p[5]),
		"-s3.port", strconv.Itoa(p[6]), "-s3.port.grpc", strconv.Itoa(p[7]),
		"-s3.port.iceberg", "0", "-s3.port.lance", "0",
		"-s3.config", conf, "-master.volumeSizeLimitMB", "256", "-volume.max", "0")
	s.cmd.Stdout, s.cmd.Stderr = log, log
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	go func() { s.cmd.Wait(); log.Close(); close(s.exited) }()
	if err := s.ready(90 * time.Second); err != nil {
		tail, _ := os.ReadFile(filepath.Join(dir, "weed.log"))
		if len(tail) > 2000 {
			tail = tail[len(tail)-2000:]
		}
		s.stop()
		return nil, fmt.Errorf("%w; its log ends:\n%s", err, tail)
	}
	return s, nil
}

// ready waits until the S3 gateway answers a request (unsigned requests
// get 403 once it is up) and can create a bucket.
func (s *Server) ready(limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.Endpoint+"/", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 && s.canStore(ctx) == nil {
				return nil
			}
		}
		select {
		case <-s.exited:
			return errors.New("weed server exited at start")
		case <-ctx.Done():
			return fmt.Errorf("weed server did not answer within %s", limit)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// canStore creates a bucket and stores an object in it: the volume
// server and the filer are up too.
func (s *Server) canStore(ctx context.Context) error {
	mc, err := minio.New(strings.TrimPrefix(s.Endpoint, "http://"), &minio.Options{Creds: credentials.NewStaticV4(AccessKey, SecretKey, "")})
	if err != nil {
		return err
	}
	if err := mc.MakeBucket(ctx, "custody-ready", minio.MakeBucketOptions{}); err != nil && minio.ToErrorResponse(err).Code != "BucketAlreadyOwnedByYou" {
		return err
	}
	_, err = mc.PutObject(ctx, "custody-ready", "ready", strings.NewReader("ready"), 5, minio.PutObjectOptions{})
	return err
}

func (s *Server) stop() {
	if s.cmd.Process != nil {
		s.cmd.Process.Signal(os.Interrupt)
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			<-s.exited
		}
	}
	os.RemoveAll(s.dir)
}
