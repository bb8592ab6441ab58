package remote_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/remote"
	"github.com/custody-app/custody/archive/remote/seaweedtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	seaweedtest.Stop()
	os.Exit(code)
}

// bucket is shared by the tests; each uses its own prefix.
const bucket = "custody-remote-test"

func location(t *testing.T, srv *seaweedtest.Server) remote.Location {
	t.Helper()
	loc, err := remote.ParseURL("s3://"+bucket+"/"+strings.ToLower(t.Name()), srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// importSessions imports n folders of big files one after another, so
// the archive has at least n pack files, and some small files.
func importSessions(t *testing.T, a *archive.Archive, n int) {
	t.Helper()
	for i := range n {
		src := t.TempDir()
		for j := range 3 {
			b := make([]byte, 100_000+j*70_000)
			rand.Read(b)
			os.WriteFile(filepath.Join(src, fmt.Sprintf("big-%d-%d.bin", i, j)), b, 0o644)
		}
		os.WriteFile(filepath.Join(src, fmt.Sprintf("memo-%d.txt", i)), []byte(fmt.Sprintf("memo %d", i)), 0o644)
		if _, err := a.Import(context.Background(), []string{src}, archive.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

func packCount(t *testing.T, dir string) int {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, archive.PackDir, "*.pack"))
	return len(m)
}

// TestPushCloneSameLog: a push uploads every pack and the store; a clone
// made from it opens with the passphrase, holds every document with the
// same bytes, and its log equals the original's, push event included. A
// second push uploads no pack again.
func TestPushCloneSameLog(t *testing.T) {
	srv := seaweedtest.Shared(t)
	dir := filepath.Join(t.TempDir(), "arc")
	a := archivetest.Open(t, dir)
	importSessions(t, a, 2)
	ctx := context.Background()
	if err := remote.Add(ctx, a, "origin", location(t, srv)); err != nil {
		t.Fatal(err)
	}
	// Pushed from a later session, as the command line does.
	a.Close()
	a, err := archive.Open(dir, archivetest.Options(false))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	rec, err := remote.Push(ctx, a, "origin", remote.PushOptions{Passphrase: []byte(archivetest.Passphrase)})
	if err != nil {
		t.Fatal(err)
	}
	if packs := packCount(t, dir); rec.Packs != packs || rec.PacksThere != 0 || packs < 2 {
		t.Fatalf("first push: %+v, %d pack files here", rec, packs)
	}
	size, _ := a.LogSize()
	if rec.LogSize != size-1 {
		t.Fatalf("snapshot of %d events, log now %d (the push event after it)", rec.LogSize, size)
	}
	ev, _ := a.LogEvent(size - 1)
	if !bytes.Contains(ev, []byte("push to remote origin")) {
		t.Fatalf("last event: %s", ev)
	}
	docs := archivetest.AllDocs(t, a)
	root, _ := a.LogTreeHash(size)

	clone := filepath.Join(t.TempDir(), "clone")
	err = remote.Clone(ctx, location(t, srv), clone, remote.CloneOptions{Passphrase: []byte(archivetest.Passphrase), Store: archivetest.Config})
	if err != nil {
		t.Fatal(err)
	}
	b, err := archive.Open(clone, archivetest.Options(false))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if n, _ := b.LogSize(); n != size {
		t.Fatalf("clone's log has %d events, the original's %d", n, size)
	}
	if r, _ := b.LogTreeHash(size); r != root {
		t.Fatal("clone's log differs from the original's")
	}
	if got := archivetest.AllDocs(t, b); len(got) != len(docs) {
		t.Fatalf("clone holds %d documents, the original %d", len(got), len(docs))
	}
	for _, id := range docs {
		r, _, err := b.OpenDoc(id)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(r); err != nil {
			t.Fatalf("reading %x from the clone: %v", id[:4], err)
		}
	}
	if list, _ := remote.List(b); len(list) != 0 {
		t.Fatalf("the clone knows remotes: %+v", list)
	}
	again, err := remote.Push(ctx, a, "origin", remote.PushOptions{})
	if err != nil || again.Packs != 0 || again.PacksThere != rec.Packs {
		t.Fatalf("second push: %+v %v", again, err)
	}
	// A wrong passphrase opens nothing and leaves nothing.
	other := filepath.Join(t.TempDir(), "other")
	err = remote.Clone(ctx, location(t, srv), other, remote.CloneOptions{Passphrase: []byte("wrong"), Store: archivetest.Config})
	if !errors.Is(err, remote.ErrPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if _, err := os.Stat(other); !os.IsNotExist(err) {
		t.Fatalf("a failed clone left %s", other)
	}
}

// TestInterruptedPush: a push cancelled after its first pack file leaves
// no head (nothing to clone, no push event); run again, it uploads only
// the packs still missing, and the clone is whole.
func TestInterruptedPush(t *testing.T) {
	srv := seaweedtest.Shared(t)
	dir := filepath.Join(t.TempDir(), "arc")
	a := archivetest.Open(t, dir)
	importSessions(t, a, 4)
	packs := packCount(t, dir)
	loc := location(t, srv)
	if err := remote.Add(context.Background(), a, "origin", loc); err != nil {
		t.Fatal(err)
	}
	before, _ := a.LogSize()
	ctx, cancel := context.WithCancel(context.Background())
	_, err := remote.Push(ctx, a, "origin", remote.PushOptions{Passphrase: []byte(archivetest.Passphrase), Workers: 1,
		Uploaded: func(uint64) { cancel() }})
	if err == nil {
		t.Fatal("the cancelled push succeeded")
	}
	if n, _ := a.LogSize(); n != before {
		t.Fatalf("the cancelled push was recorded: %d events, %d before", n, before)
	}
	if err := remote.Clone(context.Background(), loc, filepath.Join(t.TempDir(), "c"), remote.CloneOptions{Passphrase: []byte(archivetest.Passphrase)}); !errors.Is(err, remote.ErrNoCopy) {
		t.Fatalf("clone of an unfinished push: %v", err)
	}
	rec, err := remote.Push(context.Background(), a, "origin", remote.PushOptions{Passphrase: []byte(archivetest.Passphrase)})
	if err != nil {
		t.Fatal(err)
	}
	if rec.PacksThere < 1 || rec.Packs+rec.PacksThere != packs || rec.Packs == 0 {
		t.Fatalf("resumed push: %+v of %d packs", rec, packs)
	}
	if err := remote.Clone(context.Background(), loc, filepath.Join(t.TempDir(), "c"), remote.CloneOptions{Passphrase: []byte(archivetest.Passphrase), Store: archivetest.Config}); err != nil {
		t.Fatal(err)
	}
}

// TestWrongCredentials: refused credentials are a plain sentence with
// the REMOTE_CREDENTIALS code, and nothing is remembered.
func TestWrongCredentials(t *testing.T) {
	srv := seaweedtest.Shared(t)
	a := archivetest.Open(t, filepath.Join(t.TempDir(), "arc"))
	t.Setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
	err := remote.Add(context.Background(), a, "origin", location(t, srv))
	if !errors.Is(err, remote.ErrCredentials) {
		t.Fatalf("wrong secret: %v", err)
	}
	if !strings.HasPrefix(err.Error(), "the object store refused the credentials while") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("message: %q", err)
	}
	if _, err := a.Remote("origin"); !errors.Is(err, archive.ErrNoRemote) {
		t.Fatalf("remembered after a refusal: %v", err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	if err := remote.Add(context.Background(), a, "origin", location(t, srv)); !errors.Is(err, remote.ErrCredentials) || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID") {
		t.Fatalf("no credentials: %v", err)
	}
}
