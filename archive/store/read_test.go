package store

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/custody-app/custody/archive/lock"
	badger "github.com/dgraph-io/badger/v4"
)

// These tests crash a real writer: a child process (this test binary,
// TestHelperStoreWriter) commits values into a store until it is killed
// with SIGKILL, and the store is then opened for reading every way
// OpenForReading can.

const writerEnv = "CUSTODY_TEST_STORE_WRITER"

var crashCfg = Config{ValueLogFileSize: 4 << 20, MemTableSize: 1 << 20}

func crashKey(i int) []byte { return fmt.Appendf(nil, "k%06d", i) }

// crashValue is 2 KiB (so it goes to the value log) starting with a
// marker the tests find on disk.
func crashValue(i int) []byte {
	v := fmt.Appendf(nil, "value %06d ", i)
	return append(v, bytes.Repeat([]byte{byte('a' + i%26)}, 2048-len(v))...)
}

// TestHelperStoreWriter is the child: it commits crashKey(i) =
// crashValue(i) for i = 0, 1, ... and prints "C i" after each commit,
// until it is killed.
func TestHelperStoreWriter(t *testing.T) {
	dir := os.Getenv(writerEnv)
	if dir == "" {
		t.Skip("runs only as the child of the store's crash tests")
	}
	db, err := Open(dir, crashCfg, nil)
	if err != nil {
		fmt.Printf("ERR %v\n", err)
		return
	}
	w := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		if err := db.Update(func(txn *badger.Txn) error { return txn.Set(crashKey(i), crashValue(i)) }); err != nil {
			fmt.Printf("ERR %v\n", err)
			return
		}
		fmt.Fprintf(w, "C %d\n", i)
		w.Flush()
	}
}

const readOnlyEnv = "CUSTODY_TEST_STORE_READ_ONLY"

