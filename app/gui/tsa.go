package gui

import (
	"context"
	"fmt"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/archive/tsa"
)

// tsaSection is the Keys page's part on time stamps: the time-stamping
// authorities this archive asks (custody timestamp) and the TSA roots it
// trusts (custody keys trust-tsa), with a way to add either.
type tsaSection struct {
	list   *widget.Label
	url    *widget.Entry
	add    *widget.Button
	status *widget.Label
}

func (u *ui) timeStampingBox() fyne.CanvasObject {
	s := &tsaSection{list: para(""), url: widget.NewEntry(), status: errorText()}
	s.url.SetPlaceHolder("A time-stamping authority's address (RFC 3161), e.g. https://freetsa.org/tsr")
	s.add = widget.NewButtonWithIcon("Add TSA", theme.ContentAddIcon(), func() { u.addTSA(s) })
	root := widget.NewButtonWithIcon("Trust a TSA root…", theme.FileIcon(), func() { u.trustTSARootDialog(s) })
	if u.readOnly {
		s.url.Disable()
		s.add.Disable()
		root.Disable()
	}
	u.refreshTSAs(s)
	return container.NewVBox(
		para("Each time-stamping authority signs, with its own clock, that a checkpoint existed: "+
			"\"recorded before … per <TSA>\". New checkpoints are stamped after each operation; one left "+
			"unstamped (no network) is stamped at the next chance."),
		s.list,
		container.NewBorder(nil, nil, nil, container.NewHBox(s.add, root), s.url),
		s.status,
	)
}

// refreshTSAs lists the configured TSAs and trusted roots.
func (u *ui) refreshTSAs(s *tsaSection) {
	var lines []string
	if list, err := u.arc.TSAList(); err != nil {
		lines = append(lines, "The time-stamping authorities could not be read: "+quote.Safe(err.Error()))
	} else {
		for _, t := range list {
			lines = append(lines, fmt.Sprintf("%s  —  %s", quote.Safe(t.Name), quote.Safe(t.URL)))
		}
	}
	if roots, err := u.arc.TSARoots(); err == nil {
		for _, r := range roots {
			certs, _ := tsa.RootCerts([]byte(r.PEM))
			for _, c := range certs {
				lines = append(lines, "Trusted root "+quote.Safe(r.Name)+": "+quote.Safe(c.Subject.String()))
			}
		}
	}
	if len(lines) == 0 {
		lines = append(lines, "No time-stamping authority yet.")
	}
	s.list.SetText(strings.Join(lines, "\n"))
}

// addTSA adds the TSA at the address typed, which stamps the current
// checkpoint at once (off the UI goroutine: it is a network request).
func (u *ui) addTSA(s *tsaSection) {
	url := strings.TrimSpace(s.url.Text)
	if url == "" {
		showError(s.status, "Type the TSA's address first.")
		return
	}
	a := u.arc
	s.add.Disable()
	showError(s.status, "Asking "+quote.Safe(url)+"…")
	u.goWork(func() {
		st, err := a.AddTSA(context.Background(), "", url)
		u.do(func() {
			s.add.Enable()
			if err != nil {
				showError(s.status, "Not added: "+err.Error())
				return
			}
			s.url.SetText("")
			showError(s.status, fmt.Sprintf("Added. Checkpoint %d %s.", st.Size, tsa.RecordedBefore(st.Time, st.Accuracy, st.Issuer)))
			u.refreshTSAs(s)
		})
	})
}

// trustTSARootDialog reads a PEM file of root certificates and trusts
// them under the file's name.
func (u *ui) trustTSARootDialog(s *tsaSection) {
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		pem, err := io.ReadAll(io.LimitReader(r, 1<<20))
		if err == nil {
			err = u.arc.TrustTSARoot(strings.TrimSuffix(r.URI().Name(), r.URI().Extension()), pem)
		}
		if err != nil {
			showError(s.status, "Not trusted: "+err.Error())
			return
		}
		showError(s.status, "Time stamps that chain to "+quote.Safe(r.URI().Name())+" are trusted now.")
		u.refreshTSAs(s)
	}, u.win)
	fd.Resize(dialogSize(u.win))
	fd.Show()
}
