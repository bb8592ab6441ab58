package gui

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive"
)

// prefRecent lists the archives opened last, newest first.
const (
	prefRecent = "recent"
	maxRecent  = 8
)

// recent returns the remembered archive folders, newest first.
func (u *ui) recent() []string {
	return u.app.Preferences().StringList(prefRecent)
}

// remember puts dir at the top of the recent archives, in place of any
// other spelling of the same folder.
func (u *ui) remember(dir string) {
	dir = filepath.Clean(dir)
	list := slices.DeleteFunc(u.recent(), func(s string) bool { return sameFolder(s, dir) })
	list = append([]string{dir}, list...)
	if len(list) > maxRecent {
		list = list[:maxRecent]
	}
	u.app.Preferences().SetStringList(prefRecent, list)
}

// recentList shows the recent archives (except skip) as buttons that open
// them; nil when there are none.
func (u *ui) recentList(skip string) fyne.CanvasObject {
	box := container.NewVBox()
	for _, dir := range u.recent() {
		if skip != "" && sameFolder(dir, skip) {
			continue
		}
		dir := dir
		label := filepath.Base(filepath.Dir(dir)) + string(filepath.Separator) + filepath.Base(dir)
		b := widget.NewButtonWithIcon(label, theme.FolderOpenIcon(), func() { u.choose(dir) })
		b.Alignment = widget.ButtonAlignLeading
		where := widget.NewLabel(shownPath(dir))
		where.Truncation = fyne.TextTruncateEllipsis
		if !archive.Exists(dir) {
			b.Disable()
			where.SetText(shownPath(dir) + " (not found)")
		}
		box.Add(container.NewBorder(nil, nil, b, nil, where))
	}
	if len(box.Objects) == 0 {
		return nil
	}
	return container.NewVBox(heading("Recent archives"), box)
}

// foldsCase is true where the usual file system ignores case in names
// (NTFS, APFS), so C:\Cases and c:\cases are one folder.
const foldsCase = runtime.GOOS == "windows" || runtime.GOOS == "darwin"

// sameFolder tells whether two spellings name one folder: C:/x and C:\x
// on Windows, "a/b/" and "a/b", a path through a link and the
// folder itself. When both exist the file system answers; otherwise the
// cleaned paths are compared, ignoring case where the system does.
func sameFolder(a, b string) bool {
	if sa, err := os.Stat(a); err == nil {
		if sb, err := os.Stat(b); err == nil {
			return os.SameFile(sa, sb)
		}
	}
	return samePathText(a, b, foldsCase)
}

// samePathText compares cleaned paths (on Windows, Clean also turns
// slashes into backslashes).
func samePathText(a, b string, fold bool) bool {
	a, b = filepath.Clean(a), filepath.Clean(b)
	if fold {
		return strings.EqualFold(a, b)
	}
	return a == b
}
