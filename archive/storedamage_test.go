package archive_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
)

// TestNoRecordOnDamagedTables: once CheckStoreTables found a table whose
// checksum fails, RecordVerification writes nothing, so no compaction
// can carry the damaged bytes into a table whose checksums pass; the
// damaged table is still reported by the next check.
func TestNoRecordOnDamagedTables(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "arc")
	a, err := archive.Open(dir, archivetest.Plain(true))
	if err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	for i := 0; i < 20; i++ {
		os.WriteFile(filepath.Join(src, fmt.Sprintf("f%02d.txt", i)), []byte(fmt.Sprintf("file %d\n", i)), 0o644)
	}
	if _, err := a.Import(context.Background(), []string{src}, archive.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if d := a.CheckStoreTables(); d != nil {
		t.Fatalf("tables of a new archive: %v", d.Err)
	}
	a.Close()
	// 40 bytes past the key: inside the value of a log event, in a block.
	table, _ := archivetest.FlipMarker(t, dir, "store/*.sst", []byte("log/e/"), 40, 0x01)

	for round := 0; round < 2; round++ {
		a, err := archive.Open(dir, archivetest.Plain(false))
		if err != nil {
			t.Fatal(err)
		}
		d := a.CheckStoreTables()
		if d == nil || d.Table != filepath.Base(table) {
			a.Close()
			t.Fatalf("round %d: a flipped byte in %s: damage %+v", round, filepath.Base(table), d)
		}
		_, err = a.RecordVerification(archive.Verification{What: "archive", Verdict: "CORRUPT"})
		a.Close()
		if !errors.Is(err, archive.ErrStoreTablesDamaged) {
			t.Fatalf("round %d: recording a check on a damaged store: %v", round, err)
		}
	}
}
