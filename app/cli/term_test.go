package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/custody-app/custody/archive/progress"
)

func TestBarEscapes(t *testing.T) {
	p := progress.Progress{Files: 3, TotalFiles: 10, Bytes: 300, TotalBytes: 1000, Elapsed: time.Second,
		Current: strings.Repeat("a-very-long-file-name/", 8) + "memo.eml"}
	var ansi, plain bytes.Buffer
	drawBar(&ansi, "Importing", p, false)
	drawBar(&plain, "Importing", p, true)
	if !strings.HasPrefix(ansi.String(), "\r\033[KImporting [#######") {
		t.Errorf("bar for a terminal: %q", ansi.String())
	}
	s := plain.String()
	if strings.Contains(s, "\033") {
		t.Errorf("plain bar holds an escape code: %q", s)
	}
	if !strings.HasPrefix(s, "\rImporting [#######.................]  30% 3/10 files") {
		t.Errorf("plain bar: %q", s)
	}
	if n := utf8.RuneCountInString(s); n != 1+plainWidth {
		t.Errorf("plain bar is %d characters, want %d (so it covers the line before)", n, 1+plainWidth)
	}
	// The closing erase uses no escape either.
	var done bytes.Buffer
	env := &Env{Interactive: true, PlainBar: true, Stderr: &done}
	env.bar("Importing")(progress.Progress{Done: true})
	if strings.Contains(done.String(), "\033") || !strings.HasSuffix(done.String(), strings.Repeat(" ", plainWidth)+"\r") {
		t.Errorf("plain bar's end: %q", done.String())
	}
}

// TestEnableEscapesOnAFile: a file is no console; on Windows the answer
// must then be no (bars fall back to plain), elsewhere every terminal
// understands escapes.
func TestEnableEscapesOnAFile(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := enableEscapes(f), !isWindows; got != want {
		t.Errorf("enableEscapes(file) = %v, want %v", got, want)
	}
}

func TestVersionCommand(t *testing.T) {
	out, _, code := run(t, t.TempDir(), "version")
	if code != ExitOK || !strings.HasPrefix(out, "custody ") || !strings.Contains(out, "\ncommit ") {
		t.Errorf("version: exit %d, %q", code, out)
	}
	alias, _, _ := run(t, t.TempDir(), "--version")
	if alias != out {
		t.Errorf("--version prints %q, version %q", alias, out)
	}
	js, _, code := run(t, t.TempDir(), "version", "--json")
	var v struct{ Version, Commit, Platform string }
	if err := json.Unmarshal([]byte(js), &v); err != nil || code != ExitOK || v.Version == "" || v.Commit == "" || v.Platform == "" {
		t.Errorf("version --json: exit %d, %q (%v)", code, js, err)
	}
	if _, _, code := run(t, t.TempDir(), "version", "extra"); code != ExitFailed {
		t.Errorf("version with an argument exits %d", code)
	}
}