// TestHelperReadOnlyOpen is a child: it opens the store named by its
// environment with the options of the product's read-only open and prints
// the error. It runs in its own process because a refused open keeps the
// files it read open (on Windows they could then not be removed).
func TestHelperReadOnlyOpen(t *testing.T) {
	dir := os.Getenv(readOnlyEnv)
	if dir == "" {
		t.Skip("runs only as the child of the store's crash tests")
	}
	db, err := openBadger(readOnlyOptions(crashCfg.withDefaults().Options(dir, nil)))
	if err == nil {
		db.Close()
		fmt.Println("OPENED")
		return
	}
	fmt.Printf("ERR %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
}

// readOnlyOpenInChild runs TestHelperReadOnlyOpen on dir and returns its
// answer.
func readOnlyOpenInChild(t *testing.T, dir string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperReadOnlyOpen$", "-test.count=1")
	cmd.Env = append(os.Environ(), readOnlyEnv+"="+dir)
	out, err := cmd.Output()
	for line := range strings.SplitSeq(string(out), "\n") {
		if strings.HasPrefix(line, "ERR ") || strings.HasPrefix(line, "OPENED") {
			return strings.TrimSpace(line)
		}
	}
	t.Fatalf("the read-only child said nothing: %v\n%s", err, out)
	return ""
}

// crashWriter runs the writer on dir and kills it after it reported
// `after` commits; it returns how many it reported.
func crashWriter(t *testing.T, dir string, after int) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperStoreWriter$", "-test.count=1")
	cmd.Env = append(os.Environ(), writerEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := bufio.NewScanner(out)
	n := 0
	for s.Scan() {
		line := s.Text()
		if strings.HasPrefix(line, "ERR") {
			t.Fatalf("the writer failed: %s", line)
		}
		if i, err := strconv.Atoi(strings.TrimPrefix(line, "C ")); err == nil {
			n = i + 1
		}
		if n >= after {
			cmd.Process.Signal(syscall.SIGKILL)
			break
		}
	}
	io.Copy(io.Discard, out)
	cmd.Wait()
	return n
}

// readAll checks every committed key and returns the indexes whose value
// is wrong or unreadable.
func readAll(t *testing.T, db *badger.DB, n int) (bad []int) {
	t.Helper()
	for i := range n {
		err := db.View(func(txn *badger.Txn) error {
			item, err := txn.Get(crashKey(i))
			if err != nil {
				return err
			}
			v, err := item.ValueCopy(nil)
			if err == nil && !bytes.Equal(v, crashValue(i)) {
				err = errors.New("wrong value")
			}
			return err
		})
		if err != nil {
			bad = append(bad, i)
		}
	}
	return bad
}

// snapshotDir lists every file in dir with its size and hash.
func snapshotDir(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		s := sha256.Sum256(b)
		lines = append(lines, fmt.Sprintf("%s %d %s", e.Name(), len(b), hex.EncodeToString(s[:8])))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func copyDir(t *testing.T, dst, src string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(dst, 0o700)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// privateTemp points the system's temporary folder at a folder of the
// test's and returns it, so shadows left behind can be counted.
func privateTemp(t *testing.T) string {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	// Windows takes the temporary folder from TMP (then TEMP).
	t.Setenv("TMP", tmp)
	t.Setenv("TEMP", tmp)
	if os.TempDir() != tmp {
		t.Fatalf("the temporary folder is %s, not the test's %s", os.TempDir(), tmp)
	}
	return tmp
}

func shadowsIn(tmp string) []string {
	m, _ := filepath.Glob(filepath.Join(tmp, shadowPrefix+"*"))
	return m
}

// A crashed store: Badger's own read-only open refuses it; each way of
// opening it for reading reads every committed value; the shadow changes
// nothing in the store and leaves nothing behind; recovery in place
// leaves a store that opens read-only directly, and for writing.
func TestReadAfterCrash(t *testing.T) {
	tmp := privateTemp(t)
	crashed := t.TempDir()
	n := crashWriter(t, crashed, 300)
	if n < 300 {
		t.Fatalf("the writer reported only %d commits", n)
	}
	if !hasWriteAhead(crashed) {
		t.Fatal("the crash left no write-ahead files (else this test tests nothing)")
	}
	if got := readOnlyOpenInChild(t, crashed); !strings.Contains(got, badger.ErrTruncateNeeded.Error()) {
		t.Fatalf("Badger's read-only open of a crashed store: %q, want it to need recovery (else this test tests nothing)", got)
	}

	for _, tc := range []struct {
		name     string
		mayWrite bool // links where it can
	}{{"shadow, folder not writable (copies)", false}, {"shadow forced (links)", true}} {
		t.Run(tc.name, func(t *testing.T) { shadowAfterCrash(t, tmp, crashed, n, tc.mayWrite) })
	}

	t.Run("recovered in place", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "store")
		copyDir(t, dir, crashed)
		recovered := readPaths.recovered.Load()
		db, err := OpenForReading(dir, crashCfg, &Log{}, true)
		if err != nil {
			t.Fatal(err)
		}
		if readPaths.recovered.Load() != recovered+1 {
			t.Error("the open did not recover the store in place")
		}
		if bad := readAll(t, db, n); len(bad) > 0 {
			t.Errorf("committed values lost or wrong: %v", bad)
		}
		Close(db, dir, true)
		direct := readPaths.direct.Load()
		db, err = OpenForReading(dir, crashCfg, &Log{}, true)
		if err != nil {
			t.Fatal(err)
		}
		Close(db, dir, true)
		if readPaths.direct.Load() != direct+1 {
			t.Error("after the recovery the store still does not open read-only as it is")
		}
		db, err = Open(dir, crashCfg, &Log{})
		if err != nil {
			t.Fatalf("writable open after the recovery: %v", err)
		}
		if bad := readAll(t, db, n); len(bad) > 0 {
			t.Errorf("committed values lost or wrong after a writable open: %v", bad)
		}
		Close(db, dir, false)
	})
}

// A byte flipped inside the newest value-log file of a crashed store:
// no way of opening it for reading cuts the file, so exactly the damaged
// value is wrong and every later one in the file still reads.
func TestNoReadPathCutsADamagedValueLog(t *testing.T) {
	privateTemp(t)
	crashed := t.TempDir()
	n := crashWriter(t, crashed, 400)
	const victim = 40
	newest, _ := newestVlog(crashed)
	data, err := os.ReadFile(newest)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(data, crashValue(victim)[:13])
	if i < 0 {
		t.Fatalf("value %d is not in the newest value-log file %s", victim, newest)
	}
	data[i+100] ^= 0x20
	if err := os.WriteFile(newest, data, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		shadow   bool
		mayWrite bool
		writable bool
	}{
		{"recovered in place", false, true, false},
		{"shadow, folder not writable", false, false, false},
		{"shadow forced, as without a read-only mode", true, true, false},
		{"opened for writing", false, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "store")
			copyDir(t, dir, crashed)
			cfg := crashCfg
			cfg.Shadow = tc.shadow
			var db *badger.DB
			var err error
			lg := &Log{}
			recovered, shadows := readPaths.recovered.Load(), readPaths.shadow.Load()
			if tc.writable {
				db, err = Open(dir, cfg, lg)
			} else {
				db, err = OpenForReading(dir, cfg, lg, tc.mayWrite)
			}
			if err != nil {
				t.Fatalf("%v\nthe store's log:\n%s", err, strings.Join(lg.lines, "\n"))
			}
			switch {
			case tc.writable:
			case tc.shadow || !tc.mayWrite:
				if readPaths.shadow.Load() != shadows+1 {
					t.Error("the open did not go through the shadow")
				}
			case readPaths.recovered.Load() != recovered+1:
				t.Error("the open did not recover the store in place")
			}
			bad := readAll(t, db, n)
			Close(db, dir, !tc.writable)
			if len(bad) != 1 || bad[0] != victim {
				t.Errorf("values wrong or missing: %v, want only %d", bad, victim)
			}
			got, err := os.ReadFile(filepath.Join(dir, filepath.Base(newest)))
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("the damaged file changed: %d bytes, was %d (%v)", len(got), len(data), err)
			}
		})
	}
}

