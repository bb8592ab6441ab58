package version

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.modified", Value: "true"},
	}}
	got := fromBuildInfo(Info{}, bi)
	if got.Commit != "0123456789abcdef0123456789abcdef01234567" || !got.Modified || got.Version != "" {
		t.Errorf("from Go's record: %+v", got)
	}
	// What the linker stamped wins over Go's record.
	got = fromBuildInfo(Info{Version: "0.1.0", Commit: "feedface"}, bi)
	if got.Commit != "feedface" || got.Modified || got.Version != "0.1.0" {
		t.Errorf("stamped: %+v", got)
	}
	bi.Main.Version = "v0.2.0"
	if got := fromBuildInfo(Info{}, bi); got.Version != "v0.2.0" {
		t.Errorf("module version: %+v", got)
	}
}

func TestShortAndString(t *testing.T) {
	i := Info{Version: "0.1.0", Commit: "0123456789abcdef0123", Modified: true, Go: "go1.26", Platform: "windows/amd64"}
	if got, want := i.Short(), "0.1.0 (0123456789ab, modified)"; got != want {
		t.Errorf("Short = %q, want %q", got, want)
	}
	want := "custody 0.1.0\ncommit 0123456789abcdef0123 (with uncommitted changes)\nbuilt with go1.26 for windows/amd64\n"
	if got := i.String(); got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}

// TestStamped builds a small program with the flags the Makefile passes
// and checks that what it prints is what was stamped.
func TestStamped(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	dir := t.TempDir()
	main := `package main

import (
	"fmt"

	"github.com/custody-app/custody/app/version"
)

func main() { fmt.Print(version.Get().String()) }
`
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(main), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("building a stamped program needs the go command, which this machine lacks (a test binary run alone, as under Wine)")
	}
	exe := filepath.Join(dir, "stamped")
	pkg := "github.com/custody-app/custody/app/version"
	cmd := exec.Command("go", "build", "-o", exe, "-ldflags",
		"-X "+pkg+".version=9.8.7 -X "+pkg+".commit=abcdef0123456789", filepath.Join(dir, "main.go"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(exe).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out), "custody 9.8.7\ncommit abcdef0123456789\n") {
		t.Errorf("stamped build prints %q", out)
	}
}
