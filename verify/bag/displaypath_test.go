package bag

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive/quote"
)

// TestPathMessagesKeepBackslashes: a Windows path in a message reads as
// typed, not with every backslash doubled as %q writes it.
func TestPathMessagesKeepBackslashes(t *testing.T) {
	if got, want := displayPath(`C:\cases\out.zip`), `"C:\cases\out.zip"`; got != want {
		t.Errorf("displayPath = %s, want %s", got, want)
	}
	if got := displayPath("evil\x1b[2J.zip"); strings.Contains(got, "\x1b") {
		t.Errorf("displayPath lets an escape through: %q", got)
	}
	// The message of a real open names the path once, unescaped.
	dir := t.TempDir()
	// On Windows the temporary folder's path has backslashes; elsewhere a
	// backslash in the name (a plain character there) stands in for them.
	name := `a\b.txt`
	if runtime.GOOS == "windows" {
		name = "ab.txt"
	}
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := OpenDir(file)
	// quote.Safe doubles a backslash only before x, u or another
	// backslash (C:\users would read as an escape); C:\Users stays single.
	if err == nil || !strings.Contains(err.Error(), `"`+quote.Safe(file)+`"`) {
		t.Errorf("opening a file as a bag: %v; want the path %s", err, quote.Safe(file))
	}
}
