package gui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive/humansize"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/archive/remote"
	"github.com/custody-app/custody/verify/fixity"
	"github.com/custody-app/custody/verify/remotecheck"
	"github.com/custody-app/custody/verify/report"
)

// showRemotes lists the archive's remote copies with their last push and
// last check, and pushes to, checks or repairs from one (docs/remote.md).
// Remotes are added with custody remote add.
func (u *ui) showRemotes() {
	if u.arc == nil || u.main == nil {
		return
	}
	list, err := remote.List(u.arc)
	if err != nil {
		dialog.ShowError(shownErr(err), u.win)
		return
	}
	box := container.NewVBox()
	if len(list) == 0 {
		box.Add(para("This archive has no remote copy. Add one at the command line:\n" +
			"custody remote add NAME s3://BUCKET/PREFIX --endpoint URL"))
	}
	var d dialog.Dialog
	for _, r := range list {
		box.Add(heading(quote.Safe(r.Name)))
		box.Add(mono(quote.Safe(r.URL())))
		box.Add(para(remoteLines(r.State)))
		name := r.Name
		push := widget.NewButton("Push", func() { d.Hide(); u.pushRemote(name) })
		check := widget.NewButton("Check the copy", func() { d.Hide(); u.checkRemote(name) })
		repair := widget.NewButton("Repair from it", func() { d.Hide(); u.repairFromRemote(name) })
		if u.readOnly {
			push.Disable()
			check.Disable()
			repair.Disable()
		}
		box.Add(container.NewHBox(push, check, repair))
	}
	d = dialog.NewCustom("Remote copies", "Close", container.NewVScroll(box), u.win)
	d.Resize(dialogSize(u.win))
	d.Show()
}

// remoteLines says when a remote was last pushed to and checked.
func remoteLines(st *remote.State) string {
	s := "Never pushed."
	if p := st.LastPush; p != nil {
		s = fmt.Sprintf("Last push: %s, %d pack file(s) uploaded (%s), %d already there, log events %d.",
			longTime(p.At), p.Packs, humansize.Bytes(p.Bytes), p.PacksThere, p.LogSize)
	}
	if c := st.LastCheck; c != nil {
		s += fmt.Sprintf("\nLast check: %s, %s, %d document(s) read, %d damaged.", longTime(c.At), c.Verdict, c.Docs, c.Damaged)
	} else {
		s += "\nNever checked."
	}
	return s
}

func (u *ui) pushRemote(name string) {
	a, pass := u.arc, u.pass
	u.runTask("Pushing to "+quote.Safe(name), func(ctx context.Context, p progress.Func) func() {
		rec, err := remote.Push(ctx, a, name, remote.PushOptions{Passphrase: pass, Progress: p})
		return func() {
			if err != nil {
				dialog.ShowError(shownErr(hinted(err)), u.win)
				return
			}
			dialog.ShowInformation("Pushed", fmt.Sprintf("%d pack file(s) uploaded (%s), %d already there; store snapshot %s with %d log events.",
				rec.Packs, humansize.Bytes(rec.Bytes), rec.PacksThere, humansize.Bytes(rec.Snapshot), rec.LogSize), u.win)
		}
	})
}

func (u *ui) checkRemote(name string) {
	a := u.arc
	u.runTask("Checking the copy on "+quote.Safe(name), func(ctx context.Context, p progress.Func) func() {
		st, err := remote.Load(a, name)
		var res *remotecheck.Result
		var c *remote.Client
		if err == nil {
			c, err = remote.Dial(st.Location)
		}
		if err == nil {
			opt := remotecheck.Options{Progress: p}
			res, err = remotecheck.Check(ctx, a, c, opt)
		}
		recorded := ""
		if err == nil && res.Report.Verdict != report.Cancelled {
			if idx, rerr := remotecheck.Record(a, name, st, res); rerr != nil {
				recorded = "Not recorded: " + rerr.Error()
			} else {
				recorded = fmt.Sprintf("Recorded in the log as event %d.", idx)
			}
		}
		return func() {
			if err != nil {
				dialog.ShowError(shownErr(hinted(err)), u.win)
				return
			}
			u.showReport("Remote copy check", res.Report, report.ArchiveCheck, para(quote.Safe(recorded)))
		}
	})
}

func (u *ui) repairFromRemote(name string) {
	a := u.arc
	u.runTask("Repairing from "+quote.Safe(name), func(ctx context.Context, p progress.Func) func() {
		cov := &fixity.Coverage{}
		fixity.Check(ctx, a, fixity.Options{Progress: p, Coverage: cov})
		done, failed, err := remote.Repair(ctx, a, name, cov.Damaged)
		return func() {
			if err != nil {
				dialog.ShowError(shownErr(hinted(err)), u.win)
				return
			}
			text := fmt.Sprintf("%d damaged document(s) found, %d repaired.", len(cov.Damaged), len(done))
			for id, why := range failed {
				text += fmt.Sprintf("\nNot repaired: %x: %s", id[:6], quote.Safe(why))
			}
			dialog.ShowInformation("Repair", text, u.win)
		}
	})
}
