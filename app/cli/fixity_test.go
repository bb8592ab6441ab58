package cli

import (
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fixityArchive builds a real archive from eight files bound for pack
// files and eight small ones, and returns it with the source folder.
func fixityArchive(t *testing.T) (dir, src string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "arc")
	src = t.TempDir()
	for i := 1; i <= 8; i++ {
		b := make([]byte, 70000*i)
		rand.Read(b)
		os.WriteFile(filepath.Join(src, "big"+strconv.Itoa(i)+".bin"), b, 0o644)
		os.WriteFile(filepath.Join(src, "small"+strconv.Itoa(i)+".txt"), []byte("small memo "+strconv.Itoa(i)), 0o644)
	}
	if _, e, code := run(t, dir, "init", "--no-encrypt"); code != 0 {
		t.Fatalf("init: %s", e)
	}
	if out, e, code := run(t, dir, "import", "--source", "stick", src); code != 0 || !strings.Contains(out, "Imported 16 new documents") {
		t.Fatalf("import: %d %s %s", code, out, e)
	}
	return dir, src
}

// logSize is the number of events in the archive's log.
func logSize(t *testing.T, dir string) int {
	t.Helper()
	out, e, code := run(t, dir, "log", "--json")
	if code != 0 {
		t.Fatalf("log: %s", e)
	}
	n := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.TrimSpace(l) != "" {
			n++
		}
	}
	return n
}

// damagePacks flips one byte in the middle of every pack file.
func damagePacks(t *testing.T, dir string) int {
	t.Helper()
	packs, _ := filepath.Glob(filepath.Join(dir, "packs", "*.pack"))
	for _, p := range packs {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		b[len(b)/2] ^= 0xff
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if len(packs) == 0 {
		t.Fatal("no pack files")
	}
	return len(packs)
}

// TestDamageRollingRepair is issue 13's acceptance: one damaged byte in
// every pack file is found by verify and by four rolling runs of 25%,
// each recorded; importing the intact files again repairs it (a repair
// event, verify exits 0); importing them once more adds nothing.
func TestDamageRollingRepair(t *testing.T) {
	dir, src := fixityArchive(t)
	damagePacks(t, dir)
	before := logSize(t, dir)
	if out, _, code := run(t, dir, "verify"); code != 1 || !strings.Contains(out, "CHUNK_CORRUPT") || !strings.Contains(out, "Recorded in the log") {
		t.Fatalf("verify after damage: %d %s", code, out)
	}
	found := false
	for i := 0; i < 4; i++ {
		out, e, code := run(t, dir, "verify", "--rolling", "25%", "--json")
		var v verifyJSON
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("rolling %d: %v %s %s", i, err, out, e)
		}
		if v.RecordedEvent == nil || v.Counts == nil || v.Scope != "archive rolling 25%" {
			t.Fatalf("rolling %d not recorded: %s", i, out)
		}
		if code == 1 && v.Counts.Damaged > 0 {
			found = true
		}
	}
	if !found {
		t.Fatal("four rolling runs of 25% did not find the damage")
	}
	if after := logSize(t, dir); after < before+5 {
		t.Fatalf("log grew from %d to %d events over five checks", before, after)
	}
	out, e, code := run(t, dir, "import", "--source", "stick", src)
	if code != 0 || !strings.Contains(out, "repaired ") {
		t.Fatalf("re-import: %d %s %s", code, out, e)
	}
	if out, _, code := run(t, dir, "verify"); code != 0 || !strings.HasPrefix(out, "INTACT") {
		t.Fatalf("verify after repair: %d %s", code, out)
	}
	if out, _, _ := run(t, dir, "log"); !strings.Contains(out, "repair ") {
		t.Fatalf("no repair event in the log:\n%s", out)
	}
	n := logSize(t, dir)
	out, _, code = run(t, dir, "import", "--source", "stick", src)
	if code != 0 || !strings.Contains(out, "16 files already recorded") {
		t.Fatalf("third import: %d %s", code, out)
	}
	if got := logSize(t, dir); got != n {
		t.Fatalf("re-importing an unchanged folder added %d events", got-n)
	}
	out, _, code = run(t, dir, "history", "--json")
	var h historyJSON
	if err := json.Unmarshal([]byte(out), &h); code != 0 || err != nil {
		t.Fatalf("history: %d %v %s", code, err, out)
	}
	last := h.Checks[len(h.Checks)-1]
	if len(h.Checks) != 6 || last.Verdict != "INTACT" || last.Counts == nil || last.Counts.Docs != 16 || h.Freshness.Never != 0 {
		t.Fatalf("history: %s", out)
	}
	if h.Checks[0].Verdict != "CORRUPT" || len(h.Checks[0].Damaged) == 0 {
		t.Fatalf("first check: %+v", h.Checks[0])
	}
}

