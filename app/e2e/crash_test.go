package e2e_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/custody-app/custody/app/cli"
	"github.com/custody-app/custody/app/e2e"
	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
)

// The crash tests run this test binary again as a child that opens an
// archive and imports (or just holds it open), and kill it with SIGKILL.
// These variables tell the child what to do.
const (
	childMode    = "CUSTODY_TEST_CHILD" // import | hold
	childArchive = "CUSTODY_TEST_ARCHIVE"
	childSource  = "CUSTODY_TEST_SOURCE"
	childBatch   = "CUSTODY_TEST_BATCH" // files per import call (0: all at once)
)

// crashTree has a few hundred files: mostly small, some up to a chunk,
// some of several chunks (written under a pending marker before their
// commit), and duplicates.
func crashTree() archivetest.Tree {
	r := rand.New(rand.NewPCG(5, 5))
	var sizes []int64
	for i := range 200 {
		switch {
		case i%20 == 7:
			sizes = append(sizes, archivetest.ChunkSize+r.Int64N(2*archivetest.ChunkSize))
		case i%5 == 1:
			sizes = append(sizes, 16<<10+r.Int64N(240<<10))
		default:
			sizes = append(sizes, r.Int64N(16<<10))
		}
	}
	return archivetest.Tree{Sizes: sizes, Dups: 10, Seed: 5}
}

// TestHelperImportChild is not a test of its own: it is the child process
// of the crash and disk-full tests. In "import" mode it imports the files
// under $CUSTODY_TEST_SOURCE a batch at a time, printing "ID <id>" for
// each committed document as soon as its batch returns, then "DONE"; on
// an error it prints "ERR <message>". In "hold" mode it prints "OPEN" and
// keeps the archive open until its standard input closes.
func TestHelperImportChild(t *testing.T) {
	mode := os.Getenv(childMode)
	if mode == "" {
		t.Skip("runs only as the child of a crash or disk-full test")
	}
	a, err := archive.Open(os.Getenv(childArchive), archivetest.Plain(false))
	if err != nil {
		fmt.Printf("ERR %v\n", err)
		return
	}
	defer a.Close()
	if mode == "hold" {
		fmt.Println("OPEN")
		io.Copy(io.Discard, os.Stdin)
		return
	}
	batch, _ := strconv.Atoi(os.Getenv(childBatch))
	src := os.Getenv(childSource)
	paths := []string{src}
	if batch > 0 {
		paths = archivetest.Paths(t, src)
	} else {
		batch = 1
	}
	for len(paths) > 0 {
		n := min(batch, len(paths))
		res, err := a.Import(context.Background(), paths[:n], archive.ImportOptions{Source: "child"})
		paths = paths[n:]
		var out bytes.Buffer
		for _, f := range res.Files {
			fmt.Fprintf(&out, "ID %s\n", f.ID)
		}
		os.Stdout.Write(out.Bytes())
		if err != nil {
			fmt.Printf("ERR %v\n", err)
			return
		}
	}
	fmt.Println("DONE")
}

// childRun is a started child and what it has printed so far.
type childRun struct {
	cmd   *exec.Cmd
	lines chan string // closed when the child's output ends
}

func startChild(t *testing.T, mode, dir, src string, batch int, stdin io.Reader) *childRun {
	t.Helper()
	cmd := archivetest.Child("TestHelperImportChild", childMode+"="+mode, childArchive+"="+dir,
		childSource+"="+src, childBatch+"="+strconv.Itoa(batch))
	cmd.Stdin = stdin
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &childRun{cmd: cmd, lines: make(chan string, 1024)}
	go func() {
		defer close(c.lines)
		s := bufio.NewScanner(out)
		for s.Scan() {
			c.lines <- s.Text()
		}
	}()
	return c
}

// TestKillDuringImport kills an importing process at random moments and
// checks, after each kill, that every document it reported is whole,
// that nothing half-written survives the next open, that the archive
// verifies INTACT, and that importing again completes the rest.
func TestKillDuringImport(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("CUSTODY_CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (set CUSTODY_CRASH_SEED=%d to replay the same kill times)", seed, seed)
	r := rand.New(rand.NewPCG(seed, 1))
	src := t.TempDir()
	files := crashTree().Write(t, src)
	sizes := map[string]int64{}
	for _, f := range files {
		sizes[f.Hex()] = f.Size
	}
	unique := archivetest.Unique(files)

	const rounds = 12
	killed := 0
	for round := range rounds {
		dir := t.TempDir()
		a, err := archive.Open(dir, archivetest.Plain(true))
		if err != nil {
			t.Fatal(err)
		}
		a.Close()

		// Half the rounds kill after a random number of reported
		// documents (so mid-batch, often mid-file), the rest after a
		// random time; one round in four within the first 60 ms, while
		// the child is still opening the store (a kill there once left
		// files Badger could not open again).
		afterIDs, afterTime := -1, time.Duration(0)
		switch round % 4 {
		case 0, 2:
			afterIDs = r.IntN(len(files))
		case 1:
			afterTime = time.Duration(20+r.IntN(380)) * time.Millisecond
		case 3:
			afterTime = time.Duration(1+r.IntN(60)) * time.Millisecond
		}
		c := startChild(t, "import", dir, src, 8, nil)
		printed, done := collectUntilKill(t, c, afterIDs, afterTime, time.Duration(r.IntN(30))*time.Millisecond)
		if !done {
			killed++
		}
		when := fmt.Sprintf("after %d documents", afterIDs)
		if afterIDs < 0 {
			when = "after " + afterTime.String()
		}
		if done {
			when = "too late (the import had finished)"
		}
		t.Logf("round %d: killed %s; %d documents reported committed", round, when, len(printed))
		checkAfterCrash(t, dir, src, printed, sizes, unique)
	}
	if killed < rounds/3 {
		t.Errorf("only %d of %d rounds were killed before the import finished; the kill times miss the import", killed, rounds)
	}
}

