package gui

import (
	"fmt"
	"strings"

	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/report"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive/keys"
)

// keysPage shows the archivist's own identity and the trust store.
type keysPage struct {
	trusted *fyne.Container
	errs    *widget.Label
	list    []keys.Trusted
}

// showKeys opens the keys page.
func (u *ui) showKeys() {
	if u.arc == nil || u.main == nil {
		return
	}
	pub := u.arc.Public()
	p := &keysPage{trusted: container.NewVBox(), errs: errorText()}
	u.main.keys = p
	fp := widget.NewLabelWithStyle(pub.Fingerprint, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true, Bold: true})
	fp.SizeName = theme.SizeNameSubHeadingText
	fp.Selectable = true
	org := pub.Organisation
	if org == "" {
		org = "—"
	}
	who := widget.NewForm(
		widget.NewFormItem("Name", para(quote.Safe(pub.Name))),
		widget.NewFormItem("Organisation", para(quote.Safe(org))),
		widget.NewFormItem("Created", para(longTime(pub.Created))),
		widget.NewFormItem("Fingerprint", fp),
		widget.NewFormItem("Verifier key", container.NewBorder(nil, nil, nil,
			u.copyButton("Copy", func() string { return pub.VerifierKey }), mono(quote.Safe(pub.VerifierKey)))),
		widget.NewFormItem("Log origin", mono(quote.Safe(pub.Origin))),
	)
	checkpoint := u.checkpointBox()
	back := widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), u.showDocuments)
	add := widget.NewButtonWithIcon("Trust a key…", theme.ContentAddIcon(), u.trustDialog)
	pass := widget.NewButtonWithIcon("Change passphrase…", theme.SettingsIcon(), u.changePassphraseDialog)
	if u.readOnly {
		add.Disable()
		pass.Disable()
	}
	box := container.NewVBox(
		container.NewBorder(nil, nil, back, nil, title("Keys and trust")),
		heading("Your identity"),
		para("Give your verifier key to the people who check your bundles, and read the fingerprint aloud "+
			"(by phone, in person) so they can confirm it is yours."),
		who,
		container.NewHBox(pass),
		heading("Latest checkpoint"),
		checkpoint,
		heading("Keys you trust"),
		para("A bundle signed by one of these keys is INTACT when it checks out; any other signer is UNKNOWN."),
		p.trusted,
		container.NewHBox(add),
		p.errs,
		heading("Time stamps"),
		u.timeStampingBox(),
	)
	u.showPage(pageKeys, container.NewVScroll(container.NewPadded(box)))
	u.refreshTrusted()
}

// checkpointBox shows the latest signed checkpoint: what a newsroom
// publishes so that anyone can later check its history was not rewritten.
func (u *ui) checkpointBox() fyne.CanvasObject {
	cp, err := u.arc.LatestCheckpoint()
	switch {
	case err != nil:
		return para("The checkpoint could not be read: " + quote.Safe(err.Error()))
	case cp == nil:
		return para("None yet: the archive signs one when something is imported.")
	}
	text := string(cp.Note)
	return container.NewVBox(
		para(fmt.Sprintf("Signed over the first %s events of the log. Publish it (a website, a newspaper) "+
			"so that anyone can later prove your history was not rewritten.", count(cp.Size))),
		mono(report.ShownLines(strings.TrimRight(text, "\n"))),
		container.NewHBox(u.copyButton("Copy checkpoint", func() string { return text })),
	)
}

// refreshTrusted reads the trust store and lists it.
func (u *ui) refreshTrusted() {
	p := u.main.keys
	list, err := u.arc.TrustList()
	p.list = list
	p.trusted.Objects = nil
	if err != nil {
		showError(p.errs, "The trust store could not be read: "+err.Error())
	}
	if len(list) == 0 {
		p.trusted.Add(para("No trusted keys yet."))
	}
	for _, t := range list {
		t := t
		rm := widget.NewButtonWithIcon("Remove", theme.DeleteIcon(), func() {
			dialog.ShowConfirm("Remove "+quote.Safe(t.Name)+"?",
				"Bundles signed by "+t.Fingerprint+" will show as SIGNER UNKNOWN until you trust the key again.",
				func(ok bool) {
					if ok {
						u.untrust(t.Name)
					}
				}, u.win)
		})
		if u.readOnly {
			rm.Disable()
		}
		info := para(fmt.Sprintf("%s\n%s · confirmed: %s · added %s", quote.Safe(t.Name), t.Fingerprint, quote.Safe(t.How), t.Added.Local().Format("2 Jan 2006")))
		p.trusted.Add(container.NewBorder(nil, nil, nil, rm, info))
	}
	p.trusted.Refresh()
}

