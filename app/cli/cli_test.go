package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/keys"
)

// run runs one command against archive dir and returns stdout, stderr and
// the exit code.
func run(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Archive: dir, ScryptLogN: keys.MinScryptLogN,
		ask: func(string) ([]byte, error) { return []byte(archivetest.Passphrase), nil }}
	code := Run(env, args)
	return out.String(), errb.String(), code
}

func TestCommandsEndToEnd(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "arc")
	src := t.TempDir()
	memo := []byte("Subject: hello\r\nFrom: a@example.org\r\nTo: b@example.org\r\n\r\nbody\r\n")
	os.WriteFile(filepath.Join(src, "memo.eml"), memo, 0o644)
	os.WriteFile(filepath.Join(src, "again.eml"), memo, 0o644)
	s := sha256.Sum256(memo)
	id := hex.EncodeToString(s[:])

	if _, e, code := run(t, dir, "init"); code != 0 {
		t.Fatalf("init: %d %s", code, e)
	}
	if _, e, code := run(t, dir, "init"); code != 2 || !strings.Contains(e, "already an archive") {
		t.Fatalf("second init: %d %s", code, e)
	}
	out, e, code := run(t, dir, "import", "--source", "tip line", src)
	if code != 0 || !strings.Contains(out, "Imported 1 new document") || !strings.Contains(out, "1 file already present") {
		t.Fatalf("import: %d %q %q", code, out, e)
	}
	out, _, code = run(t, dir, "ls", "--json")
	var list []listEntry
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list) != 1 || list[0].ID != id ||
		list[0].MediaType != "message/rfc822" || list[0].Source != "tip line" {
		t.Fatalf("ls --json: %d %v %s", code, err, out)
	}
	out, _, _ = run(t, dir, "ls")
	if !strings.HasPrefix(out, id+" ") {
		t.Fatalf("ls: %q", out)
	}
	out, _, code = run(t, dir, "show", id[:8])
	if code != 0 || !strings.Contains(out, "again.eml") || !strings.Contains(out, "memo.eml") {
		t.Fatalf("show: %d %s", code, out)
	}
	if _, e, code := run(t, dir, "show", "abc"); code != 2 || !strings.Contains(e, "at least 8") {
		t.Fatalf("show short prefix: %d %s", code, e)
	}
	out, _, code = run(t, dir, "cat", id)
	if code != 0 || out != string(memo) {
		t.Fatalf("cat: %d %q", code, out)
	}
	to := t.TempDir()
	if _, e, code := run(t, dir, "export", "--to", to, "--all"); code != 0 {
		t.Fatalf("export: %s", e)
	}
	matches, _ := filepath.Glob(filepath.Join(to, "*", "*.eml"))
	if len(matches) != 1 {
		t.Fatalf("exported files: %v", matches)
	}
	out, _, code = run(t, dir, "verify", "--json")
	var rep struct {
		Verdict  string
		Findings []any
	}
	if err := json.Unmarshal([]byte(out), &rep); code != 0 || err != nil || rep.Verdict != "INTACT" {
		t.Fatalf("verify: %d %v %s", code, err, out)
	}
}

func TestLockedArchiveExitsTwo(t *testing.T) {
	dir := t.TempDir()
	a, err := archive.Open(dir, archivetest.Options(true))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	_, e, code := run(t, dir, "ls")
	if code != 2 || !strings.Contains(e, "already open in another Custody window or command") || strings.Contains(e, "badger") {
		t.Fatalf("%d %q", code, e)
	}
}

func TestBadArguments(t *testing.T) {
	for _, args := range [][]string{{"frobnicate"}, {"import"}, {"export", "--all"}, {"ls", "--nope"}, {"show"}} {
		if _, _, code := run(t, t.TempDir(), args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
