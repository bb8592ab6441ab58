package e2e_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/custody-app/custody/app/cli"
	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/keys"
)

// The command-line crash tests: a child process (this test binary,
// TestHelperCLIChild) runs custody commands, as the built program would,
// and is killed with SIGKILL at a random moment. Right after each kill,
// the read-only commands must work at once, the archive must verify
// INTACT (its log consistent), and running the command again must
// complete. After a killed passphrase change exactly one of the two
// passphrases opens the archive, for reading and for writing.
//
// A few kills of each command run always; CUSTODY_LONG=1 (make long)
// runs crashRoundsLong of each.

const (
	cliChildArgs = "CUSTODY_TEST_CLI_ARGS" // the commands, one per line, fields separated by tabs
	crashRounds  = 2
	// crashRoundsLong is the rounds of each command in the long suite.
	crashRoundsLong = 20
)

// TestHelperCLIChild runs the commands in $CUSTODY_TEST_CLI_ARGS one after
// another, printing "RAN <exit code>" after each.
func TestHelperCLIChild(t *testing.T) {
	spec := os.Getenv(cliChildArgs)
	if spec == "" {
		t.Skip("runs only as the child of the command-line crash tests")
	}
	for _, line := range strings.Split(spec, "\n") {
		env := &cli.Env{Stdin: strings.NewReader(""), Stdout: os.Stderr, Stderr: os.Stderr, ScryptLogN: keys.MinScryptLogN}
		fmt.Printf("RAN %d\n", cli.Run(env, strings.Split(line, "\t")))
	}
}

func crashRoundsFor() int {
	if os.Getenv("CUSTODY_LONG") != "" {
		return crashRoundsLong
	}
	return crashRounds
}

// cliFixture is a closed archive to copy for each round, with what the
// commands need.
type cliFixture struct {
	arc, src, bundle, derived string
	pass, newPass             string // passphrase files
	doc                       string // a document's ID
}

func newCLIFixture(t *testing.T) cliFixture {
	t.Helper()
	root := t.TempDir()
	f := cliFixture{arc: filepath.Join(root, "arc"), src: filepath.Join(root, "src"), bundle: filepath.Join(root, "in.zip"),
		derived: filepath.Join(root, "derived.txt"), pass: filepath.Join(root, "pass"), newPass: filepath.Join(root, "newpass")}
	os.WriteFile(f.pass, []byte(archivetest.Passphrase), 0o600)
	os.WriteFile(f.newPass, []byte("a new passphrase, never the old"), 0o600)
	os.WriteFile(f.derived, []byte("a derived document\n"), 0o600)
	crashTree().Write(t, f.src)

	// The bundle to receive comes from another archive.
	other := filepath.Join(root, "other")
	otherSrc := filepath.Join(root, "othersrc")
	archivetest.Tree{Sizes: archivetest.Mixed(9, 120), Seed: 9}.Write(t, otherSrc)
	f.must(t, other, "import", "--source", "other desk", otherSrc)
	f.must(t, other, "bundle", "create", "--out", f.bundle, "--all")

	seed := filepath.Join(root, "seed")
	archivetest.Tree{Sizes: []int64{100, 5000, 70000}, Seed: 3}.Write(t, seed)
	f.must(t, f.arc, "import", "--source", "first", seed)
	out := f.must(t, f.arc, "ls", "--json")
	i := strings.Index(out, `"id": "`)
	if i < 0 || len(out) < i+7+64 {
		t.Fatalf("ls --json: %s", out)
	}
	f.doc = out[i+7 : i+7+64]
	return f
}

// run runs one command in this process on the archive in dir.
func (f cliFixture) run(dir, passFile string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, ScryptLogN: keys.MinScryptLogN}
	code = cli.Run(env, append([]string{"--archive", dir, "--passphrase-file", passFile}, args...))
	return code, out.String(), errb.String()
}

