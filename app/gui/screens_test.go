package gui

import (
	"bytes"
	"context"
	"fyne.io/fyne/v2/widget"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/bundlewriter"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/progress"
)

// TestScreens draws every screen with the real theme and writes each as a
// PNG into $CUSTODY_SCREENSHOTS (scripts/screenshots sets it): at
// 1280×800 in the light theme, some also in the dark theme, and each at
// 900×600 under small/.
func TestScreens(t *testing.T) {
	out := os.Getenv("CUSTODY_SCREENSHOTS")
	if out == "" {
		t.Skip("set CUSTODY_SCREENSHOTS=DIR to draw every screen into DIR")
	}
	s := newStudio(t, out)
	for _, sc := range s.scenes() {
		s.shoot(sc, "light", fyne.NewSize(1280, 800), filepath.Join(out, sc.name+".png"))
		s.shoot(sc, "light", fyne.NewSize(900, 600), filepath.Join(out, "small", sc.name+".png"))
		if sc.dark {
			s.shoot(sc, "dark", fyne.NewSize(1280, 800), filepath.Join(out, sc.name+"-dark.png"))
		}
	}
}

// scene is one screen: how to reach it from a fresh window.
type scene struct {
	name string
	dark bool
	env  func() map[string]string
	show func(u *ui)
	then []func(u *ui) // more steps, each after the work of the one before
	busy bool          // show starts work that runs until the picture is taken
}

// studio holds the demo archives the scenes open.
type studio struct {
	t       *testing.T
	demo    string // the demo archive
	damaged string // an archive with one damaged chunk
	fromBo  string // a bundle from another archivist
	tamper  string // the same, with a payload file changed
	corpus  string // files to import
	more    string // a second delivery: new files, a copy, a link
	locked  string // an archive another program holds open
	home    string
}

func newStudio(t *testing.T, out string) *studio {
	s := &studio{t: t}
	os.MkdirAll(filepath.Join(out, "small"), 0o755)
	// Paths are shown relative to the home folder, as a person sees them.
	s.home = filepath.Join(t.TempDir(), "ana")
	docs := filepath.Join(s.home, "Documents")
	os.MkdirAll(docs, 0o755)
	t.Setenv("HOME", s.home)
	s.corpus = filepath.Join(s.home, "USB stick")
	files := screenFiles()
	for name, body := range files {
		p := filepath.Join(s.corpus, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(body), 0o644)
	}
	s.more = filepath.Join(s.home, "Envelope from B")
	for name, body := range map[string]string{
		"notes/meeting notes.txt": "Meeting with B. on 4 March: the transfer went through on 5 March.\n",
		"notes/phone log.txt":     "4 March 09:12 B. called; 09:40 B. called again.\n",
		"copy of minutes.eml":     files["leak/mail/2025-03-03 board minutes.eml"],
	} {
		p := filepath.Join(s.more, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(body), 0o644)
	}
	os.Symlink(filepath.Join(s.corpus, "leak"), filepath.Join(s.more, "shortcut to leak"))
	s.demo = makeArchiveAt(t, filepath.Join(docs, "Custody archive"), archivetest.Options(true), files, "USB stick from J., 3 March")
	a, err := archive.Open(s.demo, archivetest.Options(false))
	if err != nil {
		t.Fatal(err)
	}
	var minutes, budget [32]byte
	a.Each(func(r *catalog.Record) error {
		switch r.FirstName() {
		case "leak/mail/2025-03-03 board minutes.eml":
			minutes = r.Sum()
		case "leak/mail/budget 2025.eml":
			budget = r.Sum()
		}
		return nil
	}, nil)
	a.Annotate(minutes, []string{"board", "follow-up"}, "Ana confirmed the date by phone.")
	a.Annotate(budget, []string{"board"}, "")
	red := filepath.Join(writeFiles(t, map[string]string{"minutes-redacted.eml": redacted}), "minutes-redacted.eml")
	if _, err := a.Derive(context.Background(), red, [][32]byte{minutes}, "redaction", "names of two sources blacked out"); err != nil {
		t.Fatal(err)
	}
	bundlewriter.Create(context.Background(), a, bundlewriter.Options{Out: filepath.Join(t.TempDir(), "to lawyer.zip"),
		Docs: [][32]byte{minutes}, Note: "for the lawyer"})
	a.Close()

	s.damaged = makeArchiveAt(t, filepath.Join(docs, "Old archive"), archivetest.Plain(true), map[string]string{
		"leak/mail/2025-03-03 board minutes.eml": files["leak/mail/2025-03-03 board minutes.eml"],
		"leak/chat/signal export.txt":            files["leak/chat/signal export.txt"],
	}, "USB stick from J., 3 March")
	archivetest.FlipMarker(t, s.damaged, "store/*.vlog", []byte("Item 4"), 0, 1)
	s.fromBo, _ = otherArchiveBundleAt(t, filepath.Join(s.home, "Downloads", "bundle from Bo"))
	s.tamper, _ = otherArchiveBundleAt(t, filepath.Join(s.home, "Downloads", "bundle from Bo (altered)"))
	s.locked = makeArchiveAt(t, filepath.Join(docs, "Shared archive"), archivetest.Options(true), files, "")
	held, err := archive.Open(s.locked, archivetest.Options(false))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { held.Close() })
	os.WriteFile(filepath.Join(s.tamper, "data", "leak", "chat", "log.txt"), []byte("[12:01] ana: nothing to see\n"), 0o644)
	return s
}

