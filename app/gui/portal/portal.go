// Package portal asks the desktop for its own file chooser through the
// xdg-desktop-portal FileChooser interface on the D-Bus session bus, the
// way Flatpak and Snap apps and GTK and Qt programs on a Linux desktop do.
// The person gets the dialog they know: several files at once, a path
// typed or pasted, bookmarks, and folders with dots in their names shown
// as folders.
//
// It talks D-Bus itself (github.com/godbus/dbus/v5, which Fyne already
// links) rather than through a wrapper, so that it listens for the answer
// before asking (no lost reply), decodes the file URIs the portal returns
// as URIs (a "+" in a name stays a "+"), and never starts a bus of its
// own: with no session bus, or no portal on it (a server, a test under
// Xvfb), every call returns ErrUnavailable at once and the caller shows
// its own dialog instead.
package portal

import (
	"errors"
	"net/url"
	"strings"
)

// ErrUnavailable says the system has no file chooser portal to ask.
var ErrUnavailable = errors.New("no file chooser portal on this desktop")

// Filter offers files whose names end with one of Exts (".pdf"), under
// Name ("Reports").
type Filter struct {
	Name string
	Exts []string
}

// Open describes an open dialog.
type Open struct {
	Title    string
	Accept   string // the accept button's label; "" lets the desktop choose
	Multiple bool   // several files (or folders) may be chosen
	Folder   bool   // choose folders instead of files
	Filters  []Filter
}

// Save describes a save dialog.
type Save struct {
	Title   string
	Accept  string
	Name    string // the file name suggested
	Filters []Filter
}

// localPaths turns the file:// URIs a portal returns into local paths.
// A URI of another scheme, or one that does not parse, is refused: the
// archive reads and writes only local files.
func localPaths(uris []string) ([]string, error) {
	out := make([]string, 0, len(uris))
	for _, s := range uris {
		u, err := url.Parse(s)
		if err != nil || u.Scheme != "file" || u.Path == "" || (u.Host != "" && u.Host != "localhost") {
			return nil, errors.New("the file chooser returned a location that is not a local file")
		}
		if strings.ContainsRune(u.Path, 0) {
			return nil, errors.New("the file chooser returned a name with a NUL byte")
		}
		out = append(out, u.Path)
	}
	return out, nil
}