func (f cliFixture) must(t *testing.T, dir string, args ...string) string {
	t.Helper()
	code, out, errs := f.run(dir, f.pass, args...)
	if code != 0 {
		t.Fatalf("custody %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// crashOp is a command (or a burst of them) to kill.
type crashOp struct {
	name string
	cmds func(f cliFixture, dir string) [][]string
}

// bundles numbers the bundles the crash tests write.
var bundles int

func crashOps() []crashOp {
	return []crashOp{
		{"import", func(f cliFixture, dir string) [][]string {
			return [][]string{{"import", "--source", "crash", f.src}}
		}},
		{"bundle receive", func(f cliFixture, dir string) [][]string {
			return [][]string{{"bundle", "receive", "--force", f.bundle}}
		}},
		{"tag, note and derive", func(f cliFixture, dir string) [][]string {
			var c [][]string
			for i := range 6 {
				c = append(c, []string{"tag", f.doc, "t" + strconv.Itoa(i)},
					[]string{"note", f.doc, "note " + strconv.Itoa(i)},
					[]string{"derive", "--from", f.doc, "--kind", "conversion", "--note", strconv.Itoa(i), f.derived})
			}
			return c
		}},
		{"bundle create", func(f cliFixture, dir string) [][]string {
			// A new name each time: a bundle never replaces one.
			bundles++
			return [][]string{{"bundle", "create", "--out", filepath.Join(filepath.Dir(dir), fmt.Sprintf("out%d.zip", bundles)), "--all"}}
		}},
		{"passphrase", func(f cliFixture, dir string) [][]string {
			return [][]string{{"passphrase"}}
		}},
	}
}

// killChild runs cmds in a child on dir and kills it after wait; it
// reports whether the child finished first.
func killChild(t *testing.T, f cliFixture, dir string, cmds [][]string, wait time.Duration) bool {
	t.Helper()
	var lines []string
	for _, c := range cmds {
		lines = append(lines, strings.Join(append([]string{"--archive", dir, "--passphrase-file", f.pass}, c...), "\t"))
	}
	newPass, _ := os.ReadFile(f.newPass)
	cmd := archivetest.Child("TestHelperCLIChild", cliChildArgs+"="+strings.Join(lines, "\n"),
		"NEW_CUSTODY_PASSPHRASE="+string(newPass))
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	select {
	case <-exited:
	case <-time.After(wait):
		cmd.Process.Signal(syscall.SIGKILL)
		<-exited
	}
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ws.Signaled() && strings.Contains(out.String(), "RAN 2") {
		t.Errorf("a command failed before the kill: %s", out.String())
	}
	return !ws.Signaled()
}

// writeAheadLeft reports whether the store holds write-ahead files with
// data: what a kill leaves, and what Badger's read-only mode refuses.
func writeAheadLeft(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, archive.StoreDir, "*.mem"))
	for _, p := range m {
		if fi, err := os.Stat(p); err == nil && fi.Size() > 0 {
			return true
		}
	}
	return false
}

func TestKillCommandsThenRead(t *testing.T) {
	f := newCLIFixture(t)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("CUSTODY_CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (CUSTODY_CRASH_SEED)", seed)
	r := rand.New(rand.NewPCG(seed, 2))
	rounds := crashRoundsFor()
	newPass, _ := os.ReadFile(f.newPass)
	t.Setenv("NEW_CUSTODY_PASSPHRASE", string(newPass))
	for _, op := range crashOps() {
		t.Run(op.name, func(t *testing.T) {
			// How long the commands take when not killed: the kills
			// land within that.
			dir := filepath.Join(t.TempDir(), "arc")
			os.MkdirAll(dir, 0o700)
			copyTree(t, f.arc, dir)
			start := time.Now()
			if !killChild(t, f, dir, op.cmds(f, dir), time.Minute) {
				t.Fatal("the commands did not finish within a minute")
			}
			span := time.Since(start)
			t.Logf("%s takes %v when not killed", op.name, span.Round(time.Millisecond))
			killed, walLeft, newOpens, tmpLeft := 0, 0, 0, 0
			for round := range rounds {
				dir := filepath.Join(t.TempDir(), "arc")
				os.MkdirAll(dir, 0o700)
				copyTree(t, f.arc, dir)
				wait := time.Duration(r.Int64N(int64(span))) + time.Millisecond
				if op.name == "passphrase" {
					// Its writing is at the very end: aim there.
					wait = span/2 + time.Duration(r.Int64N(int64(span)*3/4))
				}
				finished := killChild(t, f, dir, op.cmds(f, dir), wait)
				if !finished {
					killed++
				}
				if writeAheadLeft(dir) {
					walLeft++
				}
				if tmp, _ := filepath.Glob(filepath.Join(dir, ".identity-*.tmp")); len(tmp) > 0 {
					tmpLeft++
				}
				pass := checkAfterKill(t, f, dir, op.name == "passphrase")
				if pass == f.newPass {
					newOpens++
				}
				// A bundle that exists is whole: it is written under a
				// temporary name and renamed when complete.
				zips, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), "*.zip"))
				for _, z := range zips {
					if code, out, errs := f.run(dir, pass, "bundle", "verify", z); code != 0 {
						t.Errorf("round %d: a bundle left by the killed command does not verify: exit %d\n%s%s", round, code, tail(out), errs)
					}
				}
				if t.Failed() {
					t.Fatalf("round %d (killed after %v, finished %v)", round, wait, finished)
				}
				// The command completes when run again.
				for _, c := range op.cmds(f, dir) {
					if op.name == "passphrase" && pass == f.newPass {
						continue // changed already
					}
					if code, out, errs := f.run(dir, pass, c...); code != 0 {
						t.Fatalf("round %d: custody %s again: exit %d\n%s%s", round, c[0], code, out, errs)
					}
				}
			}
			t.Logf("%s: %d of %d rounds killed before the end, %d left write-ahead files, %d a temporary identity file, %d opened with the new passphrase afterwards",
				op.name, killed, rounds, walLeft, tmpLeft, newOpens)
		})
	}
}

