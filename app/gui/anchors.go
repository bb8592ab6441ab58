package gui

import (
	"context"
	"crypto/x509"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/tsa"
	"github.com/custody-app/custody/verify/bundle"
)

// anchor has the configured time-stamping authorities stamp the
// checkpoints the last operation signed. It runs off the UI goroutine
// (in a task's worker, or after a tag or note); a TSA that does not
// answer leaves its checkpoints for the next chance, without a word: the
// operation itself succeeded.
func anchor(a *archive.Archive) {
	if a == nil || !a.Writable() {
		return
	}
	a.AnchorCheckpoints(context.Background())
}

// addTimeLines shows the bundle's time stamps under the signer: "the
// checkpoint was recorded before … per <TSA>", and the bracket's other
// end.
func addTimeLines(info *fyne.Container, res *bundle.Result) {
	for _, t := range res.Timestamps {
		line := "Checkpoint " + t.Words
		if t.NotBefore != "" {
			line += fmt.Sprintf("; not before %s (its newest event, by the sender's clock)", t.NotBefore)
		}
		l := widget.NewLabel(line)
		l.Wrapping = fyne.TextWrapWord
		info.Add(l)
	}
}

// documentAnchor is the document screen's time stamp: the first stamped
// checkpoint that covers the event that introduced the document, worded
// as a bundle check words it (trusted when its TSA chains to a root this
// archive trusts). Read off the UI goroutine; nil when there is none.
func documentAnchor(a *archive.Archive, doc [32]byte) fyne.CanvasObject {
	size, stamps, note, err := a.DocumentStamps(doc)
	if err != nil || len(stamps) == 0 {
		return nil
	}
	certs, _ := a.TSARootCerts()
	var pool *x509.CertPool
	if len(certs) > 0 {
		pool = x509.NewCertPool()
		for _, c := range certs {
			pool.AddCert(c)
		}
	}
	box := container.NewVBox()
	for _, s := range stamps {
		st, err := tsa.Check(s.Token, note, pool)
		if err != nil {
			continue
		}
		line := fmt.Sprintf("Checkpoint %d, which covers this document's arrival, was %s", size, st.Words())
		if !st.Trusted {
			line += " (its root is not among the trusted TSA roots)"
		}
		l := widget.NewLabel(line)
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	}
	if len(box.Objects) == 0 {
		return nil
	}
	return box
}
