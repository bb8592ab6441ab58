//go:build linux || freebsd || netbsd || openbsd || dragonfly

package portal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
)

const (
	busName     = "org.freedesktop.portal.Desktop"
	objectPath  = dbus.ObjectPath("/org/freedesktop/portal/desktop")
	chooser     = "org.freedesktop.portal.FileChooser"
	requestIfc  = "org.freedesktop.portal.Request"
	probeWithin = 3 * time.Second
)

// rule and filter are the portal's a(sa(us)) filter list: a name and
// glob rules (type 0).
type rule struct {
	Type    uint32
	Pattern string
}

type filter struct {
	Name  string
	Rules []rule
}

// sessionAddress finds the session bus without starting one: the address
// the desktop session exports, else the usual socket of systemd sessions.
func sessionAddress() string {
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" {
		return a
	}
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		sock := filepath.Join(d, "bus")
		if fi, err := os.Stat(sock); err == nil && fi.Mode()&os.ModeSocket != 0 {
			return "unix:path=" + sock
		}
	}
	return ""
}

// connect opens a private connection to the session bus and checks that a
// FileChooser portal answers on it; it returns the interface's version.
func connect(ctx context.Context) (*dbus.Conn, uint32, error) {
	addr := sessionAddress()
	if addr == "" {
		return nil, 0, ErrUnavailable
	}
	conn, err := dbus.Connect(addr, dbus.WithContext(ctx))
	if err != nil {
		return nil, 0, ErrUnavailable
	}
	pctx, cancel := context.WithTimeout(ctx, probeWithin)
	defer cancel()
	var v dbus.Variant
	err = conn.Object(busName, objectPath).CallWithContext(pctx, "org.freedesktop.DBus.Properties.Get", 0, chooser, "version").Store(&v)
	version, ok := v.Value().(uint32)
	if err != nil || !ok {
		conn.Close()
		return nil, 0, ErrUnavailable
	}
	return conn, version, nil
}

// Available says whether a FileChooser portal answers on the session bus.
func Available(ctx context.Context) bool {
	conn, _, err := connect(ctx)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

// OpenFiles shows the desktop's open dialog over the window named by
// parent ("x11:HEX", or "" when unknown) and returns the chosen paths, or
// nil when the person cancelled.
func OpenFiles(ctx context.Context, parent string, o Open) ([]string, error) {
	conn, version, err := connect(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if o.Folder && version < 3 {
		return nil, ErrUnavailable // folders came with version 3
	}
	opts := map[string]dbus.Variant{
		"modal":     dbus.MakeVariant(true),
		"multiple":  dbus.MakeVariant(o.Multiple),
		"directory": dbus.MakeVariant(o.Folder),
	}
	addCommon(opts, o.Accept, o.Filters)
	return ask(ctx, conn, "OpenFile", parent, o.Title, opts)
}

// SaveFile shows the desktop's save dialog and returns the chosen path,
// or "" when the person cancelled.
func SaveFile(ctx context.Context, parent string, s Save) (string, error) {
	conn, _, err := connect(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	opts := map[string]dbus.Variant{"modal": dbus.MakeVariant(true)}
	if s.Name != "" {
		opts["current_name"] = dbus.MakeVariant(s.Name)
	}
	addCommon(opts, s.Accept, s.Filters)
	paths, err := ask(ctx, conn, "SaveFile", parent, s.Title, opts)
	if err != nil || len(paths) == 0 {
		return "", err
	}
	return paths[0], nil
}

func addCommon(opts map[string]dbus.Variant, accept string, fs []Filter) {
	if accept != "" {
		opts["accept_label"] = dbus.MakeVariant(accept)
	}
	if len(fs) == 0 {
		return
	}
	list := make([]filter, 0, len(fs))
	for _, f := range fs {
		pf := filter{Name: f.Name}
		for _, e := range f.Exts {
			pf.Rules = append(pf.Rules, rule{Pattern: "*" + strings.ToLower(e)}, rule{Pattern: "*" + strings.ToUpper(e)})
		}
		list = append(list, pf)
	}
	opts["filters"] = dbus.MakeVariant(list)
	opts["current_filter"] = dbus.MakeVariant(list[0])
}

// ask calls a FileChooser method and waits for its Request's Response
// signal. It subscribes before calling, at the request path the portal
// will use (derived from our bus name and a token we choose), so the
// answer cannot arrive unheard.
func ask(ctx context.Context, conn *dbus.Conn, method, parent, title string, opts map[string]dbus.Variant) ([]string, error) {
	token, err := handleToken()
	if err != nil {
		return nil, err
	}
	opts["handle_token"] = dbus.MakeVariant(token)
	names := conn.Names()
	if len(names) == 0 {
		return nil, ErrUnavailable
	}
	sender := strings.ReplaceAll(strings.TrimPrefix(names[0], ":"), ".", "_")
	want := dbus.ObjectPath("/org/freedesktop/portal/desktop/request/" + sender + "/" + token)
	if err := conn.AddMatchSignalContext(ctx, dbus.WithMatchObjectPath(want), dbus.WithMatchInterface(requestIfc),
		dbus.WithMatchMember("Response")); err != nil {
		return nil, ErrUnavailable
	}
	signals := make(chan *dbus.Signal, 4)
	conn.Signal(signals)
	defer conn.RemoveSignal(signals)

	var handle dbus.ObjectPath
	err = conn.Object(busName, objectPath).CallWithContext(ctx, chooser+"."+method, 0, parent, title, opts).Store(&handle)
	if err != nil {
		var de dbus.Error
		if errors.As(err, &de) && (strings.HasSuffix(de.Name, ".UnknownMethod") || strings.HasSuffix(de.Name, ".ServiceUnknown") ||
			strings.HasSuffix(de.Name, ".UnknownInterface") || strings.HasSuffix(de.Name, ".UnknownObject")) {
			return nil, ErrUnavailable
		}
		return nil, fmt.Errorf("the system file dialog could not be shown: %w", err)
	}
	if handle != want { // an old portal that ignores handle_token
		if err := conn.AddMatchSignalContext(ctx, dbus.WithMatchObjectPath(handle), dbus.WithMatchInterface(requestIfc),
			dbus.WithMatchMember("Response")); err != nil {
			return nil, err
		}
	}
	for {
		select {
		case <-ctx.Done():
			conn.Object(busName, handle).Call(requestIfc+".Close", 0)
			return nil, ctx.Err()
		case s, ok := <-signals:
			if !ok {
				return nil, errors.New("the session bus closed while the file dialog was open")
			}
			if s.Path != handle || s.Name != requestIfc+".Response" {
				continue
			}
			return response(s.Body)
		}
	}
}

// response reads a Request's Response: (u code, a{sv} results); code 0 is
// a choice, 1 a cancel, 2 the dialog ended some other way.
func response(body []any) ([]string, error) {
	if len(body) != 2 {
		return nil, errors.New("the file dialog gave an answer of an unknown form")
	}
	code, _ := body[0].(uint32)
	results, _ := body[1].(map[string]dbus.Variant)
	switch code {
	case 0:
	case 1:
		return nil, nil
	default:
		return nil, errors.New("the system file dialog closed without a choice")
	}
	uris, _ := results["uris"].Value().([]string)
	if len(uris) == 0 {
		return nil, nil
	}
	return localPaths(uris)
}

func handleToken() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "custody_" + hex.EncodeToString(b[:]), nil
}