func (u *ui) untrust(name string) {
	if err := u.arc.Untrust(name); err != nil {
		showError(u.main.keys.errs, err.Error())
		return
	}
	u.refreshTrusted()
}

// trustForm is the Trust a key dialog.
type trustForm struct {
	name, key *widget.Entry
	how       *widget.SelectEntry
	fp        *widget.Label
	errs      *widget.Label
	dlg       *dialog.ConfirmDialog
}

// trustDialog adds another archivist's verifier key to the trust store,
// showing its fingerprint to compare aloud before it is saved.
func (u *ui) trustDialog() { u.trustKeyDialog("", "") }

// trustHows are the usual ways to confirm a fingerprint, offered but never
// chosen for the person: the trust store records only what they state.
var trustHows = []string{"fingerprint read aloud by phone", "fingerprint compared in person",
	"fingerprint compared with a copy its owner published"}

func (u *ui) trustKeyDialog(name, key string) { u.trustKeyDialogThen(name, key, nil) }

// trustKeyDialogThen is trustKeyDialog; once the key is trusted, it says
// so and calls then (a bundle report checks the bundle again).
func (u *ui) trustKeyDialogThen(name, key string, then func()) {
	if !u.canWrite() {
		return
	}
	f := &trustForm{name: widget.NewEntry(), key: widget.NewMultiLineEntry(), how: widget.NewSelectEntry(trustHows),
		fp: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true, Bold: true}), errs: errorText()}
	f.name.SetPlaceHolder("Who it belongs to, e.g. Ana Ruiz, Daily Ledger")
	f.key.SetPlaceHolder("name+1234abcd+base64…")
	f.key.Wrapping = fyne.TextWrapBreak
	f.how.SetPlaceHolder("How you compared the fingerprint with its owner")
	f.key.OnChanged = func(s string) {
		_, info, err := keys.ParseVerifierKey(strings.TrimSpace(s))
		switch {
		case strings.TrimSpace(s) == "":
			f.fp.SetText("")
		case err != nil:
			f.fp.SetText("Not a valid key: " + quote.Safe(err.Error()))
		default:
			f.fp.SetText("Fingerprint: " + info.Fingerprint + "\nRead it aloud with its owner before trusting it.")
		}
	}
	f.fp.Wrapping = fyne.TextWrapWord
	f.name.SetText(name)
	f.key.SetText(key)
	form := widget.NewForm(
		widget.NewFormItem("Name", f.name),
		widget.NewFormItem("Verifier key", f.key),
		widget.NewFormItem("", f.fp),
		widget.NewFormItem("Confirmed how", f.how),
	)
	f.dlg = dialog.NewCustomConfirm("Trust a key", "Trust", "Cancel", container.NewVBox(form, f.errs), func(ok bool) {
		if !ok {
			return
		}
		if strings.TrimSpace(f.how.Text) == "" {
			showError(f.errs, "Say how you compared the fingerprint with the key's owner: it is recorded with the key.")
			f.dlg.Show()
			return
		}
		u.trustForm = nil
		name := strings.TrimSpace(f.name.Text)
		err := u.arc.Trust(name, strings.TrimSpace(f.key.Text), f.how.Text)
		if err != nil {
			dialog.ShowError(shownErr(fmt.Errorf("not trusted: %w", err)), u.win)
			return
		}
		if u.main.current == pageKeys {
			u.refreshTrusted()
		}
		u.lastSummary = fmt.Sprintf("Trusted %q (%s).", quote.Safe(name), quote.Safe(strings.TrimSpace(f.how.Text)))
		if then != nil {
			u.lastSummary += " The bundle is checked again with this key."
			then()
		}
		dialog.ShowInformation("Key trusted", u.lastSummary, u.win)
	}, u.win)
	f.dlg.Resize(fyne.NewSize(min(620, u.win.Canvas().Size().Width-40), 0))
	u.trustForm = f
	f.dlg.Show()
}
