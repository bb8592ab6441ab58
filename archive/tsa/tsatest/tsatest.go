// Package tsatest runs a real RFC 3161 time-stamping authority for tests:
// OpenSSL's `openssl ts -reply`, with its own root and a TSA certificate
// made by openssl in the test's temporary folder (critical extended key
// usage timeStamping), behind a Go HTTP server on loopback.
//
// Tests skip when openssl is missing, unless CUSTODY_REQUIRE_TOOLS is set
// (make test sets it), where a missing openssl fails them.
package tsatest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

// TSA is one running test authority.
type TSA struct {
	// URL is where it answers time-stamp queries (POST).
	URL string
	// Roots is its root certificate, PEM: what a verifier trusts.
	Roots []byte
	// RootsFile holds Roots, for flags that take a file.
	RootsFile string
	// Name is the common name of its signing certificate.
	Name string

	dir  string
	srv  *httptest.Server
	mu   sync.Mutex // openssl's serial file takes one reply at a time
	down atomic.Bool
	hits atomic.Int64
}

// Start makes a root and a TSA certificate named name and starts
// answering on loopback until the test ends.
func Start(t testing.TB, name string) *TSA {
	t.Helper()
	openssl := Need(t)
	dir := t.TempDir()
	a := &TSA{dir: dir, Name: name, RootsFile: filepath.Join(dir, "root.pem")}
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(openssl, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("openssl %v: %v\n%s", args, err, out)
		}
	}
	write := func(n, s string) {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("root.ext", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n")
	write("tsa.ext", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
	run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "root.key", "-out", "root.pem",
		"-subj", "/CN="+name+" Root", "-days", "3650", "-extensions", "v3_ca",
		"-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
	run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", "/CN="+name)
	run("x509", "-req", "-in", "tsa.csr", "-CA", "root.pem", "-CAkey", "root.key", "-set_serial", "2",
		"-out", "tsa.pem", "-days", "3650", "-extfile", "tsa.ext")
	write("serial", "01\n")
	write("ts.cnf", fmt.Sprintf(`[ tsa ]
default_tsa = tsa1
[ tsa1 ]
dir = %s
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/root.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`, dir))
	var err error
	if a.Roots, err = os.ReadFile(a.RootsFile); err != nil {
		t.Fatal(err)
	}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.reply(openssl, w, r)
	}))
	a.URL = a.srv.URL + "/tsr"
	t.Cleanup(a.srv.Close)
	return a
}

// Need returns openssl's path, skipping the test when it is missing
// (failing it when CUSTODY_REQUIRE_TOOLS is set).
func Need(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("CUSTODY_REQUIRE_TOOLS") != "" {
			t.Fatal("openssl is needed for the time-stamping tests (scripts/deps installs it)")
		}
		t.Skip("openssl not installed")
	}
	return p
}

// SetDown makes the TSA refuse every connection's request (HTTP 503 and
// a closed connection) until SetDown(false).
func (a *TSA) SetDown(down bool) { a.down.Store(down) }

// Hits counts the time-stamp queries answered with a token.
func (a *TSA) Hits() int64 { return a.hits.Load() }

func (a *TSA) reply(openssl string, w http.ResponseWriter, r *http.Request) {
	if a.down.Load() {
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				c.Close()
				return
			}
		}
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	q, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	qf, rf := filepath.Join(a.dir, "query.tsq"), filepath.Join(a.dir, "reply.tsr")
	if err := os.WriteFile(qf, q, 0o600); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var stderr bytes.Buffer
	cmd := exec.Command(openssl, "ts", "-reply", "-config", filepath.Join(a.dir, "ts.cnf"), "-queryfile", qf, "-out", rf)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		http.Error(w, "openssl ts -reply: "+err.Error()+": "+stderr.String(), http.StatusInternalServerError)
		return
	}
	b, err := os.ReadFile(rf)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	a.hits.Add(1)
	w.Header().Set("Content-Type", "application/timestamp-reply")
	w.Write(b)
}
