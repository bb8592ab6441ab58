package archive

import (
	"bufio"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"net/mail"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/mbox"
	"github.com/custody-app/custody/archive/mimewalk"
	"github.com/custody-app/custody/archive/pathsafe"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/archive/provenance"
)

// Mail containers. An imported mailbox (.mbox, or a file without an
// extension that reads as one) keeps its own record and gains one
// document per message, derived from it (kind extraction); each message,
// and each imported .eml file, gains one document per attachment, derived
// from the message. Everything is read back from the stored container,
// a message or attachment at a time (mbox.Open over a ReaderAt of the
// stored document, mimewalk for attachments): no plaintext is written
// anywhere, and a mailbox is never held in memory.

// mailBatch is how many messages are derived in one import: the list of
// messages waiting is bounded by it, whatever the mailbox's size.
const mailBatch = 1000

// MalformedMail starts the warning of a message whose MIME is malformed:
// what could be read was kept.
const MalformedMail = "MAIL_MALFORMED"

type mailKind int

const (
	notMail mailKind = iota
	mailbox
	message
)

// mayBeMail says whether a file imported from path may be a mail
// container, by its name alone: mailKindOf decides.
func mayBeMail(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".mbox", ".mbx", ".eml", "":
		return true
	}
	return false
}

// mailKindOf decides by name, and for a name without an extension by the
// first bytes of the stored document.
func (a *Archive) mailKindOf(name string, id [32]byte, size int64) mailKind {
	base := strings.ToLower(path.Base(name))
	switch path.Ext(base) {
	case ".mbox", ".mbx":
		return mailbox
	case ".eml":
		return message
	case "":
		head, err := a.ReadRange(id, 0, min(size, 4096))
		if err == nil && mbox.Looks(head) {
			return mailbox
		}
	}
	return notMail
}

// expandMail derives the messages and attachments of the mail containers
// an import added.
func (a *Archive) expandMail(ctx context.Context, res *ImportResult, opt ImportOptions) error {
	files := res.mail
	res.mail = nil
	var msgs []mailMsg // .eml files, their attachments derived a batch at a time
	for _, f := range files {
		if !f.New {
			continue // expanded when it was first imported
		}
		id, err := catalog.ParseID(f.ID)
		if err != nil {
			return err
		}
		rec, err := a.Record(id)
		if err != nil {
			return err
		}
		name := rec.Names[0].Path
		switch a.mailKindOf(name, id, f.Size) {
		case mailbox:
			err = a.expandMailbox(ctx, res, opt, rec, name)
		case message:
			// A reader per read: one cache per file would hold up to a
			// batch of files' chunks at once.
			open := func() (io.Reader, error) { return io.NewSectionReader(a.docReaderAt(rec), 0, rec.Size), nil }
			msgs = append(msgs, mailMsg{id: id, name: name, open: open})
			if len(msgs) == mailBatch {
				err = a.deriveAttachments(ctx, res, opt, msgs)
				msgs = msgs[:0]
			}
		}
		if err != nil {
			return err
		}
	}
	return a.deriveAttachments(ctx, res, opt, msgs)
}

// mailMsg is a message whose attachments are to be derived.
type mailMsg struct {
	id   [32]byte
	name string
	open func() (io.Reader, error)
}

func (a *Archive) expandMailbox(ctx context.Context, res *ImportResult, opt ImportOptions, rec *catalog.Record, name string) error {
	ra := a.docReaderAt(rec)
	folder := name + " messages"
	var batch []mbox.Message
	// Progress over the whole mailbox: its bytes, and the documents
	// derived so far, whatever batch is running.
	start, before := time.Now(), int64(len(res.Files))
	var at int64
	bopt := opt
	if fn := opt.Progress; fn != nil {
		bopt.Progress = func(p progress.Progress) {
			// A batch's end is not the mailbox's: shown as progress.
			fn(progress.Progress{Files: int64(len(res.Files)) - before + p.Files, Bytes: min(at+p.Bytes, rec.Size), TotalBytes: rec.Size,
				Current: p.Current, Elapsed: time.Since(start)})
		}
	}
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		at = batch[0].Start
		err := a.deriveMessages(ctx, res, bopt, rec, folder, batch)
		batch = batch[:0]
		return err
	}
	err := mbox.Scan(io.NewSectionReader(ra, 0, rec.Size), func(m mbox.Message) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		batch = append(batch, m)
		if len(batch) == mailBatch {
			return flush()
		}
		return nil
	})
	if err == mbox.ErrNotMailbox {
		res.Warnings = append(res.Warnings, Skipped{name, MalformedMail + ": kept as one document; " + err.Error()})
		return nil
	}
	if err != nil {
		return err
	}
	return flush()
}

