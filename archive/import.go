package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/custody-app/custody/archive/blob"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/diskspace"
	"github.com/custody-app/custody/archive/pack"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/store"
	badger "github.com/dgraph-io/badger/v4"
	sha256 "github.com/minio/sha256-simd"
)

// ImportOptions controls an import.
type ImportOptions struct {
	Source  string // where the material came from ("leak from X, USB stick")
	Note    string
	Workers int // default: one per core, at most maxImportWorkers
	// Listing, when made by Scan of the same paths, is used instead of
	// listing them again.
	Listing  *Listing
	Progress progress.Func

	// event, when set, replaces the ingest event (derive, receive): it may
	// also fill the new record's fields. A nil event with a nil error
	// records nothing (the document was received before).
	event func(rec *catalog.Record, name catalog.Name, isNew bool) (*provenance.Event, error)
	// afterEvent, when set, runs in the transaction of each event made by
	// event, after it: a receive keeps the sender's proof material there.
	afterEvent func(txn *badger.Txn, rec *catalog.Record, name catalog.Name) error
	// noLog skips the provenance log; only the log-overhead benchmark sets it.
	noLog bool
	// repairOnly (RepairFrom) only repairs: a document the archive does
	// not hold, or holds intact, is left alone, and no name is added.
	repairOnly bool
	// repairFrom says where the files come from in repair events; an
	// import says "import of" each file's name.
	repairFrom string

	// NoMail keeps mailboxes and .eml files as single documents: their
	// messages and attachments are not derived (mail.go).
	NoMail bool
	// NoFileList leaves ImportResult.Files empty (the counts are kept):
	// an import of a million files would otherwise hold a million
	// entries in memory until it ends.
	NoFileList bool

	// KeepChanging keeps a file that changed while it was read, twice,
	// with what the second read found, noted "changed while imported";
	// without it such a file is skipped (ImportResult.Changing).
	KeepChanging bool
	// jobs, when set, are imported instead of the paths (a receive from
	// a zip: streams that are read straight into the store).
	jobs []job
	// expect, when set, checks a document's SHA-256 as soon as it is
	// known, before anything is committed; a *mismatchError it returns
	// (or one a stream returns) stops the import, or with
	// skipMismatch only skips the document.
	expect       func(j job, id [32]byte) error
	skipMismatch bool
}

// changedNote is the note recorded for a file kept although it changed
// while it was read.
const changedNote = "changed while imported"

// Imported is one file that was imported.
type Imported struct {
	Path string `json:"path"`
	ID   string `json:"id"`
	Size int64  `json:"size"`
	New  bool   `json:"new"` // false: the bytes were already in the archive
}

// ImportResult sums up an import, also when it stopped early.
type ImportResult struct {
	Added      int        `json:"added"`
	Duplicates int        `json:"already_present"`
	Bytes      int64      `json:"bytes_added"`
	Files      []Imported `json:"files"`
	Skipped    []Skipped  `json:"skipped"`
	Warnings   []Skipped  `json:"warnings"`
	// Repaired lists the documents held damaged that this import
	// rewrote from an intact copy.
	Repaired []Repaired `json:"repaired"`
	// Unchanged counts files already in the archive under the same name
	// and source: nothing was recorded for them.
	Unchanged int `json:"unchanged"`
	// Changing counts the files skipped because they changed while they
	// were read (each is also in Skipped).
	Changing int `json:"changed_while_read,omitempty"`
	// AlreadyReceived counts, for a receive, the documents that this
	// bundle had brought before: nothing new was recorded for them.
	AlreadyReceived int `json:"already_received,omitempty"`
	// Done counts the files committed (what Files lists, also when
	// ImportOptions.NoFileList leaves it empty).
	Done int `json:"-"`

	// mail lists the new files that may be mail containers (mail.go),
	// kept also when NoFileList leaves Files empty.
	mail []Imported
}

// ready is a hashed document waiting to be committed.
type ready struct {
	job
	id     [32]byte
	media  string
	blob   uint64
	inline []byte // the single chunk's stored value, for small documents
	staged bool   // chunks already written to pack files, under a pending marker
	known  bool   // the archive already holds these bytes; nothing was stored
	crc0   uint32 // CRC-32C of the first chunk, for staged documents
	claim  *sizeClaim
	ingest *provenance.Prepared // its ingest event, prepared by the worker
	// repair, when set, says what is wrong with the archive's copy of
	// this document, which these intact bytes are to replace.
	repair string
	note   string // the note recorded with its name
}