// A shadow left by a process that died is removed by the next one; one
// in use is not.
func TestStaleShadowsAreSwept(t *testing.T) {
	tmp := privateTemp(t)
	dead := filepath.Join(tmp, shadowPrefix+"dead")
	live := filepath.Join(tmp, shadowPrefix+"live")
	for _, d := range []string{dead, live} {
		os.MkdirAll(filepath.Join(d, "store"), 0o700)
		os.WriteFile(filepath.Join(d, "store", "000001.sst"), []byte("x"), 0o600)
	}
	os.WriteFile(filepath.Join(dead, shadowLock), nil, 0o600)
	lk, err := lock.Acquire(filepath.Join(live, shadowLock))
	if err != nil {
		t.Fatal(err)
	}
	defer lk.Release()

	dir := t.TempDir()
	db, err := Open(dir, crashCfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	Close(db, dir, false)
	cfg := crashCfg
	cfg.Shadow = true
	db, err = OpenForReading(dir, cfg, &Log{}, true)
	if err != nil {
		t.Fatal(err)
	}
	Close(db, dir, true)
	if _, err := os.Stat(dead); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the dead shadow is still there: %v", err)
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("the shadow in use was removed: %v", err)
	}
}

// Closing a store whose folder was deleted returns within its time limit
// with ErrFolderGone, where Badger's Close alone retries for ever.
func TestCloseOfVanishedFolder(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows neither deletes nor renames a folder whose files a process holds open (the store's value log is open and mapped), so only a removed disk makes it vanish, which a test cannot do")
	}
	parent := t.TempDir()
	dir := filepath.Join(parent, "store")
	db, err := Open(dir, crashCfg, &Log{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if err := db.Update(func(txn *badger.Txn) error { return txn.Set(crashKey(i), crashValue(i)) }); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = Close(db, dir, false)
	took := time.Since(start)
	if !errors.Is(err, ErrFolderGone) {
		t.Errorf("Close of a deleted store: %v, want ErrFolderGone", err)
	}
	if took > 5*time.Second {
		t.Errorf("Close took %v", took)
	}
	t.Logf("Close returned after %v: %v", took.Round(time.Millisecond), err)
}

func shadowAfterCrash(t *testing.T, tmp, crashed string, n int, mayWrite bool) {
	dir := filepath.Join(t.TempDir(), "store")
	copyDir(t, dir, crashed)
	before := snapshotDir(t, dir)
	shadows := readPaths.shadow.Load()
	cfg := crashCfg
	cfg.Shadow = true
	db, err := OpenForReading(dir, cfg, &Log{}, mayWrite)
	if err != nil {
		t.Fatal(err)
	}
	if readPaths.shadow.Load() != shadows+1 {
		t.Error("the open did not go through the shadow")
	}
	if bad := readAll(t, db, n); len(bad) > 0 {
		t.Errorf("committed values lost or wrong: %v", bad)
	}
	if err := Close(db, dir, true); err != nil {
		t.Fatal(err)
	}
	if after := snapshotDir(t, dir); after != before {
		t.Errorf("the shadow changed the store:\n%s\n---\n%s", before, after)
	}
	if left := shadowsIn(tmp); len(left) > 0 {
		t.Errorf("shadows left: %v", left)
	}
}