func (a *Archive) deriveMessages(ctx context.Context, res *ImportResult, opt ImportOptions, parent *catalog.Record, folder string, batch []mbox.Message) error {
	// One reader for all: the workers read neighbouring messages, and
	// its chunks are shared.
	ra := a.docReaderAt(parent)
	jobs := make([]job, 0, len(batch))
	for _, m := range batch {
		label := messageLabel(mbox.Open(ra, m))
		n := folder + "/" + safeElement(fmt.Sprintf("%04d %s", m.Index+1, label)) + ".eml"
		m := m
		jobs = append(jobs, job{path: n, name: n, size: m.Size(),
			open: func() (io.ReadCloser, error) { return io.NopCloser(mbox.Open(ra, m)), nil }})
	}
	byName := map[string]mbox.Message{}
	for i, j := range jobs {
		byName[j.name] = batch[i]
	}
	sub, err := a.deriveJobs(ctx, opt, jobs, func(string) [32]byte { return parent.Sum() })
	merge(res, sub)
	if err != nil {
		return err
	}
	var msgs []mailMsg
	for _, f := range sub.Files {
		id, err := catalog.ParseID(f.ID)
		if err != nil {
			return err
		}
		m := byName[f.Path]
		msgs = append(msgs, mailMsg{id: id, name: f.Path, open: func() (io.Reader, error) { return mbox.Open(ra, m), nil }})
	}
	return a.deriveAttachments(ctx, res, opt, msgs)
}

// deriveAttachments walks each message and derives its attachments from
// it, all in one import. A malformed message gives a warning with what
// was wrong.
func (a *Archive) deriveAttachments(ctx context.Context, res *ImportResult, opt ImportOptions, msgs []mailMsg) error {
	var jobs []job
	parentOf := map[string][32]byte{}
	for _, m := range msgs {
		r, err := m.open()
		if err != nil {
			return err
		}
		folder := strings.TrimSuffix(m.name, ".eml") + " attachments"
		seen := map[string]bool{}
		probs, err := mimewalk.Walk(r, func(p mimewalk.Part) error {
			n, err := io.Copy(io.Discard, p.Body)
			if err != nil {
				return nil // a problem the walk records
			}
			fname := attachmentName(p)
			for k := 2; seen[fname]; k++ {
				fname = fmt.Sprintf("%d %s", k, attachmentName(p))
			}
			seen[fname] = true
			idx, open, name := p.Index, m.open, folder+"/"+fname
			parentOf[name] = m.id
			jobs = append(jobs, job{path: name, name: name, size: n,
				open: func() (io.ReadCloser, error) { return openAttachment(open, idx) }})
			return nil
		})
		if err != nil {
			return err
		}
		for _, p := range probs {
			res.Warnings = append(res.Warnings, Skipped{m.name, MalformedMail + ": " + p.String()})
		}
	}
	if len(jobs) == 0 {
		return nil
	}
	sub, err := a.deriveJobs(ctx, opt, jobs, func(name string) [32]byte { return parentOf[name] })
	merge(res, sub)
	return err
}

// openAttachment reads the message again and returns the decoded bytes of
// its attachment number idx. The walk runs on a goroutine that hands the
// part's bytes over a pipe; closing the reader stops it.
func openAttachment(open func() (io.Reader, error), idx int) (io.ReadCloser, error) {
	r, err := open()
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	go func() {
		found := false
		_, err := mimewalk.Walk(r, func(p mimewalk.Part) error {
			if p.Index != idx {
				return nil
			}
			found = true
			if _, err := io.Copy(pw, p.Body); err != nil {
				return err
			}
			return io.EOF // done: stop the walk
		})
		switch {
		case err == io.EOF:
			pw.Close()
		case err != nil:
			pw.CloseWithError(err)
		case !found:
			pw.CloseWithError(fmt.Errorf("attachment %d is no longer found in its message", idx+1))
		default:
			pw.Close()
		}
	}()
	return pr, nil
}