// commitBatch bounds how many documents share one transaction, and
// commitBatchBytes the inline chunk bytes they may hold.
const (
	commitBatch      = 256
	commitBatchBytes = 16 << 20
	readyQueue       = 64
)

// packMin is the size from which a document's bytes go to pack files;
// smaller ones are kept in Badger, in the transaction of their record
// (a file write per 4 KiB e-mail would cost more than it saves).
const packMin = 64 << 10

// refBatch is how many chunk references of one document share a
// transaction.
const refBatch = 64

// maxImportWorkers bounds the workers of an import whatever the number of
// cores: four already hash (~1.7 GB/s a core) faster than most disks
// write, so more would only add memory and open files.
const maxImportWorkers = 4

// spaceCheckEvery is how many bytes may be written between free-space
// checks.
const spaceCheckEvery = 64 << 20

// Import adds the files and folders at paths. Each document is committed
// with its record (and its log event) in one transaction, so after a
// cancel or a crash it is wholly present or absent. It returns what was
// done so far together with any error that stopped it.
func (a *Archive) Import(ctx context.Context, paths []string, opt ImportOptions) (*ImportResult, error) {
	if a.cfg.ReadOnly {
		return nil, errors.New("the archive is open read-only")
	}
	if opt.event == nil && !opt.repairOnly {
		if err := CheckImportPaths(a.dir, paths); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var jobs *jobList
	var skipped []Skipped
	var err error
	if opt.jobs != nil {
		jobs = &jobList{made: opt.jobs}
	} else if l := opt.Listing; l != nil && slices.Equal(l.paths, paths) {
		jobs, skipped, err = l.jobs, l.skipped, l.err
	} else {
		jobs, skipped, err = walk(ctx, paths)
	}
	if err != nil {
		return nil, err
	}
	res := &ImportResult{Skipped: skipped, Files: []Imported{}, Repaired: []Repaired{}, Warnings: []Skipped{}}
	if res.Skipped == nil {
		res.Skipped = []Skipped{}
	}
	total := jobs.total()
	if err := diskspace.Require(a.dir, uint64(total)+a.cfg.Reserve()); err != nil {
		return res, err
	}
	ctr := progress.NewCounter()
	ctr.SetTotals(int64(jobs.len()), total)
	stop := ctr.Report(ctx, opt.Progress)
	defer stop()

	workers := opt.Workers
	if workers <= 0 {
		workers = min(runtime.NumCPU(), maxImportWorkers)
	}
	im := &importer{a: a, ctx: ctx, cancel: cancel, ctr: ctr, res: res, opt: opt}
	todo := make(chan job)
	done := make(chan *ready, readyQueue)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			im.work(todo, done)
		}()
	}
	go func() {
		defer close(todo)
		for i := range jobs.len() {
			select {
			case todo <- jobs.at(i):
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(done) }()
	im.commitAll(done)
	if _, err := a.identity(); err != nil {
		// A wrong passphrase: nothing was committed, so nothing refers
		// to the pack files this import wrote.
		for _, w := range im.writers {
			w.Discard()
		}
		return nil, err
	}
	// Durable before reporting success: the pack files first, then the
	// store (below), whose records point into them.
	for _, w := range im.writers {
		if err := w.Close(); err != nil && im.err() == nil {
			cancel(fmt.Errorf("could not write to disk: %w", err))
		}
	}
	// Durable before reporting success: signing a checkpoint syncs the
	// store first; with nothing to sign, sync it here.
	if cp, err := a.Checkpoint(); err != nil && im.err() == nil {
		cancel(fmt.Errorf("could not sign the log's checkpoint: %w", err))
	} else if cp == nil {
		if err := a.db.Sync(); err != nil && im.err() == nil {
			cancel(fmt.Errorf("could not write to disk: %w", err))
		}
	}
	stop()
	if err := a.Gone(); err != nil {
		// Written into a folder that is no longer there: nothing of
		// this import can be counted on.
		return nil, err
	}
	if err := im.err(); err != nil {
		return res, err
	}
	if opt.event == nil && opt.jobs == nil && !opt.repairOnly && !opt.NoMail {
		if err := a.expandMail(ctx, res, opt); err != nil {
			return res, err
		}
	}
	return res, nil
}

type importer struct {
	a       *Archive
	ctx     context.Context
	cancel  context.CancelCauseFunc
	ctr     *progress.Counter
	opt     ImportOptions
	mu      sync.Mutex
	res     *ImportResult
	written atomic.Int64
	writers []*pack.Writer // one per worker
	// repaired holds the documents repaired so far (committer only): a
	// second copy in the same import is a plain duplicate.
	repaired map[[32]byte]bool
	claims   sync.Map // shape → *sizeClaim, for staged files
}

func (im *importer) err() error {
	if im.ctx.Err() == nil {
		return nil
	}
	return context.Cause(im.ctx)
}

func (im *importer) skip(path, reason string) {
	im.mu.Lock()
	im.res.Skipped = append(im.res.Skipped, Skipped{path, reason})
	im.mu.Unlock()
}

func (im *importer) warn(path, reason string) {
	im.mu.Lock()
	im.res.Warnings = append(im.res.Warnings, Skipped{path, reason})
	im.mu.Unlock()
}

// wrote counts bytes written and checks free space now and then, so the
// disk never fills under Badger (which would crash with SIGBUS).
func (im *importer) wrote(n int64) error {
	if err := im.a.space.Full(); err != nil {
		return err
	}
	after := im.written.Add(n)
	if after/spaceCheckEvery == (after-n)/spaceCheckEvery {
		return nil
	}
	return diskspace.Require(im.a.dir, im.a.cfg.Reserve())
}

func (im *importer) work(todo <-chan job, done chan<- *ready) {
	buf := make([]byte, 4+blob.ChunkSize)
	pw := pack.NewWriter(im.a.pk, func() (uint64, error) {
		n, err := im.a.seq.Next()
		return n + 1, err
	})
	im.mu.Lock()
	im.writers = append(im.writers, pw)
	im.mu.Unlock()
	for j := range todo {
		im.ctr.SetCurrent(j.name)
		r, err := im.hashFile(j, buf, pw)
		im.ctr.AddFile()
		if err != nil {
			if im.ctx.Err() != nil {
				return
			}
			var low *diskspace.ErrLow
			if errors.As(err, &low) {
				im.cancel(err)
				return
			}
			var mis *mismatchError
			if errors.As(err, &mis) && !im.opt.skipMismatch {
				im.cancel(err)
				return
			}
			if errors.As(err, &mis) {
				im.skip(j.path, err.Error())
				continue
			}
			if errors.As(err, &changingError{}) {
				im.mu.Lock()
				im.res.Changing++
				im.mu.Unlock()
				im.skip(j.path, err.Error())
				continue
			}
			var werr *pack.WriteError
			if gone := im.a.Gone(); gone != nil {
				// The archive, not the source file, failed.
				im.cancel(gone)
				return
			}
			if errors.As(err, &werr) {
				// Most likely the disk filled between two checks: say so
				// if it did.
				if low := diskspace.Require(im.a.dir, im.a.cfg.Reserve()); low != nil {
					err = low
				}
				im.cancel(fmt.Errorf("could not save to the archive: %w", err))
				return
			}
			im.skip(j.path, plainIOError(err))
			continue
		}
		select {
		case done <- r:
			r.claim.handedOver()
		case <-im.ctx.Done():
			if r.staged {
				im.a.chunks().Delete(r.blob)
			}
			r.claim.land(false)
			return
		}
	}
}

// hashFile reads one document, hashes every byte once and stores its
// chunks (see readDoc). A file whose size or modification time changed
// while it was read is read again: its first bytes are dropped, and if it
// changed again it is skipped (changingError), or, with KeepChanging,
// kept as the second read found it, noted as changed while imported.
func (im *importer) hashFile(j job, buf []byte, pw *pack.Writer) (*ready, error) {
	r, changed, err := im.readDoc(j, buf, pw, true)
	if err == nil && changed {
		im.drop(r)
		r, changed, err = im.readDoc(j, buf, pw, false)
		if err == nil && changed {
			if !im.opt.KeepChanging {
				im.drop(r)
				return nil, changingError{}
			}
			r.note = joinNote(im.opt.Note, changedNote)
			im.warn(j.path, "the file changed while it was being imported, twice; what the second read found was kept, noted \""+changedNote+"\"")
		}
	}
	if err != nil {
		return nil, err
	}
	if im.opt.expect != nil {
		if err := im.opt.expect(j, r.id); err != nil {
			im.drop(r)
			return nil, err
		}
	}
	if !r.known && r.repair == "" {
		if has, err := im.has(r.id); err != nil {
			im.drop(r)
			return nil, err
		} else if has {
			if r.repair, err = im.a.storedDamage(im.ctx, r.id, im.opt.repairOnly); err != nil {
				im.drop(r)
				return nil, err
			}
		}
	}
	if r.blob == 0 && !r.known {
		r.blob, err = im.a.seq.Next()
		if err != nil {
			return nil, err
		}
		r.blob++ // 0 means "none"
	}
	// Marshalling and checking the event is most of logging it: done here,
	// on a worker, the single committer only appends it.
	if im.opt.event == nil && !im.opt.noLog && !im.opt.repairOnly {
		name := catalog.NewName(r.name, im.opt.Source, r.note, time.Now())
		if r.ingest, err = im.a.prepareIngest(r.id, r.size, name); err != nil {
			im.drop(r)
			return nil, err
		}
	}
	return r, nil
}

// drop undoes what readDoc stored for a document that will not be
// committed.
func (im *importer) drop(r *ready) {
	if r.staged {
		im.a.chunks().Delete(r.blob)
	}
	r.claim.giveUp()
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// readDoc streams one document: it hashes every byte once and stores its
// chunks, inline in the commit for a small document, or in pack files
// ahead of the commit, under a pending marker, for a larger one. changed
// reports a file that changed while it was read. claim says whether it
// may claim its size for the copies of this import (not on a second
// read).
func (im *importer) readDoc(j job, buf []byte, pw *pack.Writer, claim bool) (_ *ready, changed bool, err error) {
	f, err := openSource(j)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	h := sha256.New()
	r := &ready{job: j, note: im.opt.Note}
	n, err := io.ReadFull(f, buf[4:])
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, false, err
	}
	h.Write(buf[4 : 4+n])
	im.ctr.AddBytes(int64(n))
	r.media = catalog.DetectMediaType(buf[4 : 4+n])
	r.size = int64(n)
	small := n < packMin && n < blob.ChunkSize
	if n == blob.ChunkSize && n < packMin {
		if small, err = f.atEOF(); err != nil {
			return nil, false, err
		}
	}
	switch {
	case small:
		if n > 0 {
			r.inline = blob.EncodeInto(append([]byte(nil), buf[:4+n]...))
		}
		h.Sum(r.id[:0])
	default:
		r.crc0 = blob.Checksum(buf[4 : 4+n])
		s := shape{f.size(), r.crc0}
		c, mine := &sizeClaim{}, false
		if claim {
			c, mine = im.claim(s)
		}
		if mine {
			r.claim = c
			defer func() {
				if err != nil {
					c.giveUp()
				}
			}()
		}
		known := false
		if claim {
			if known, err = im.knownCopy(f, buf, r, s, c, mine); err != nil {
				return nil, false, err
			}
		}
		if !known {
			if err := im.storeChunks(f, buf, n, h, r, pw); err != nil {
				return nil, false, err
			}
			h.Sum(r.id[:0])
		}
		if mine {
			c.known(r.id)
		}
	}
	return r, f.changed(r.size), nil
}

// storeChunks writes the file's chunks to pack files, the first (n bytes)
// already in buf[4:], and their references to the store under a pending
// marker, so that a crash leaves nothing the next open cannot sweep.
func (im *importer) storeChunks(f *docSource, buf []byte, n int, h io.Writer, r *ready, pw *pack.Writer) (err error) {
	b, err := im.a.seq.Next()
	if err != nil {
		return err
	}
	r.blob, r.staged = b+1, true
	db := im.a.db
	if err := db.Update(func(txn *badger.Txn) error { return txn.Set(store.PendKey(r.blob), nil) }); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			im.a.chunks().Delete(r.blob)
		}
	}()
	var refs [][]byte
	var from uint32
	flush := func() error {
		if len(refs) == 0 {
			return nil
		}
		err := db.Update(func(txn *badger.Txn) error {
			for i, v := range refs {
				if err := txn.Set(store.ChunkKey(r.blob, from+uint32(i)), v); err != nil {
					return err
				}
			}
			return nil
		})
		from += uint32(len(refs))
		refs = refs[:0]
		return err
	}
	data, crc := buf[4:4+n], r.crc0
	for {
		ref, err := pw.Append(data)
		if err != nil {
			return err
		}
		refs = append(refs, blob.EncodeRef(ref, crc))
		if err := im.wrote(int64(len(data))); err != nil {
			return err
		}
		if len(refs) == refBatch {
			if err := flush(); err != nil {
				return err
			}
		}
		if err := im.ctx.Err(); err != nil {
			return err
		}
		n, err := io.ReadFull(f, buf[4:])
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return err
		}
		if n == 0 {
			break
		}
		data = buf[4 : 4+n]
		h.Write(data)
		im.ctr.AddBytes(int64(n))
		r.size += int64(n)
		crc = blob.Checksum(data)
	}
	return flush()
}

