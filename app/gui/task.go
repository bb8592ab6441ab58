package gui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive/progress"
)

// task is a long operation shown as a dialog with a progress bar, counts,
// the current file, the time left and a Cancel button. The work runs off
// the UI goroutine; its progress snapshots (about ten a second) are shown
// through fyne.Do.
type task struct {
	u       *ui
	dlg     dialog.Dialog
	bar     *widget.ProgressBar
	counts  *widget.Label
	current *widget.Label
	eta     *widget.Label
	cancel  context.CancelFunc
	stop    *widget.Button
	// For $CUSTODY_GUI_TIMING: how often progress reached the screen.
	shown    int
	lastShow time.Time
	maxGap   time.Duration
}

// runTask starts work with a context its Cancel button cancels, and calls
// done on the UI goroutine with work's result when it returns.
func (u *ui) runTask(titleText string, work func(ctx context.Context, p progress.Func) func()) *task {
	ctx, cancel := context.WithCancel(context.Background())
	t := &task{u: u, bar: widget.NewProgressBar(), counts: widget.NewLabel("Starting…"),
		current: widget.NewLabel(""), eta: widget.NewLabel(""), cancel: cancel}
	t.current.Truncation = fyne.TextTruncateEllipsis
	t.stop = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() {
		t.stop.Disable()
		t.stop.SetText("Stopping…")
		cancel()
	})
	body := container.NewVBox(t.bar, t.counts, t.current, t.eta, container.NewCenter(t.stop))
	t.dlg = dialog.NewCustomWithoutButtons(titleText, body, u.win)
	t.dlg.Resize(fyne.NewSize(min(560, u.win.Canvas().Size().Width-40), 0))
	t.dlg.Show()
	u.tasks++
	u.cancels[t] = cancel
	u.goWork(func() {
		finish := work(ctx, t.report)
		cancel()
		u.do(func() {
			if t.shown > 0 {
				u.logTiming("%s: progress shown %d times, longest gap %v", titleText, t.shown, t.maxGap.Round(time.Millisecond))
			}
			t.dlg.Hide()
			u.tasks--
			delete(u.cancels, t)
			if u.quitWhenIdle {
				if u.tasks == 0 {
					u.win.Close()
				}
				return
			}
			if finish != nil {
				finish()
			}
		})
	})
	return t
}

// report shows a progress snapshot; it is called off the UI goroutine.
func (t *task) report(p progress.Progress) {
	t.u.do(func() { t.show(p) })
}

func (t *task) show(p progress.Progress) {
	now := time.Now()
	if t.shown > 0 && now.Sub(t.lastShow) > t.maxGap {
		t.maxGap = now.Sub(t.lastShow)
	}
	t.shown++
	t.lastShow = now
	if done, total := work(p); total > 0 {
		t.bar.SetValue(done / total)
	}
	t.counts.SetText(progressCounts(p))
	if p.Current != "" {
		t.current.SetText(p.Current)
	}
	t.eta.SetText(eta(p))
}

// progressCounts writes "1,234 of 5,000 files · 1.2 GB of 3.4 GB".
func progressCounts(p progress.Progress) string {
	files := count(p.Files) + " files"
	if p.TotalFiles > 0 {
		files = fmt.Sprintf("%s of %s files", count(p.Files), count(p.TotalFiles))
	}
	bytes := humanBytes(p.Bytes)
	if p.TotalBytes > 0 {
		bytes = fmt.Sprintf("%s of %s", humanBytes(p.Bytes), humanBytes(p.TotalBytes))
	}
	return files + " · " + bytes
}

// perFile is what one file costs beyond its bytes (opening, committing,
// logging), in bytes' worth of time, so that many small files weigh in
// the progress bar and the time left as well as a few large ones.
const perFile = 16 << 10

// work is how much of the operation is done and how much there is, in
// bytes' worth of time.
func work(p progress.Progress) (done, total float64) {
	done = float64(p.Bytes) + float64(p.Files)*perFile
	total = float64(p.TotalBytes) + float64(p.TotalFiles)*perFile
	return done, total
}

// eta estimates the time left from the rate so far, once there is enough
// of it to go on.
func eta(p progress.Progress) string {
	done, total := work(p)
	if p.Elapsed < time.Second || done == 0 || total <= done {
		return ""
	}
	left := time.Duration((total - done) / done * float64(p.Elapsed))
	rate := float64(p.Bytes) / p.Elapsed.Seconds()
	return fmt.Sprintf("%s/s · %s left", humanBytes(int64(rate)), duration(left))
}
