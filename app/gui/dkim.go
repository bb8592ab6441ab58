package gui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/app/dkimcheck"
	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/dkimrecord"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/archive/quote"
)

// dkimWords is a dkim event for people: its outcome and where the key
// came from (untrusted text: shown through quote.Safe by the caller).
func dkimWords(verdict, what, source string) string {
	o, err := dkimrecord.ParseOutcome(verdict, what, source)
	if err != nil {
		return verdict + " (" + what + ")"
	}
	s := o.Summary()
	if source != "" {
		s += "; key from " + source
	}
	return s + "; x= judged at " + o.At.Format(time.RFC3339)
}

// loadDKIM reads every message's latest DKIM outcome for the documents
// table's DKIM column, off the UI goroutine.
func (u *ui) loadDKIM(a *archive.Archive, m *mainView) {
	u.goWork(func() {
		res, err := a.DKIMResults()
		if err != nil {
			return
		}
		u.do(func() {
			if u.main == m {
				m.docs.dkim = res
				m.docs.table.Refresh()
			}
		})
	})
}

// checkDKIMDialog asks for a file of key records (optional) and where it
// came from, then checks the marked messages, or every message.
func (u *ui) checkDKIMDialog() {
	if u.main == nil {
		return
	}
	keyFile := ""
	fileLabel := para("No key file: only the key records the archive holds are used.")
	source := widget.NewEntry()
	source.SetPlaceHolder("Where the key records came from, e.g. registrar zone export, 2024-03-06")
	pick := widget.NewButtonWithIcon("Key file…", theme.FileIcon(), func() {
		fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err == nil && r != nil {
				keyFile = r.URI().Path()
				r.Close()
				fileLabel.SetText("Key records from " + shownPath(keyFile))
				if source.Text == "" {
					source.SetText("key file " + filepath.Base(keyFile))
				}
			}
		}, u.win)
		fd.Resize(dialogSize(u.win))
		fd.Show()
	})
	which := "every message in the archive (.eml names)"
	if n := len(u.main.docs.markedIDs()); n > 0 {
		which = plural(n, "marked document", "marked documents")
	}
	body := container.NewVBox(
		para("Checks the DKIM signatures of "+which+" offline, against key records held, and records each outcome "+
			"in the provenance log. A key file holds DNS TXT lines as zone exports write them "+
			"(sel._domainkey.domain. IN TXT \"v=DKIM1; …\")."),
		container.NewBorder(nil, nil, pick, nil, fileLabel),
		source,
	)
	d := dialog.NewCustomConfirm("Check DKIM", "Check", "Cancel", body, func(ok bool) {
		if ok {
			u.checkDKIM(keyFile, strings.TrimSpace(source.Text), u.main.docs.markedIDs())
		}
	}, u.win)
	d.Resize(fyne.NewSize(min(620, u.win.Canvas().Size().Width-40), 0))
	d.Show()
}

// checkDKIM runs the check as a task and shows each message's outcome.
func (u *ui) checkDKIM(keyFile, source string, ids [][32]byte) {
	a, m := u.arc, u.main
	u.runTask("Checking DKIM signatures", func(ctx context.Context, p progress.Func) func() {
		checked, err := runDKIM(ctx, a, keyFile, source, ids, p)
		return func() {
			if err != nil && len(checked) == 0 {
				dialog.ShowError(shownErr(fmt.Errorf("no message was checked: %w", err)), u.win)
				return
			}
			u.loadDKIM(a, m)
			var lines []string
			invalid := 0
			for _, c := range checked {
				if c.Outcome.Result == dkimrecord.Invalid {
					invalid++
				}
				lines = append(lines, quote.Safe(c.Outcome.Summary())+"   "+quote.Safe(c.Name))
			}
			u.lastSummary = fmt.Sprintf("Checked %s; %d did not verify", plural(len(checked), "message", "messages"), invalid)
			text := widget.NewLabel(strings.Join(lines, "\n"))
			text.Wrapping = fyne.TextWrapWord
			scroll := container.NewVScroll(text)
			scroll.SetMinSize(fyne.NewSize(560, 240))
			head := para(u.lastSummary + ". Each outcome is signed into the provenance log.")
			dialog.ShowCustom("DKIM", "Close", container.NewBorder(head, nil, nil, nil, scroll), u.win)
		}
	})
}

func runDKIM(ctx context.Context, a *archive.Archive, keyFile, source string, ids [][32]byte, p progress.Func) ([]dkimcheck.Checked, error) {
	if keyFile != "" {
		f, err := os.Open(keyFile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if source == "" {
			source = "key file " + filepath.Base(keyFile)
		}
		keys, err := dkimrecord.ParseZone(f, source, time.Now())
		if err != nil {
			return nil, err
		}
		if _, err := a.AddDKIMKeys(keys); err != nil {
			return nil, err
		}
	}
	if len(ids) == 0 {
		var err error
		if ids, err = dkimcheck.Messages(a); err != nil {
			return nil, err
		}
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("the archive holds no e-mail messages (.eml or .mbox imports)")
	}
	return dkimcheck.Run(ctx, a, ids, dkimcheck.Options{Progress: p})
}

// dkimCell is the DKIM column: the result word only.
func dkimCell(summary string) string {
	if summary == "" {
		return ""
	}
	if i := strings.Index(summary, " ("); i > 0 {
		return summary[:i]
	}
	return summary
}