// commitAll commits hashed documents in batches, one writer at a time.
// The first commit waits for the passphrase when it is checked in the
// background (Options.UnlockInBackground): the workers hash and store
// meanwhile, and a wrong passphrase commits nothing.
func (im *importer) commitAll(done <-chan *ready) {
	held, open := im.awaitUnlock(done)
	if _, err := im.a.identity(); err != nil {
		im.abandon(err, held, done)
		return
	}
	// next returns the next document to commit: those held while the
	// passphrase was checked first, then what the workers send; wait
	// says whether to wait for one.
	next := func(wait bool) (*ready, bool) {
		if len(held) > 0 {
			r := held[0]
			held = held[1:]
			return r, true
		}
		if !open {
			return nil, false
		}
		if !wait {
			select {
			case r, ok := <-done:
				return r, ok
			default:
				return nil, false
			}
		}
		r, ok := <-done
		return r, ok
	}
	var batch []*ready
	for {
		r, ok := next(true)
		if !ok {
			return
		}
		batch = append(batch[:0], r)
		inline := len(r.inline)
		for len(batch) < commitBatch && inline < commitBatchBytes {
			r, ok := next(false)
			if !ok {
				break
			}
			batch = append(batch, r)
			inline += len(r.inline)
		}
		err := im.commit(batch)
		for _, r := range batch {
			r.claim.land(err == nil)
		}
		if err != nil {
			for _, r := range batch {
				if r.staged {
					im.a.chunks().Delete(r.blob)
				}
			}
			err = fmt.Errorf("could not save to the archive: %w", err)
		} else {
			// Small documents' bytes are written here, not by the
			// workers: count them too, or an import of small files
			// never checks free space while it writes.
			err = im.wrote(int64(inline))
		}
		if err != nil {
			im.abandon(err, nil, done)
			return
		}
	}
}

