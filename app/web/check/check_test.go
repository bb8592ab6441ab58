package check_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/app/cli"
	"github.com/custody-app/custody/app/web/check"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/tsa/tsatest"
	"golang.org/x/mod/sumdb/note"
)

// custody runs the command line in-process in dir.
func custody(t *testing.T, dir, archiveDir string, args ...string) (string, int) {
	t.Helper()
	t.Setenv("CUSTODY_PASSPHRASE", archivetest.Passphrase)
	if dir != "" {
		t.Chdir(dir)
	}
	var out, errb bytes.Buffer
	code := cli.Run(&cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Archive: archiveDir, ScryptLogN: keys.MinScryptLogN}, args)
	if code > 2 {
		t.Fatalf("custody %v: exit %d: %s", args, code, errb.String())
	}
	return out.String(), code
}

// folder reads a folder as the page gets it from a picker: every regular
// file, by a path that starts with the folder's name.
func folder(t *testing.T, dir string) []check.Entry {
	t.Helper()
	var out []check.Entry
	top := filepath.Base(dir)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		t.Cleanup(func() { f.Close() })
		fi, _ := f.Stat()
		rel, _ := filepath.Rel(dir, p)
		out = append(out, check.Entry{Path: top + "/" + filepath.ToSlash(rel), Size: fi.Size(), Data: f})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// runFolder checks a folder as the page does.
func runFolder(t *testing.T, dir string) *check.Outcome {
	t.Helper()
	files := folder(t, dir)
	name := check.TopFolder(files)
	out, err := check.Run(context.Background(), check.Input{Subject: name, Files: files})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFolderAsTheCLI checks a bundle folder as the page reads a folder
// (a list of files) and compares the --json bytes with the CLI's.
func TestFolderAsTheCLI(t *testing.T) {
	arc := filepath.Join(t.TempDir(), "sender")
	src := filepath.Join(t.TempDir(), "leak")
	os.MkdirAll(filepath.Join(src, "mail"), 0o755)
	os.WriteFile(filepath.Join(src, "mail", "1.eml"), []byte("Subject: one\r\n\r\nbody\r\n"), 0o644)
	os.WriteFile(filepath.Join(src, "memo.txt"), []byte("the memo\n"), 0o644)
	custody(t, "", arc, "import", src)
	dir := t.TempDir()
	if _, code := custody(t, "", arc, "bundle", "create", "--out", filepath.Join(dir, "bag"), "--all"); code != 0 {
		t.Fatal("bundle create")
	}
	for _, tamper := range []bool{false, true} {
		if tamper {
			os.WriteFile(filepath.Join(dir, "bag", "data", "leak", "memo.txt"), []byte("the Memo\n"), 0o644)
		}
		want, _ := custody(t, dir, "", "bundle", "verify", "--no-archive", "--json", "bag")
		got := runFolder(t, filepath.Join(dir, "bag"))
		if string(got.JSON) != want {
			t.Errorf("tampered %v: the folder check's JSON differs:\n%s\nCLI:\n%s", tamper, got.JSON, want)
		}
		if v := string(got.Verdict); (v == "TAMPERED") != tamper {
			t.Errorf("tampered %v: verdict %s", tamper, v)
		}
	}
}

// TestConformanceFoldersAsTheCLI runs every bag of the shared BagIt
// conformance suite through the folder reader and compares with the CLI.
func TestConformanceFoldersAsTheCLI(t *testing.T) {
	root := conformanceDir(t)
	list, err := os.Open(filepath.Join(root, "expected.tsv"))
	if err != nil {
		t.Skipf("conformance bags not found at %s (set CUSTODY_BAGIT_CONFORMANCE): skipping", root)
	}
	defer list.Close()
	sc := bufio.NewScanner(list)
	n := 0
	for sc.Scan() {
		rel, _, _ := strings.Cut(sc.Text(), "\t")
		if rel == "" || strings.HasPrefix(rel, "#") {
			continue
		}
		dir := filepath.Join(root, filepath.FromSlash(rel))
		if _, err := os.Stat(dir); err != nil {
			continue
		}
		n++
		t.Run(rel, func(t *testing.T) {
			want, _ := custody(t, filepath.Dir(dir), "", "bundle", "verify", "--no-archive", "--json", filepath.Base(dir))
			got := runFolder(t, dir)
			if string(got.JSON) != want {
				t.Errorf("the folder check's JSON differs:\n%s\nCLI:\n%s", got.JSON, want)
			}
		})
	}
	if n == 0 {
		t.Fatal("expected.tsv lists no bag that exists")
	}
}

func conformanceDir(t *testing.T) string {
	if d := os.Getenv("CUSTODY_BAGIT_CONFORMANCE"); d != "" {
		return d
	}
	wd, _ := os.Getwd()
	return filepath.Join(wd, "..", "..", "..", "..", "shared", "conformance", "bagit")
}

func TestParseKeys(t *testing.T) {
	shown := "Archivist:    Bo\nOrganisation: X\nFingerprint:  ABCD\nVerifier key: %s\nLog origin:   o\n\nGive the verifier key to people who check your bundles; read the fingerprint aloud to confirm it.\n"
	_, pub, err := note.GenerateKey(rand.Reader, "bo")
	if err != nil {
		t.Fatal(err)
	}
	got, err := check.ParseKeys(strings.Replace(shown, "%s", pub, 1) + "\n# a comment\n" + pub + "\n")
	if err != nil || len(got) != 1 || got[0].VerifierKey != pub {
		t.Fatalf("ParseKeys: %v %+v", err, got)
	}
	if _, err := check.ParseKeys("not a key\n"); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("a bad line gives %v", err)
	}
}

// TestTimestampsAsTheCLI: a stamped bundle checked by the page with the
// TSA's root pasted among the keys gives the CLI's --tsa-roots JSON.
func TestTimestampsAsTheCLI(t *testing.T) {
	ts := tsatest.Start(t, "Loopback TSA")
	arc := filepath.Join(t.TempDir(), "sender")
	src := filepath.Join(t.TempDir(), "leak")
	os.MkdirAll(src, 0o755)
	os.WriteFile(filepath.Join(src, "memo.txt"), []byte("the memo\n"), 0o644)
	custody(t, "", arc, "import", src)
	if _, code := custody(t, "", arc, "timestamp", "--tsa", ts.URL); code != 0 {
		t.Fatal("timestamp --tsa")
	}
	dir := t.TempDir()
	if _, code := custody(t, "", arc, "bundle", "create", "--out", filepath.Join(dir, "bag"), "--all"); code != 0 {
		t.Fatal("bundle create")
	}
	want, _ := custody(t, dir, "", "bundle", "verify", "--no-archive", "--json", "--tsa-roots", ts.RootsFile, "bag")
	files := folder(t, filepath.Join(dir, "bag"))
	got, err := check.Run(context.Background(), check.Input{Subject: check.TopFolder(files), Files: files, Keys: "\n" + string(ts.Roots)})
	if err != nil {
		t.Fatal(err)
	}
	if string(got.JSON) != want || !strings.Contains(want, `"trusted": true`) || !strings.Contains(want, "per Loopback TSA") {
		t.Errorf("the page's JSON differs or is not trusted:\n%s\nCLI:\n%s", got.JSON, want)
	}
}