// collectUntilKill reads the child's IDs and kills it with SIGKILL after
// afterIDs IDs (plus extra) or after afterTime. done reports whether it
// had finished first.
func collectUntilKill(t *testing.T, c *childRun, afterIDs int, afterTime, extra time.Duration) (ids []string, done bool) {
	t.Helper()
	var timer <-chan time.Time
	if afterTime > 0 {
		timer = time.After(afterTime)
	}
	kill := func() {
		c.cmd.Process.Signal(syscall.SIGKILL)
	}
	killedAt := false
	for !killedAt {
		select {
		case line, ok := <-c.lines:
			if !ok {
				killedAt = true
				break
			}
			switch {
			case strings.HasPrefix(line, "ID "):
				ids = append(ids, strings.TrimPrefix(line, "ID "))
				if afterIDs >= 0 && len(ids) >= afterIDs {
					time.Sleep(extra)
					kill()
					killedAt = true
				}
			case line == "DONE":
				done = true
			case strings.HasPrefix(line, "ERR "):
				t.Errorf("the child failed: %s", line)
			}
		case <-timer:
			kill()
			killedAt = true
		}
	}
	for line := range c.lines { // what it printed before it died
		if strings.HasPrefix(line, "ID ") {
			ids = append(ids, strings.TrimPrefix(line, "ID "))
		}
		done = done || line == "DONE"
	}
	err := c.cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	if ws, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() != syscall.SIGKILL {
		t.Errorf("the child died of %v, not of our SIGKILL", ws.Signal())
	}
	return ids, done
}

// checkAfterCrash reopens the archive in dir and checks it against what
// the killed child reported, then imports src again and checks that the
// archive then holds every distinct file.
func checkAfterCrash(t *testing.T, dir, src string, printed []string, sizes map[string]int64, unique []string) {
	t.Helper()
	a, err := archive.Open(dir, archivetest.Plain(false))
	if err != nil {
		t.Fatalf("reopening after the kill: %v", err)
	}
	defer a.Close()
	if n := archivetest.Pending(t, a); n != 0 {
		t.Errorf("%d pending-upload markers left after reopening", n)
	}
	held := archivetest.IDs(t, a)
	heldSet := map[string]bool{}
	for _, id := range held {
		heldSet[id] = true
		if _, ok := sizes[id]; !ok {
			t.Errorf("the archive holds %s, which is none of the imported files", id)
		}
	}
	for _, id := range printed {
		if !heldSet[id] {
			t.Errorf("document %s was reported committed but is missing", id)
			continue
		}
		if n, err := archivetest.ReadBack(a, id); err != nil || n != sizes[id] {
			t.Errorf("document %s: read %d bytes of %d: %v", id, n, sizes[id], err)
		}
	}
	e2e.Intact(t, a)

	res, err := a.Import(context.Background(), []string{src}, archive.ImportOptions{Source: "again"})
	if err != nil {
		t.Fatalf("importing again after the kill: %v", err)
	}
	if res.Added != len(unique)-len(held) {
		t.Errorf("importing again added %d documents; %d were missing", res.Added, len(unique)-len(held))
	}
	after := archivetest.IDs(t, a)
	sort.Strings(unique)
	if strings.Join(after, ",") != strings.Join(unique, ",") {
		t.Errorf("after importing again the archive holds %d documents, want the %d distinct files", len(after), len(unique))
	}
	e2e.Intact(t, a)
}

// TestSecondProcessIsRefused holds the archive open in a child process:
// opening it here is refused with ErrLocked, the command line says so in
// plain words with exit code 2, and once the holder is killed the lock is
// gone with it.
func TestSecondProcessIsRefused(t *testing.T) {
	dir := t.TempDir()
	a, err := archive.Open(dir, archivetest.Plain(true))
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	stdin, hold := io.Pipe()
	defer hold.Close()
	c := startChild(t, "hold", dir, "", 0, stdin)
	if line := <-c.lines; line != "OPEN" {
		t.Fatalf("the child did not open the archive: %q", line)
	}

	for _, ro := range []bool{false, true} {
		opt := archivetest.Plain(false)
		opt.Store.ReadOnly = ro
		if _, err := archive.Open(dir, opt); !errors.Is(err, archive.ErrLocked) {
			t.Errorf("open (read-only %v) while another process holds the archive: %v, want ErrLocked", ro, err)
		}
	}
	for _, args := range [][]string{{"verify"}, {"import", src1(t)}} {
		var out, errb bytes.Buffer
		env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Archive: dir}
		t.Setenv("CUSTODY_PASSPHRASE", archivetest.Passphrase)
		code := cli.Run(env, args)
		want := "custody " + args[0] + ": " + archive.ErrLocked.Error() + "; or run it with --wait to wait until the archive is free\n"
		if code != cli.ExitFailed || errb.String() != want {
			t.Errorf("custody %s: exit %d, stderr %q; want exit 2 and %q", args[0], code, errb.String(), want)
		}
	}

	c.cmd.Process.Signal(syscall.SIGKILL)
	hold.Close() // Wait waits for the copy into the child's stdin
	c.cmd.Wait()
	a, err = archive.Open(dir, archivetest.Plain(false))
	if err != nil {
		t.Fatalf("open after the holder was killed: %v", err)
	}
	a.Close()
}

// src1 is a folder holding one small file.
func src1(t *testing.T) string {
	dir := t.TempDir()
	archivetest.Tree{Sizes: []int64{10}}.Write(t, dir)
	return dir
}