// While a passphrase is checked in the background, the committer holds
// up to holdDocs finished documents, and holdBytes of small documents'
// bytes, so that the workers keep hashing and writing instead of waiting
// on a full queue (it took the import's first 0.6 s on the leak corpus).
// Larger bounds (8,192 and 32 MiB) took an import of 30,000 small files
// from 177 to 270 MiB of anonymous memory, past the 256 MiB budget.
const (
	holdDocs  = 2048
	holdBytes = 8 << 20
)

// awaitUnlock waits for a passphrase checked in the background, taking
// what the workers finish meanwhile, within the bounds above. open is
// false when the workers are all done.
func (im *importer) awaitUnlock(done <-chan *ready) (held []*ready, open bool) {
	unlocked := im.a.idDone
	if unlocked == nil {
		return nil, true
	}
	inline := 0
	in := done
	for {
		if len(held) >= holdDocs || inline >= holdBytes {
			in = nil // full: wait for the check alone
		}
		select {
		case <-unlocked:
			return held, true
		case r, ok := <-in:
			if !ok {
				<-unlocked
				return held, false
			}
			held = append(held, r)
			inline += len(r.inline)
		}
	}
}

// abandon stops the import with err: it lets the workers finish and sweeps
// what they stored for the documents in batch and those still coming.
func (im *importer) abandon(err error, batch []*ready, done <-chan *ready) {
	im.cancel(err)
	sweep := func(r *ready) {
		r.claim.land(false)
		if r.staged {
			im.a.chunks().Delete(r.blob)
		}
	}
	for _, r := range batch {
		sweep(r)
	}
	for r := range done {
		sweep(r)
	}
}

