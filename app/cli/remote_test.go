package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive/remote/seaweedtest"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// remoteSource writes one file of size bytes into a new folder and
// returns the folder and the file's document ID.
func remoteSource(t *testing.T, name string, size int) (string, string) {
	t.Helper()
	src := t.TempDir()
	b := make([]byte, size)
	rand.Read(b)
	if err := os.WriteFile(filepath.Join(src, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return src, hex.EncodeToString(sum[:])
}

// packFiles lists an archive's pack files, oldest first.
func packFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "packs", "*.pack"))
	sort.Strings(m)
	return m
}

// TestRemoteDoneWhen is issue 18's acceptance against SeaweedFS on
// loopback: push; clone gives an archive whose verify exits 0 and whose
// log equals the original's; repair --from-remote fixes a locally
// damaged document; then, with one object deleted and another damaged on
// the remote, verify --remote exits 1 naming both documents.
func TestRemoteDoneWhen(t *testing.T) {
	srv := seaweedtest.Shared(t)
	dir := filepath.Join(t.TempDir(), "arc")
	if _, e, code := run(t, dir, "init"); code != 0 {
		t.Fatalf("init: %s", e)
	}
	// Two imports, one document each: two pack files, one per document.
	srcA, idA := remoteSource(t, "alpha.bin", 300_000)
	srcB, idB := remoteSource(t, "beta.bin", 200_000)
	for _, src := range []string{srcA, srcB} {
		if out, e, code := run(t, dir, "import", src); code != 0 {
			t.Fatalf("import: %s %s", out, e)
		}
	}
	os.WriteFile(filepath.Join(srcA, "memo.txt"), []byte("a small memo"), 0o644)
	run(t, dir, "import", srcA)
	packs := packFiles(t, dir)
	if len(packs) != 2 {
		t.Fatalf("%d pack files, want 2", len(packs))
	}
	url := "s3://custody-cli-test/" + strings.ToLower(t.Name())
	if out, e, code := run(t, dir, "remote", "add", "origin", url, "--endpoint", srv.Endpoint); code != 0 {
		t.Fatalf("remote add: %s %s", out, e)
	}
	if out, e, code := run(t, dir, "push"); code != 0 || !strings.Contains(out, "2 pack files uploaded") {
		t.Fatalf("push: %d %s %s", code, out, e)
	}
	origLog, _, _ := run(t, dir, "log", "--json")
	if !strings.Contains(origLog, "push to remote origin") {
		t.Fatalf("no push event in the log:\n%s", origLog)
	}

	clone := filepath.Join(t.TempDir(), "clone")
	if out, e, code := run(t, dir, "clone", "--endpoint", srv.Endpoint, url, clone); code != 0 {
		t.Fatalf("clone: %s %s", out, e)
	}
	if cloneLog, _, _ := run(t, clone, "log", "--json"); cloneLog != origLog {
		t.Fatalf("the clone's log differs:\n%s\nfrom:\n%s", cloneLog, origLog)
	}
	if out, e, code := run(t, clone, "verify"); code != 0 {
		t.Fatalf("verify of the clone: %d %s %s", code, out, e)
	}
	if out, _, code := run(t, dir, "verify", "--remote", "origin"); code != 0 || !strings.Contains(out, "Recorded in the log") {
		t.Fatalf("verify --remote of an intact copy: %d %s", code, out)
	}

	// Local damage, repaired from the remote.
	flipMiddle(t, packs[1])
	if out, _, code := run(t, dir, "verify"); code != 1 || !strings.Contains(out, idB) {
		t.Fatalf("verify after local damage: %d %s", code, out)
	}
	if out, e, code := run(t, dir, "repair", "--from-remote", "origin"); code != 0 || !strings.Contains(out, "repaired  "+idB) {
		t.Fatalf("repair --from-remote: %d %s %s", code, out, e)
	}
	if out, _, code := run(t, dir, "verify"); code != 0 {
		t.Fatalf("verify after the repair: %d %s", code, out)
	}
	if l, _, _ := run(t, dir, "log", "--json"); !strings.Contains(l, "remote copy s3://custody-cli-test/") {
		t.Fatalf("the repair event does not name the remote:\n%s", l)
	}

	// The repaired bytes are in a new pack file: the next push sends it.
	if out, e, code := run(t, dir, "push"); code != 0 || !strings.Contains(out, "1 pack file uploaded") {
		t.Fatalf("push after the repair: %d %s %s", code, out, e)
	}
	packs = packFiles(t, dir)
	if len(packs) != 3 {
		t.Fatalf("%d pack files after the repair, want 3", len(packs))
	}
	packs = []string{packs[0], packs[2]}

	// Remote damage: alpha's pack deleted, beta's damaged.
	mc, err := minio.New(strings.TrimPrefix(srv.Endpoint, "http://"), &minio.Options{Creds: credentials.NewStaticV4(seaweedtest.AccessKey, seaweedtest.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	prefix := strings.ToLower(t.Name()) + "/packs/"
	if err := mc.RemoveObject(ctx, "custody-cli-test", prefix+filepath.Base(packs[0]), minio.RemoveObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	obj, err := mc.GetObject(ctx, "custody-cli-test", prefix+filepath.Base(packs[1]), minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.ReadFrom(obj)
	obj.Close()
	b := buf.Bytes()
	b[len(b)/2] ^= 0xff
	if _, err := mc.PutObject(ctx, "custody-cli-test", prefix+filepath.Base(packs[1]), bytes.NewReader(b), int64(len(b)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	out, e, code := run(t, dir, "verify", "--remote", "origin")
	if code != 1 {
		t.Fatalf("verify --remote after damage: exit %d\n%s%s", code, out, e)
	}
	for _, want := range []string{"CHUNK_MISSING", idA, "CHUNK_CORRUPT", idB, "Recorded in the log"} {
		if !strings.Contains(out, want) {
			t.Errorf("verify --remote does not say %s:\n%s", want, out)
		}
	}
	if l, _, _ := run(t, dir, "remote", "list"); !strings.Contains(l, "origin\t"+url) || !strings.Contains(l, "CORRUPT") {
		t.Errorf("remote list: %s", l)
	}
}

// flipMiddle flips one byte in the middle of a file.
func flipMiddle(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRemoteWrongCredentials: a refused key is one plain sentence with
// the hint, exit 2, and no remote is remembered.
func TestRemoteWrongCredentials(t *testing.T) {
	srv := seaweedtest.Shared(t)
	dir := filepath.Join(t.TempDir(), "arc")
	run(t, dir, "init", "--no-encrypt")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong")
	_, e, code := run(t, dir, "remote", "add", "origin", "s3://custody-cli-test/x", "--endpoint", srv.Endpoint)
	if code != 2 || !strings.Contains(e, "the object store refused the credentials") || !strings.Contains(e, "AWS_SECRET_ACCESS_KEY") {
		t.Fatalf("wrong credentials: %d %s", code, e)
	}
	if out, _, _ := run(t, dir, "remote", "list"); !strings.Contains(out, "No remote") {
		t.Fatalf("remote list: %s", out)
	}
}
