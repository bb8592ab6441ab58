package gui

import (
	"path/filepath"
	"slices"

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

// remember puts dir at the top of the recent archives.
func (u *ui) remember(dir string) {
	list := slices.DeleteFunc(u.recent(), func(s string) bool { return s == dir })
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
		if dir == skip {
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
