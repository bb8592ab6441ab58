package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive/archivetest"
)

// TestVerifyJSONWhenTheArchiveCannotOpen: verify --json prints one JSON
// object, with the error's code and words, also when the archive does
// not open (its MANIFEST deleted).
func TestVerifyJSONWhenTheArchiveCannotOpen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "arc")
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "a.txt"), []byte("a\n"), 0o644)
	if _, e, code := run(t, dir, "import", src); code != 0 {
		t.Fatal(e)
	}
	if err := os.Remove(filepath.Join(dir, "store", "MANIFEST")); err != nil {
		t.Fatal(err)
	}
	out, e, code := run(t, dir, "verify", "--json")
	var rep struct {
		Verdict  string
		Findings []struct{ Code, Severity, Message string }
		Error    struct{ Code, Message string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("verify --json printed no JSON object (%v): %q, stderr %q", err, out, e)
	}
	if code != 2 || rep.Verdict != "COULD NOT READ" || rep.Error.Code == "" || !strings.Contains(rep.Error.Message, "index") ||
		len(rep.Findings) != 1 || rep.Findings[0].Severity != "io-error" {
		t.Fatalf("verify --json of an archive without MANIFEST: exit %d, %+v", code, rep)
	}
}

// TestRotInLogTablesIsCorruptNotTampered flips bytes inside the store's
// tables where the provenance log's entries are kept: verify must say
// CORRUPT (storage damage), name the table and what it held, never
// TAMPERED.
func TestRotInLogTablesIsCorruptNotTampered(t *testing.T) {
	base := filepath.Join(t.TempDir(), "arc")
	src := t.TempDir()
	for i := 0; i < 40; i++ {
		os.WriteFile(filepath.Join(src, fmt.Sprintf("f%02d.txt", i)), []byte(fmt.Sprintf("file %d\n", i)), 0o644)
	}
	if _, e, code := run(t, base, "init", "--no-encrypt"); code != 0 {
		t.Fatal(e)
	}
	if _, e, code := run(t, base, "import", src); code != 0 {
		t.Fatal(e)
	}
	ssts, _ := filepath.Glob(filepath.Join(base, "store", "*.sst"))
	var table string
	var at int
	for _, s := range ssts {
		b, _ := os.ReadFile(s)
		if i := bytes.Index(b, []byte("log/e/")); i >= 0 {
			table, at = s, i
		}
	}
	if table == "" {
		t.Fatalf("no table holds log entries: %v", ssts)
	}
	orig, _ := os.ReadFile(table)
	trials, corrupt := 0, 0
	for _, off := range []int{8, 40, 100, 200, 300} {
		if at+off >= len(orig) {
			continue
		}
		b := append([]byte(nil), orig...)
		b[at+off] ^= 0x01
		os.WriteFile(table, b, 0o600)
		out, e, code := run(t, base, "verify", "--json")
		var rep struct {
			Verdict  string
			Findings []struct{ Code, Message string }
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("byte %d: no JSON (%v): %q %q", at+off, err, out, e)
		}
		trials++
		if rep.Verdict == "TAMPERED" {
			t.Errorf("byte %d of %s: rot reported as TAMPERED: %+v", at+off, filepath.Base(table), rep.Findings)
		}
		if rep.Verdict == "CORRUPT" {
			corrupt++
			named := false
			for _, f := range rep.Findings {
				if f.Code == "STORE_TABLE_CORRUPT" && strings.Contains(f.Message, filepath.Base(table)) &&
					(strings.Contains(f.Message, "provenance log entries") || strings.Contains(f.Message, "cannot tell which")) {
					named = true
				}
			}
			if !named {
				t.Errorf("byte %d: CORRUPT without naming the table and what it held: %+v", at+off, rep.Findings)
			}
		}
		if code != 1 && rep.Verdict != "INTACT" {
			t.Errorf("byte %d: exit %d with verdict %s", at+off, code, rep.Verdict)
		}
	}
	os.WriteFile(table, orig, 0o600)
	t.Logf("%d flips in %s: %d CORRUPT", trials, filepath.Base(table), corrupt)
	if corrupt == 0 {
		t.Error("no flip in a table of log entries was found")
	}
}

// TestVerifyDoesNotRecordIntoDamagedTables: a check that found a damaged
// table is not recorded (writing would let Badger compact the damaged
// bytes into a table whose checksums pass), so the next check still finds
// the same damage, as CORRUPT.
func TestVerifyDoesNotRecordIntoDamagedTables(t *testing.T) {
	base := filepath.Join(t.TempDir(), "arc")
	src := t.TempDir()
	for i := 0; i < 40; i++ {
		os.WriteFile(filepath.Join(src, fmt.Sprintf("f%02d.txt", i)), []byte(fmt.Sprintf("file %d\n", i)), 0o644)
	}
	if _, e, code := run(t, base, "init", "--no-encrypt"); code != 0 {
		t.Fatal(e)
	}
	if _, e, code := run(t, base, "import", src); code != 0 {
		t.Fatal(e)
	}
	table, _ := archivetest.FlipMarker(t, base, "store/*.sst", []byte("log/e/"), 40, 0x01)
	for round := 0; round < 3; round++ {
		out, e, code := run(t, base, "verify", "--json")
		var rep struct {
			Verdict       string
			RecordedEvent *int64 `json:"recorded_event"`
			NotRecorded   string `json:"not_recorded"`
			Findings      []struct{ Code, Message string }
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("round %d: no JSON (%v): %q %q", round, err, out, e)
		}
		named := false
		for _, f := range rep.Findings {
			named = named || f.Code == "STORE_TABLE_CORRUPT" && strings.Contains(f.Message, filepath.Base(table))
		}
		if code != 1 || rep.Verdict != "CORRUPT" || !named || rep.RecordedEvent != nil ||
			!strings.Contains(rep.NotRecorded, "fails its checksum") {
			t.Fatalf("round %d: exit %d, verdict %s, recorded %v, not recorded %q, findings %+v",
				round, code, rep.Verdict, rep.RecordedEvent, rep.NotRecorded, rep.Findings)
		}
	}
}
