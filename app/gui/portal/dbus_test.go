//go:build linux || freebsd || netbsd || openbsd || dragonfly

package portal

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"
)

// A private session bus, started for the test, with a stand-in for the
// desktop's portal on it: what a real desktop answers, from its side of
// the D-Bus interface.
func privateBus(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		t.Skip("dbus-daemon is not installed (scripts/deps installs it)")
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "bus.conf")
	os.WriteFile(cfg, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path=`+filepath.Join(dir, "bus")+`</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*"/><allow own="*"/><allow receive_sender="*"/></policy></busconfig>`), 0o644)
	cmd := exec.Command("dbus-daemon", "--config-file="+cfg, "--nofork", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(addr)
}

// fakeChooser answers OpenFile and SaveFile with uris (code 0), or with
// code when it is not 0.
type fakeChooser struct {
	conn  *dbus.Conn
	code  uint32
	uris  []string
	calls []map[string]dbus.Variant
}

func (f *fakeChooser) answer(sender dbus.Sender, opts map[string]dbus.Variant) (dbus.ObjectPath, *dbus.Error) {
	f.calls = append(f.calls, opts)
	token, _ := opts["handle_token"].Value().(string)
	path := dbus.ObjectPath("/org/freedesktop/portal/desktop/request/" +
		strings.ReplaceAll(strings.TrimPrefix(string(sender), ":"), ".", "_") + "/" + token)
	go func() {
		time.Sleep(20 * time.Millisecond)
		res := map[string]dbus.Variant{}
		if f.code == 0 {
			res["uris"] = dbus.MakeVariant(f.uris)
		}
		f.conn.Emit(path, requestIfc+".Response", f.code, res)
	}()
	return path, nil
}

func (f *fakeChooser) OpenFile(sender dbus.Sender, parent, title string, opts map[string]dbus.Variant) (dbus.ObjectPath, *dbus.Error) {
	return f.answer(sender, opts)
}

func (f *fakeChooser) SaveFile(sender dbus.Sender, parent, title string, opts map[string]dbus.Variant) (dbus.ObjectPath, *dbus.Error) {
	return f.answer(sender, opts)
}

func startChooser(t *testing.T, addr string) *fakeChooser {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	f := &fakeChooser{conn: conn}
	if err := conn.Export(f, objectPath, chooser); err != nil {
		t.Fatal(err)
	}
	if _, err := prop.Export(conn, objectPath, prop.Map{chooser: {"version": {Value: uint32(4)}}}); err != nil {
		t.Fatal(err)
	}
	if r, err := conn.RequestName(busName, dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("the stand-in portal could not take its name: %v %v", r, err)
	}
	return f
}

func TestPortalChoosesSeveralFiles(t *testing.T) {
	addr := privateBus(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	ctx := context.Background()
	if Available(ctx) {
		t.Fatal("a bus with no portal on it says it has one")
	}
	if _, err := OpenFiles(ctx, "", Open{Title: "Import files"}); err != ErrUnavailable {
		t.Fatalf("with no portal: %v", err)
	}
	f := startChooser(t, addr)
	if !Available(ctx) {
		t.Fatal("the portal is not found")
	}
	f.uris = []string{"file:///home/ana/a+b%20c.pdf", "file:///home/ana/a.keller"}
	got, err := OpenFiles(ctx, "x11:1a", Open{Title: "Import files", Multiple: true, Filters: []Filter{{Name: "Bundles", Exts: []string{".zip"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"/home/ana/a+b c.pdf", "/home/ana/a.keller"}; !slices.Equal(got, want) {
		t.Errorf("chose %q, want %q", got, want)
	}
	opts := f.calls[len(f.calls)-1]
	if m, _ := opts["multiple"].Value().(bool); !m {
		t.Errorf("multiple not asked: %v", opts)
	}
	if _, ok := opts["filters"]; !ok {
		t.Errorf("no filters sent: %v", opts)
	}

	f.uris = []string{"file:///home/ana/report.pdf"}
	path, err := SaveFile(ctx, "", Save{Title: "Save", Name: "report.pdf"})
	if err != nil || path != "/home/ana/report.pdf" {
		t.Errorf("save: %q, %v", path, err)
	}
	if n, _ := f.calls[len(f.calls)-1]["current_name"].Value().(string); n != "report.pdf" {
		t.Errorf("suggested name %q", n)
	}

	f.code = 1 // cancelled
	if got, err := OpenFiles(ctx, "", Open{Folder: true}); got != nil || err != nil {
		t.Errorf("a cancel gives %q, %v", got, err)
	}
	f.code = 2
	if _, err := OpenFiles(ctx, "", Open{}); err == nil || err == ErrUnavailable {
		t.Errorf("a dialog ended otherwise gives %v", err)
	}
	f.code, f.uris = 0, []string{"https://example.org/x"}
	if _, err := OpenFiles(ctx, "", Open{}); err == nil {
		t.Error("a remote URI was accepted")
	}
}

func TestNoSessionBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	if _, err := OpenFiles(context.Background(), "", Open{}); err != ErrUnavailable {
		t.Errorf("with no session bus: %v", err)
	}
}