// TestRollingCoversEverything: ceil(100/P) rolling runs read every
// document once, on an intact archive.
func TestRollingCoversEverything(t *testing.T) {
	dir, _ := fixityArchive(t)
	seen := map[int]int{}
	for i := 0; i < 3; i++ { // ceil(100/40)
		out, _, code := run(t, dir, "verify", "--rolling", "40", "--json")
		var v verifyJSON
		if err := json.Unmarshal([]byte(out), &v); code != 0 || err != nil {
			t.Fatalf("rolling: %d %v %s", code, err, out)
		}
		if v.Counts.Docs >= 16 {
			t.Fatalf("a rolling run of 40%% read all %d documents", v.Counts.Docs)
		}
		seen[i] = v.Counts.Docs
	}
	out, _, _ := run(t, dir, "history", "--json")
	var h historyJSON
	json.Unmarshal([]byte(out), &h)
	if h.Freshness.Never != 0 || h.Freshness.Docs != 16 {
		t.Fatalf("after 3 runs of 40%% (%v documents): %+v", seen, h.Freshness)
	}
}

// TestVerifyNamedDocuments checks only the documents named.
func TestVerifyNamedDocuments(t *testing.T) {
	dir, _ := fixityArchive(t)
	out, _, _ := run(t, dir, "ls", "--json")
	var list []listEntry
	json.Unmarshal([]byte(out), &list)
	out, e, code := run(t, dir, "verify", "--json", list[0].ID, list[1].ID[:10])
	var v verifyJSON
	if err := json.Unmarshal([]byte(out), &v); code != 0 || err != nil || v.Counts.Docs != 2 || v.Scope != "documents" {
		t.Fatalf("verify DOC DOC: %d %v %s %s", code, err, out, e)
	}
	if _, e, code := run(t, dir, "verify", "--rolling", "10%", list[0].ID); code != 2 || !strings.Contains(e, "not both") {
		t.Fatalf("--rolling with documents: %d %s", code, e)
	}
	if _, e, code := run(t, dir, "verify", "--rolling", "0%"); code != 2 || !strings.Contains(e, "above 0") {
		t.Fatalf("--rolling 0%%: %d %s", code, e)
	}
}

// TestImportRefusals: a missing path and the archive itself exit 2 and
// add nothing.
func TestImportRefusals(t *testing.T) {
	dir, src := fixityArchive(t)
	n := logSize(t, dir)
	for _, p := range []string{filepath.Join(src, "no-such"), dir, filepath.Join(dir, "store"), filepath.Dir(dir)} {
		if _, e, code := run(t, dir, "import", p); code != 2 || !strings.Contains(e, "nothing was imported") {
			t.Fatalf("import %s: %d %s", p, code, e)
		}
	}
	if got := logSize(t, dir); got != n {
		t.Fatalf("refused imports added %d events", got-n)
	}
}

// TestBundleCreateSkipsDamaged names the damaged documents and, with
// --skip-damaged, writes the rest; both exit 1.
func TestBundleCreateSkipsDamaged(t *testing.T) {
	dir, _ := fixityArchive(t)
	damagePacks(t, dir)
	out := filepath.Join(t.TempDir(), "b")
	_, e, code := run(t, dir, "bundle", "create", "--out", out, "--all")
	if code != 1 || !strings.Contains(e, "damaged  ") || !strings.Contains(e, "--skip-damaged") {
		t.Fatalf("bundle create with damage: %d %s", code, e)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a bundle was written without --skip-damaged")
	}
	o, e, code := run(t, dir, "bundle", "create", "--out", out, "--all", "--skip-damaged", "--json")
	var res bundleCreateJSON
	if err := json.Unmarshal([]byte(o), &res); code != 1 || err != nil || len(res.SkippedDamaged) == 0 || len(res.Files) != 16-len(res.SkippedDamaged) {
		t.Fatalf("--skip-damaged: %d %v %s %s", code, err, o, e)
	}
	if _, _, code := run(t, "", "bundle", "verify", "--no-archive", out); code != 0 {
		t.Fatalf("the bundle without the damaged documents does not verify: %d", code)
	}
}

