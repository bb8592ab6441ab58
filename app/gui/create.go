package gui

import (
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/keys"
)

// createPage is the form that makes a new archive.
type createPage struct {
	location, name, org *widget.Entry
	pass, again         *widget.Entry
	meter               *widget.ProgressBar
	hint                *widget.Label
	encrypt             *widget.Check
	create              *widget.Button
	errs                *widget.Label
	busy                *widget.Activity
}

// showCreate offers to create an archive, in dir by default.
func (u *ui) showCreate(dir string) {
	u.setTitle("new archive")
	p := &createPage{
		location: widget.NewEntry(), name: widget.NewEntry(), org: widget.NewEntry(),
		pass: widget.NewPasswordEntry(), again: widget.NewPasswordEntry(),
		meter: widget.NewProgressBar(), hint: widget.NewLabel(""), errs: errorText(), busy: widget.NewActivity(),
	}
	u.createPage = p
	p.location.SetText(displayPath(dir))
	p.name.SetText(defaultName())
	p.name.SetPlaceHolder("Your name, as others will see it")
	p.org.SetPlaceHolder("Newsroom, library or organisation (optional)")
	p.pass.SetPlaceHolder("Several words you will remember")
	p.again.SetPlaceHolder("The same passphrase again")
	p.meter.Max = 4
	p.meter.TextFormatter = func() string { return passphraseStrength(p.pass.Text).Word }
	p.hint.Wrapping = fyne.TextWrapWord
	p.busy.Hide()
	p.encrypt = widget.NewCheck("Encrypt the documents in the archive (recommended)", nil)
	p.encrypt.SetChecked(true)
	p.pass.OnChanged = func(s string) {
		st := passphraseStrength(s)
		p.meter.SetValue(float64(st.Level))
		p.hint.SetText(st.Hint)
	}
	p.pass.OnChanged("")
	browse := widget.NewButtonWithIcon("Choose…", theme.FolderOpenIcon(), func() {
		u.pickOpen(pickFolder, "Where the archive goes", nil, func(paths []string) {
			p.location.SetText(displayPath(filepath.Join(paths[0], "Custody archive")))
		})
	})
	p.create = widget.NewButtonWithIcon("Create archive", theme.ConfirmIcon(), func() { u.submitCreate(p) })
	p.create.Importance = widget.HighImportance
	p.again.OnSubmitted = func(string) { u.submitCreate(p) }
	back := widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), u.start)

	form := widget.NewForm(
		widget.NewFormItem("Location", container.NewBorder(nil, nil, nil, browse, p.location)),
		widget.NewFormItem("Your name", p.name),
		widget.NewFormItem("Organisation", p.org),
		widget.NewFormItem("Passphrase", p.pass),
		widget.NewFormItem("Strength", p.meter),
		widget.NewFormItem("", p.hint),
		widget.NewFormItem("Again", p.again),
	)
	box := container.NewVBox(
		title("Create an archive"),
		para("Your name and a new signing key are sealed into the archive. Every document you add, and "+
			"everything you do to it, is signed with that key. The passphrase protects the key: without "+
			"it nobody can sign in your name, and it cannot be recovered if lost."),
		form,
		p.encrypt,
		para("Without encryption, anyone who can read the archive folder can read the documents; your "+
			"signing key stays protected either way."),
		p.errs,
		container.NewBorder(nil, nil, back, container.NewHBox(p.busy, p.create)),
	)
	u.setStartPage(box)
	u.win.Canvas().Focus(p.pass)
}

// submitCreate checks the form and creates the archive off the UI
// goroutine.
func (u *ui) submitCreate(p *createPage) {
	dir := expandPath(strings.TrimSpace(p.location.Text))
	switch {
	case dir == "":
		showError(p.errs, "Choose where the archive goes.")
		return
	case archive.Exists(dir):
		showError(p.errs, "There is already an archive in "+dir+". Choose another folder, or go back and open it.")
		return
	case strings.TrimSpace(p.name.Text) == "":
		showError(p.errs, "Give your name: it is part of every signature.")
		return
	case p.pass.Text == "":
		showError(p.errs, "Choose a passphrase.")
		return
	case p.pass.Text != p.again.Text:
		showError(p.errs, "The two passphrases differ. Type the same one twice.")
		return
	}
	if ents, err := os.ReadDir(dir); err == nil && !(len(ents) == 0 || len(ents) == 1 && ents[0].Name() == archive.LockFile) {
		showError(p.errs, dir+" is not empty. An archive needs a folder of its own: choose an empty or new folder.")
		return
	}
	showError(p.errs, "")
	opt := archive.Options{
		Create:     true,
		Passphrase: []byte(p.pass.Text),
		New: keys.CreateOptions{Name: strings.TrimSpace(p.name.Text), Organisation: strings.TrimSpace(p.org.Text),
			EncryptStore: p.encrypt.Checked, ScryptLogN: u.cfg.ScryptLogN},
		Store: u.cfg.Store,
	}
	p.create.Disable()
	p.busy.Show()
	p.busy.Start()
	u.goWork(func() {
		a, err := archive.Open(dir, opt)
		u.do(func() {
			p.busy.Stop()
			p.busy.Hide()
			p.create.Enable()
			if err != nil {
				showError(p.errs, "The archive was not created: "+hinted(err).Error())
				return
			}
			u.opened(a, opt.Passphrase, false)
		})
	})
}

// defaultName is the person's name from the operating system, for the
// name field.
func defaultName() string {
	if u, err := user.Current(); err == nil {
		if u.Name != "" {
			return strings.TrimRight(u.Name, ",")
		}
		return u.Username
	}
	return ""
}