func (s *studio) shoot(sc scene, variant string, size fyne.Size, path string) {
	t := s.t
	env := map[string]string{"CUSTODY_ARCHIVE": s.demo, "CUSTODY_PASSPHRASE": archivetest.Passphrase}
	if sc.env != nil {
		env = sc.env()
	}
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefTheme, variant)
	u := newUI(a, testConfig(env))
	u.do = func(fn func()) { locked(fn) }
	u.win.Resize(size)
	u.win.Show()
	act(u, u.start)
	if sc.busy {
		locked(func() { sc.show(u) })
	} else {
		act(u, func() { sc.show(u) })
	}
	for _, step := range sc.then {
		act(u, func() { step(u) })
	}
	time.Sleep(50 * time.Millisecond)
	// Lay out twice, as a running window does: wrapped text knows its
	// height only once it knows its width.
	for range 2 {
		locked(func() {
			u.win.Canvas().Content().Refresh()
			for _, o := range u.win.Canvas().Overlays().List() {
				o.Refresh()
			}
		})
	}
	var img image.Image
	locked(func() { img = u.win.Canvas().Capture() })
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, cancel := range u.cancels {
		cancel()
	}
	u.wait()
	u.closeArchive()
	u.win.Close()
}

func (s *studio) scenes() []scene {
	missing := func() map[string]string {
		return map[string]string{"CUSTODY_ARCHIVE": filepath.Join(s.t.TempDir(), "Custody archive")}
	}
	noPass := func() map[string]string { return map[string]string{"CUSTODY_ARCHIVE": s.demo} }
	docNamed := func(u *ui, name string) *catalog.Record {
		for _, r := range u.main.docs.records(s.t) {
			if r.FirstName() == name {
				return r
			}
		}
		s.t.Fatalf("no %s", name)
		return nil
	}
	return []scene{
		{name: "welcome", env: missing, show: func(u *ui) {}},
		{name: "create", env: missing, show: func(u *ui) {
			u.showCreate(filepath.Join(filepath.Dir(s.demo), "Custody archive"))
			u.createPage.name.SetText("Ana Ruiz")
			u.createPage.org.SetText("Daily Ledger")
			test.Type(u.createPage.pass, "quiet river lantern copper")
			test.Type(u.createPage.again, "quiet river")
		}},
		{name: "unlock", env: noPass, show: func(u *ui) {
			test.Type(u.unlockPage.pass, "wrong guess")
			u.openArchive(s.demo, []byte("wrong guess"), false)
		}},
		{name: "documents", dark: true, show: func(u *ui) {}},
		{name: "search", show: func(u *ui) {
			test.Type(u.main.docs.search, "minutes")
		}},
		{name: "import", show: func(u *ui) {
			u.askImport([]string{filepath.Join(s.corpus, "leak")})
			u.importForm.source.SetText("Envelope from B., 4 March")
			u.importForm.note.SetText("Handed over in person at the office")
		}},
		{name: "import-progress", dark: true, busy: true, show: func(u *ui) {
			release := make(chan struct{})
			tk := u.runTask("Importing", func(ctx context.Context, p progress.Func) func() {
				select {
				case <-release:
				case <-ctx.Done():
				}
				return nil
			})
			tk.show(progress.Progress{Files: 1234, TotalFiles: 4000, Bytes: 812_000_000, TotalBytes: 2_900_000_000,
				Current: "leak/mail/2019/archive-2019-04.mbox", Elapsed: 41 * time.Second})
		}},
		{name: "import-summary", show: func(u *ui) {
			u.startImport([]string{s.more}, "Envelope from B., 4 March", "")
		}},
		{name: "document", dark: true, show: func(u *ui) {
			u.showDocument(docNamed(u, "leak/mail/2025-03-03 board minutes.eml"))
		}},
		{name: "document-preview", show: func(u *ui) {
			u.showDocument(docNamed(u, "leak/mail/2025-03-03 board minutes.eml"))
			u.main.doc.tabs.SelectIndex(1)
		}},
		{name: "image-preview", show: func(u *ui) {
			u.showDocument(docNamed(u, "leak/scans/expenses chart.png"))
			u.main.doc.tabs.SelectIndex(1)
		}},
		{name: "provenance", show: func(u *ui) {
			u.showDocument(docNamed(u, "minutes-redacted.eml"))
			u.main.doc.tabs.SelectIndex(2)
		}},
		{name: "derive", show: func(u *ui) {
			u.showDocument(docNamed(u, "leak/mail/budget 2025.eml"))
			u.deriveFrom([]*catalog.Record{u.main.doc.rec})
			u.deriveForm.file.SetText(filepath.Join(s.corpus, "budget-redacted.eml"))
			u.deriveForm.note.SetText("account numbers blacked out")
		}},
		{name: "verify-intact", show: func(u *ui) { u.verifyArchive() }},
		{name: "verify-damaged", dark: true, env: func() map[string]string {
			return map[string]string{"CUSTODY_ARCHIVE": s.damaged, "CUSTODY_PASSPHRASE": archivetest.Passphrase}
		}, show: func(u *ui) {
			if u.arc == nil {
				u.showUnlockMode(s.damaged, true)
				u.openArchive(s.damaged, []byte(archivetest.Passphrase), true)
			}
		}, then: []func(*ui){func(u *ui) { u.verifyArchive() }}},
		{name: "locked", env: func() map[string]string {
			return map[string]string{"CUSTODY_ARCHIVE": s.locked, "CUSTODY_PASSPHRASE": archivetest.Passphrase}
		}, show: func(u *ui) {}},
		{name: "export-bundle", show: func(u *ui) {
			u.main.docs.search.SetText("board")
		}, then: []func(*ui){func(u *ui) {
			u.main.docs.markAllShown()
			u.exportBundleDialog()
			u.bundleForm.format.SetSelected(".zip file")
			u.bundleForm.name.SetText("for the lawyer")
		}}},
		{name: "export-bundle-originals", show: func(u *ui) {
			u.main.docs.search.SetText("board")
		}, then: []func(*ui){func(u *ui) {
			u.main.docs.markAllShown()
			u.exportBundleDialog()
			u.bundleForm.ancestors.SetChecked(true)
			u.bundleForm.sources.SetChecked(true)
		}}},
		{name: "export-bundle-preview", show: func(u *ui) {
			u.main.docs.search.SetText("board")
		}, then: []func(*ui){func(u *ui) {
			u.main.docs.markAllShown()
			what := widget.NewRadioGroup([]string{"m"}, nil)
			what.SetSelected("m")
			opt, _ := u.bundleOptions(&bundleForm{what: what, ancestors: widget.NewCheck("", nil),
				sources: widget.NewCheck("", nil), notes: widget.NewCheck("", nil), tags: widget.NewCheck("", nil)}, map[string]string{fromMarked: "m"})
			u.previewBundle(opt)
		}}},
		{name: "bundle-signer-unknown", dark: true, show: func(u *ui) { u.verifyBundle(s.fromBo) }},
		{name: "bundle-tampered", show: func(u *ui) { u.verifyBundle(s.tamper) }},
		{name: "trust", show: func(u *ui) { u.verifyBundle(s.fromBo) }, then: []func(*ui){func(u *ui) {
			u.trustKeyDialog("Bo Lind, City Desk", u.main.report.bundle.Signer.VerifierKey)
		}}},
		{name: "keys", show: func(u *ui) { u.showKeys() }},
		{name: "log", show: func(u *ui) { u.showLog() }},
	}
}