// TestRepairFromBackup repairs every damaged document from a copy of the
// archive folder made before the damage.
func TestRepairFromBackup(t *testing.T) {
	dir, _ := fixityArchive(t)
	backup := filepath.Join(t.TempDir(), "backup")
	if err := os.CopyFS(backup, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(backup, "custody.lock"))
	damaged := damagePacks(t, dir)
	out, e, code := run(t, dir, "repair", "--from", backup, "--json")
	var r repairJSON
	if err := json.Unmarshal([]byte(out), &r); code != 0 || err != nil || r.Damaged < damaged || len(r.Repaired) != r.Damaged {
		t.Fatalf("repair: %d %v %s %s", code, err, out, e)
	}
	if out, _, code := run(t, dir, "verify"); code != 0 {
		t.Fatalf("verify after repair: %s", out)
	}
	if out, _, _ := run(t, dir, "log"); strings.Count(out, "repair ") != r.Damaged || !strings.Contains(out, "archive copy") {
		t.Fatalf("log:\n%s", out)
	}
}

// TestReceiveRepairs: receiving a bundle that carries an intact copy of a
// damaged document repairs it and says so in the log.
func TestReceiveRepairs(t *testing.T) {
	dir, _ := fixityArchive(t)
	b := filepath.Join(t.TempDir(), "b")
	if _, e, code := run(t, dir, "bundle", "create", "--out", b, "--all"); code != 0 {
		t.Fatalf("bundle create: %s", e)
	}
	damagePacks(t, dir)
	if out, e, code := run(t, dir, "bundle", "receive", b); code != 0 {
		t.Fatalf("receive: %d %s %s", code, out, e)
	}
	if out, _, code := run(t, dir, "verify"); code != 0 {
		t.Fatalf("verify after receive: %s", out)
	}
	if out, _, _ := run(t, dir, "log"); !strings.Contains(out, "repair ") || !strings.Contains(out, "from bundle") {
		t.Fatalf("log:\n%s", out)
	}
}

// TestResumedImportLogsOnlyWhatIsNew: an import run again over a folder
// it had partly imported (stopped by Ctrl-C, or grown since) records one
// ingest event per new file and none for the files already there.
func TestResumedImportLogsOnlyWhatIsNew(t *testing.T) {
	dir, src := fixityArchive(t)
	n := logSize(t, dir)
	for i := 0; i < 3; i++ {
		os.WriteFile(filepath.Join(src, "later"+strconv.Itoa(i)+".txt"), []byte("later "+strconv.Itoa(i)), 0o644)
	}
	if _, e, code := run(t, dir, "import", "--source", "stick", src); code != 0 {
		t.Fatalf("import: %s", e)
	}
	if got := logSize(t, dir); got != n+3 {
		t.Fatalf("the second import added %d events for 3 new files", got-n)
	}
	// Another source is another arrival: recorded.
	if _, e, code := run(t, dir, "import", "--source", "second stick", src); code != 0 {
		t.Fatalf("import: %s", e)
	}
	if got := logSize(t, dir); got != n+3+19 {
		t.Fatalf("an import from another source added %d events for 19 files", got-n-3)
	}
}

// TestHelpAndArguments: per-command help exits 0 with usage, flags and an
// example; extra arguments are refused.
func TestHelpAndArguments(t *testing.T) {
	for _, args := range [][]string{{"help", "verify"}, {"verify", "--help"}, {"bundle", "--help"}, {"help", "bundle", "create"}, {"ls", "-h"}} {
		out, e, code := run(t, t.TempDir(), args...)
		if code != 0 || !strings.Contains(out, "Usage:") || !strings.Contains(out, "Example:") {
			t.Errorf("%v: %d %q %q", args, code, out, e)
		}
	}
	out, _, _ := run(t, t.TempDir(), "help", "verify")
	if !strings.Contains(out, "-rolling P%") {
		t.Errorf("help verify lists no flags: %s", out)
	}
	dir, _ := fixityArchive(t)
	for _, args := range [][]string{{"ls", "x"}, {"checkpoint", "x"}, {"history", "x"}} {
		if _, e, code := run(t, dir, args...); code != 2 || !strings.Contains(e, `unexpected argument "x"`) {
			t.Errorf("%v: %d %s", args, code, e)
		}
	}
	// --json arrays are [], never null: on an archive with no checks
	// and no findings.
	for _, args := range [][]string{{"verify", "--json", "--no-record"}, {"history", "--json"}, {"import", "--json", "--source", "stick", t.TempDir()}} {
		out, e, _ := run(t, dir, args...)
		if strings.Contains(out, "null") {
			t.Errorf("%v prints null: %s %s", args, out, e)
		}
	}
}