func (im *importer) commit(batch []*ready) error {
	a := im.a
	if err := a.space.Full(); err != nil {
		return err
	}
	now := time.Now().UTC()
	var dupBlobs []uint64
	var files []Imported
	var repaired []Repaired
	added, dups, bytes, unchanged := 0, 0, int64(0), 0
	a.wmu.Lock()
	err := a.db.Update(func(txn *badger.Txn) error {
		dupBlobs, files, repaired, added, dups, bytes, unchanged = nil, nil, nil, 0, 0, 0, 0
		for _, r := range batch {
			rec, err := catalog.Get(txn, r.id)
			isNew := errors.Is(err, catalog.ErrNotFound)
			if err != nil && !isNew {
				return err
			}
			if im.opt.repairOnly && (isNew || r.repair == "" || im.repaired[r.id]) {
				if r.staged || r.inline != nil {
					dupBlobs = append(dupBlobs, r.blob)
				}
				continue
			}
			if !isNew && r.repair != "" && !r.known && !im.repaired[r.id] {
				from := im.opt.repairFrom
				if from == "" {
					from = "import of " + quoteName(r.name)
					if im.opt.Source != "" {
						from += " from " + im.opt.Source
					}
				}
				dupBlobs = append(dupBlobs, rec.Blob) // the damaged chunks
				if err := a.applyRepair(txn, rec, r, from, now); err != nil {
					return err
				}
				repaired = append(repaired, Repaired{ID: rec.ID, Path: r.path, Damage: r.repair})
				r.staged, r.inline = false, nil // now the record's own
				if im.opt.repairOnly {
					continue
				}
			}
			if isNew && r.known {
				return fmt.Errorf("%s: its bytes were found in the archive while importing but are gone now", r.name)
			}
			if isNew {
				rec = &catalog.Record{
					ID: fmt.Sprintf("%x", r.id), Size: r.size, MediaType: r.media, Blob: r.blob, Packed: r.staged,
					Source: im.opt.Source, Note: im.opt.Note, Imported: now,
				}
				if r.inline != nil {
					if err := txn.Set(store.ChunkKey(r.blob, 0), r.inline); err != nil {
						return err
					}
				}
				if r.staged {
					if err := txn.Delete(store.PendKey(r.blob)); err != nil {
						return err
					}
					if err := catalog.IndexSize(txn, r.size, r.crc0, r.id); err != nil {
						return err
					}
				}
				added++
				bytes += r.size
			} else {
				dups++
				if r.staged {
					dupBlobs = append(dupBlobs, r.blob)
				}
			}
			name := catalog.NewName(r.name, im.opt.Source, r.note, now)
			same := !isNew && sameArrival(rec, r.name, im.opt.Source)
			if !rec.HasName(r.name) {
				rec.Names = append(rec.Names, name)
			}
			if err := catalog.Put(txn, rec); err != nil {
				return err
			}
			if im.opt.noLog {
				// benchmark only: measure the store without the log
			} else if im.opt.event == nil && same {
				// The same bytes, name and source as an arrival already
				// recorded (a folder imported again, an import resumed
				// after a stop): nothing new to record.
				unchanged++
			} else if im.opt.event == nil {
				if err := a.logIngest(txn, r.ingest, r.id); err != nil {
					return err
				}
			} else {
				ev, err := im.opt.event(rec, name, isNew)
				if err != nil {
					return err
				}
				if err := catalog.Put(txn, rec); err != nil {
					return err
				}
				if ev == nil {
					// a retry: this document's event is already in the log
				} else if _, err := a.appendEvent(txn, ev, rec.Sum()); err != nil {
					return err
				}
				if im.opt.afterEvent != nil {
					if err := im.opt.afterEvent(txn, rec, name); err != nil {
						return err
					}
				}
			}
			files = append(files, Imported{Path: r.path, ID: rec.ID, Size: r.size, New: isNew})
		}
		return nil
	})
	if err == nil {
		err = a.afterCommit()
	}
	a.wmu.Unlock()
	if err != nil {
		return err
	}
	for _, b := range dupBlobs {
		a.chunks().Delete(b)
	}
	im.mu.Lock()
	for _, rp := range repaired {
		if im.repaired == nil {
			im.repaired = map[[32]byte]bool{}
		}
		id, _ := catalog.ParseID(rp.ID)
		im.repaired[id] = true
	}
	im.res.Repaired = append(im.res.Repaired, repaired...)
	im.res.Unchanged += unchanged
	im.res.Added += added
	im.res.Duplicates += dups
	im.res.Bytes += bytes
	im.res.Done += len(files)
	if !im.opt.NoFileList {
		im.res.Files = append(im.res.Files, files...)
	}
	for _, f := range files {
		if f.New && mayBeMail(f.Path) {
			im.res.mail = append(im.res.mail, f)
		}
	}
	im.mu.Unlock()
	return nil
}

// sameArrival reports whether rec already records an arrival under name
// from source.
func sameArrival(rec *catalog.Record, name, source string) bool {
	for _, n := range rec.Names {
		if n.Bytes() == name && n.Source == source {
			return true
		}
	}
	return false
}

// quoteName quotes a file's name for a repair event, escaping what JSON
// could not carry unchanged.
func quoteName(name string) string {
	return strconv.Quote(catalog.EscapeInvalid(name))
}