// deriveJobs imports jobs as documents derived from their parents (kind
// extraction), with a derive event each; parentOf gives a job's parent
// by its name.
func (a *Archive) deriveJobs(ctx context.Context, opt ImportOptions, jobs []job, parentOf func(name string) [32]byte) (*ImportResult, error) {
	at := map[[32]byte]int64{}
	for _, j := range jobs {
		p := parentOf(j.name)
		if _, ok := at[p]; ok {
			continue
		}
		i, err := logstore.IntroducedAt(a.db, p)
		if err != nil {
			return nil, err
		}
		at[p] = i
	}
	sub := ImportOptions{Source: opt.Source, Note: opt.Note, Workers: opt.Workers, Progress: opt.Progress, jobs: jobs}
	sub.event = func(rec *catalog.Record, name catalog.Name, isNew bool) (*provenance.Event, error) {
		parent := parentOf(name.Path)
		pid := hex.EncodeToString(parent[:])
		if rec.ID == pid {
			return nil, fmt.Errorf("%s: a message holds its own container", name.Path)
		}
		if len(rec.Parents) == 0 {
			rec.Parents, rec.Kind = []string{pid}, "extraction"
		}
		// The whole name (its folder names the container): a bundle
		// holds the document under it, and its checker matches it here.
		return &provenance.Event{Type: provenance.Derive, Doc: rec.ID, Size: rec.Size, Name: name.Path,
			Parents: []string{pid}, ParentEvents: []int64{at[parent]}, Kind: "extraction", Note: opt.Note}, nil
	}
	return a.Import(ctx, nil, sub)
}

func merge(res, sub *ImportResult) {
	if sub == nil {
		return
	}
	res.Added += sub.Added
	res.Duplicates += sub.Duplicates
	res.Bytes += sub.Bytes
	res.Files = append(res.Files, sub.Files...)
	res.Skipped = append(res.Skipped, sub.Skipped...)
	res.Warnings = append(res.Warnings, sub.Warnings...)
}

// messageLabel is "date sender subject" from a message's header, each
// part shortened; what is missing or unreadable is left out.
func messageLabel(r io.Reader) string {
	h, _ := mimewalk.ReadHeader(bufio.NewReaderSize(r, 4096))
	var parts []string
	if t, err := mail.ParseDate(h.Get("Date")); err == nil {
		parts = append(parts, t.UTC().Format("2006-01-02 1504"))
	}
	if from := h.Get("From"); from != "" {
		if addr, err := mail.ParseAddress(from); err == nil {
			from = addr.Address
		}
		parts = append(parts, clipRunes(mimewalk.DecodeHeader(from), 60))
	}
	if s := strings.Join(strings.Fields(mimewalk.DecodeHeader(h.Get("Subject"))), " "); s != "" {
		parts = append(parts, clipRunes(s, 80))
	}
	if len(parts) == 0 {
		return "message"
	}
	return strings.Join(parts, " ")
}

func attachmentName(p mimewalk.Part) string {
	if p.Filename != "" {
		return safeElement(clipRunes(path.Base(strings.ReplaceAll(p.Filename, `\`, "/")), 120))
	}
	ext := ".bin"
	switch p.MediaType {
	case "message/rfc822":
		ext = ".eml"
	case "application/pdf":
		ext = ".pdf"
	case "text/plain":
		ext = ".txt"
	case "text/html":
		ext = ".html"
	}
	return fmt.Sprintf("part %s%s", p.Path, ext)
}

// safeElement makes one path element portable (pathsafe) with its white
// space collapsed; names are shown through quote.Safe like every name.
func safeElement(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	out, _ := pathsafe.Portable(s)
	return out
}

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