// checkAfterKill runs the read-only commands on the archive a child was
// killed in, and the writing one, and returns the passphrase file that
// opens it.
func checkAfterKill(t *testing.T, f cliFixture, dir string, passphraseChanged bool) string {
	t.Helper()
	pass := f.pass
	if passphraseChanged {
		var opens []string
		for _, p := range []string{f.pass, f.newPass} {
			code, _, errs := f.run(dir, p, "ls")
			switch {
			case code == 0:
				opens = append(opens, p)
			case !strings.Contains(errs, "wrong passphrase"):
				t.Errorf("ls with the %s passphrase: exit %d: %s", filepath.Base(p), code, errs)
			}
		}
		if len(opens) != 1 {
			t.Errorf("after a killed passphrase change, %d passphrases open the archive for reading", len(opens))
			return pass
		}
		pass = opens[0]
		if tmp, _ := filepath.Glob(filepath.Join(dir, ".identity-*.tmp")); len(tmp) != 0 {
			t.Errorf("temporary identity files left after the next open: %v", tmp)
		}
	}
	for _, args := range [][]string{{"ls"}, {"log"}, {"cat", f.doc}, {"verify"}} {
		code, out, errs := f.run(dir, pass, args...)
		if code != 0 {
			t.Errorf("custody %s right after the kill: exit %d\n%s%s", args[0], code, tail(out), errs)
		}
		if strings.Contains(errs, "truncate") || strings.Contains(errs, "Badger") {
			t.Errorf("custody %s shows the store's own words: %s", args[0], errs)
		}
	}
	if passphraseChanged {
		other := f.pass
		if pass == f.pass {
			other = f.newPass
		}
		if code, _, _ := f.run(dir, other, "tag", f.doc, "other"); code == 0 {
			t.Error("the passphrase that does not open the archive for reading opens it for writing")
		}
		if code, out, errs := f.run(dir, pass, "tag", f.doc, "after"); code != 0 {
			t.Errorf("tag with the passphrase that opens: exit %d\n%s%s", code, out, errs)
		}
	}
	return pass
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}

// copyTree copies the folder from into to, recursively.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	cmd := exec.Command("cp", "-a", from+"/.", to)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("copying the fixture: %v\n%s", err, out)
	}
}