const redacted = "From: Ana Ruiz <ana@example.org>\r\nTo: board@example.org\r\nSubject: Board minutes, 3 March\r\n" +
	"Date: Mon, 3 Mar 2025 10:00:00 +0000\r\n\r\nPresent: ███████, ███████, the chair.\r\n"

// screenFiles is the demo corpus: mail, chat, JSON, a chart, a PDF.
func screenFiles() map[string]string {
	minutes := "From: Ana Ruiz <ana@example.org>\r\nTo: board@example.org\r\nCc: legal@example.org\r\n" +
		"Subject: =?UTF-8?Q?Board_minutes_=E2=80=93_3_March?=\r\nDate: Mon, 3 Mar 2025 10:00:00 +0000\r\n" +
		"Message-ID: <minutes-0303@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Present: Bo Lind, Cy Moreau, the chair.\r\n\r\nItem 1. The 2024 accounts were approved.\r\n" +
		"Item 2. The transfer to the Harbour Trust was discussed; no minutes to be circulated.\r\n" +
		"Item 3. Next meeting on 7 April.\r\n"
	for i := 4; i < 60; i++ {
		minutes += "Item " + itoa(i) + ". Routine business, noted without discussion.\r\n"
	}
	return map[string]string{
		"leak/mail/2025-03-03 board minutes.eml": minutes,
		"leak/mail/budget 2025.eml": "From: Bo Lind <bo@example.org>\r\nTo: ana@example.org\r\nSubject: Budget 2025\r\n" +
			"Date: Tue, 4 Mar 2025 08:12:00 +0000\r\n\r\nThe figures are below. Account 4471-2290.\r\n",
		"leak/mail/re transfer.eml": "From: Cy Moreau <cy@example.org>\r\nTo: bo@example.org\r\nSubject: Re: transfer\r\n" +
			"Date: Wed, 5 Mar 2025 17:40:00 +0000\r\n\r\nDone. Please delete this message.\r\n",
		"leak/chat/signal export.txt":   "[2025-03-05 17:41] bo: did it go through?\n[2025-03-05 17:42] cy: yes\n",
		"leak/chat/channel.json":        `{"channel":"finance","messages":[{"from":"bo","text":"numbers?"},{"from":"cy","text":"sent"}]}`,
		"leak/scans/expenses chart.png": string(chartPNG()),
		"leak/scans/contract.pdf":       "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
		"budget-redacted.eml":           "From: Bo Lind <bo@example.org>\r\nSubject: Budget 2025\r\n\r\nAccount ████-████.\r\n",
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// chartPNG draws a bar chart, the kind of scan a leak holds.
func chartPNG() []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 480, 300))
	for y := range 300 {
		for x := range 480 {
			img.Set(x, y, color.NRGBA{250, 250, 245, 255})
		}
	}
	bars := []int{120, 200, 90, 240, 160, 60}
	for i, h := range bars {
		for x := 40 + i*70; x < 90+i*70; x++ {
			for y := 280 - h; y < 280; y++ {
				img.Set(x, y, color.NRGBA{uint8(40 + i*30), 90, 160, 255})
			}
		}
	}
	for x := 30; x < 460; x++ {
		img.Set(x, 280, color.NRGBA{30, 30, 30, 255})
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}
