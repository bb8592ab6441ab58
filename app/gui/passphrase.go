package gui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive/keys"
)

// passForm is the Change passphrase dialog.
type passForm struct {
	old, pass, again *widget.Entry
	hint             *widget.Label
	dlg              *dialog.ConfirmDialog
}

// changePassphraseDialog changes the passphrase that seals the key. Only
// the wrapping changes: the signing key and the store key stay the same.
func (u *ui) changePassphraseDialog() {
	if !u.canWrite() {
		return
	}
	f := &passForm{old: widget.NewPasswordEntry(), pass: widget.NewPasswordEntry(), again: widget.NewPasswordEntry(),
		hint: widget.NewLabel("")}
	f.hint.Wrapping = fyne.TextWrapWord
	f.pass.OnChanged = func(s string) {
		st := passphraseStrength(s)
		if st.Word != "" {
			f.hint.SetText(st.Word + ": " + st.Hint)
		} else {
			f.hint.SetText(st.Hint)
		}
	}
	f.pass.OnChanged("")
	form := widget.NewForm(
		widget.NewFormItem("Current", f.old),
		widget.NewFormItem("New", f.pass),
		widget.NewFormItem("", f.hint),
		widget.NewFormItem("Again", f.again),
	)
	f.dlg = dialog.NewCustomConfirm("Change passphrase", "Change", "Cancel",
		container.NewVBox(form, para("Your signing key and the store's key stay the same; only the passphrase that seals them changes.")),
		func(ok bool) {
			if ok {
				u.passForm = nil
				u.submitPassphrase(f)
			}
		}, u.win)
	f.dlg.Resize(fyne.NewSize(min(560, u.win.Canvas().Size().Width-40), 0))
	u.passForm = f
	f.dlg.Show()
}

func (u *ui) submitPassphrase(f *passForm) {
	switch {
	case f.pass.Text == "":
		dialog.ShowError(errors.New("the new passphrase is empty; nothing was changed"), u.win)
		return
	case f.pass.Text != f.again.Text:
		dialog.ShowError(errors.New("the two new passphrases differ; nothing was changed"), u.win)
		return
	}
	dir, old, pass := u.arc.Dir(), []byte(f.old.Text), []byte(f.pass.Text)
	u.goWork(func() {
		err := keys.ChangePassphrase(dir, old, pass)
		u.do(func() {
			if err != nil {
				dialog.ShowError(err, u.win)
				return
			}
			clear(u.pass)
			u.pass = pass
			u.lastSummary = "Passphrase changed"
			dialog.ShowInformation("Passphrase changed", "Use the new passphrase from now on. Your key's fingerprint is unchanged.", u.win)
		})
	})
}
