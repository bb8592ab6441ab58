// Package fixity proves that every byte an archive holds is the byte it
// was given: it re-reads every chunk, checks its length, and re-computes
// every document's SHA-256, in parallel, and asks Badger to check its own
// table checksums too. A document whose SHA-256 differs is read again with
// each chunk's CRC-32C checked, to name the damaged chunk (checking CRCs
// on every read would cost time for nothing the SHA-256 misses).
//
// Like restic's checker, it keeps "could not read" (an I/O error: the
// bytes may be fine, try again or check the disk) apart from "read, but
// wrong" (corruption or tampering). Badger can return damaged values
// without an error, so the hashes here are the real check; Badger's logged
// errors are added to the report because they may be the only trace of a
// read that Badger swallowed.
package fixity

import (
	"cmp"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/blob"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/verify/report"
	sha256 "github.com/minio/sha256-simd"
)

// Finding codes. They are stable: docs/cli.md lists them and scripts
// match on them.
const (
	// ChunkCorrupt: a chunk was read but its length or CRC-32C is wrong.
	ChunkCorrupt = "CHUNK_CORRUPT"
	// ChunkMissing: a chunk a document needs is not in the store.
	ChunkMissing = "CHUNK_MISSING"
	// DocHashMismatch: every chunk passed its CRC but the document's
	// SHA-256 differs from its ID.
	DocHashMismatch = "DOC_HASH_MISMATCH"
	// RecordCorrupt: a document record cannot be decoded or names another
	// document.
	RecordCorrupt = "RECORD_CORRUPT"
	// ChunkOrphan: chunks that belong to no document (left by an import
	// that never finished and was not swept). Harmless; a warning.
	ChunkOrphan = "CHUNK_ORPHAN"
	// StoreTableCorrupt: Badger's own table checksum check failed.
	StoreTableCorrupt = "STORE_TABLE_CORRUPT"
	// StoreLogError: Badger logged an error while the check ran.
	StoreLogError = "STORE_LOG_ERROR"
	// RecordMissing: a document named to be checked is not in the archive.
	RecordMissing = "RECORD_MISSING"
	// ReadError: something could not be read (I/O error); it is not known
	// whether the bytes are right.
	ReadError = "READ_ERROR"
)

// Options controls a check.
type Options struct {
	Workers  int // default: one per core
	Progress progress.Func
	// Docs, when not empty, limits the check to these documents (verify
	// DOC...). A document the archive does not hold is a RECORD_MISSING
	// finding.
	Docs [][32]byte
	// Rolling, when above 0, limits the check to the least recently
	// checked Rolling percent of the archive's bytes (see scope.go).
	Rolling float64
	// Last gives each document's last check, for Rolling.
	Last map[[32]byte]archive.LastCheck
	// Coverage, when set, is filled with what the check covered.
	Coverage *Coverage
}

// Check verifies the whole archive and returns its report. The verdict is
// INTACT, CORRUPT (something read was wrong: exit 1), COULD NOT READ (only
// I/O errors: exit 2) or CANCELLED.
func Check(ctx context.Context, a *archive.Archive, opt Options) *report.Report {
	rep := &report.Report{Subject: a.Dir()}
	mark := a.StoreLog().Mark()

	var damage *archive.StoreDamage
	if len(opt.Docs) == 0 {
		// Named documents only: their bytes, not the store around them.
		damage = a.CheckStoreTables()
	}
	if len(opt.Docs) > 0 {
		rep.AddCheck("store tables", true, "not checked: only the named documents were")
	} else if damage != nil {
		rep.AddCheck("store tables", false, damage.Err.Error())
	} else {
		rep.AddCheck("store tables", true, "every table checksum matches")
	}

	var recs []*catalog.Record
	var total int64
	err := a.Each(func(r *catalog.Record) error {
		recs = append(recs, r)
		total += r.Size
		return nil
	}, func(id [32]byte, err error) {
		rep.Add(report.Finding{Code: RecordCorrupt, Doc: hex.EncodeToString(id[:]), Message: err.Error()})
	})
	if err != nil {
		rep.Add(report.Finding{Code: ReadError, Severity: report.IOError, Message: "could not list documents: " + err.Error()})
	}

	all := len(recs)
	recs = choose(recs, total, opt, rep)
	var chosen int64
	for _, r := range recs {
		chosen += r.Size
	}
	// In the order the bytes were stored (blob ids grow with each import),
	// not by ID: reading the value log front to back lets the kernel read
	// ahead, which matters most when the archive is not in memory (after
	// a restart, on a USB disk).
	slices.SortFunc(recs, func(x, y *catalog.Record) int { return cmp.Compare(x.Blob, y.Blob) })
	ctr := progress.NewCounter()
	ctr.SetTotals(int64(len(recs)), chosen)
	stop := ctr.Report(ctx, opt.Progress)
	results := hashAll(ctx, a, recs, opt.Workers, ctr, rep)
	stop()
	bad := 0
	for _, ok := range results {
		if !ok {
			bad++
		}
	}
	ok := len(recs) - bad
	rep.AddCheck("document fixity", bad == 0, fixityDetail(ok, len(recs), all, chosen, total, opt))
	if cov := opt.Coverage; cov != nil {
		*cov = Coverage{Docs: len(recs), TotalDocs: all, Bytes: chosen, TotalBytes: total, Partial: len(recs) < all || len(opt.Docs) > 0}
		if ctx.Err() == nil {
			for i, r := range recs {
				c := archive.Checked{ID: r.Sum(), OK: results[i]}
				cov.Checked = append(cov.Checked, c)
				if !c.OK {
					cov.Damaged = append(cov.Damaged, c.ID)
				}
			}
		}
	}

	if damage != nil {
		rep.Add(tableFinding(damage, recs))
	}
	if len(opt.Docs) == 0 && opt.Rolling <= 0 {
		checkOrphans(a, recs, rep)
	}
	for _, l := range a.StoreLog().Since(mark) {
		rep.Add(report.Finding{Code: StoreLogError, Severity: report.IOError, Message: "the store reported: " + l})
	}
	rep.Sort()
	switch {
	case ctx.Err() != nil:
		rep.Verdict = report.Cancelled
	case rep.HasProblems():
		rep.Verdict = report.Corrupt
	case rep.HasIOErrors():
		rep.Verdict = report.Unreadable
	default:
		rep.Verdict = report.Intact
	}
	return rep
}

// hashAll re-hashes every document with one worker per core and returns,
// for each of recs, whether it was intact (an I/O error counts as not).
func hashAll(ctx context.Context, a *archive.Archive, recs []*catalog.Record, workers int, ctr *progress.Counter, rep *report.Report) []bool {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	type item struct {
		i int
		r *catalog.Record
	}
	todo := make(chan item)
	var wg sync.WaitGroup
	ok := make([]bool, len(recs))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range todo {
				ctr.SetCurrent(it.r.FirstName())
				f := checkDoc(ctx, a, it.r, ctr)
				ctr.AddFile()
				if f != nil {
					rep.Add(*f)
				}
				ok[it.i] = f == nil // each worker writes its own elements
			}
		}()
	}
	for i, r := range recs {
		select {
		case todo <- item{i, r}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(todo)
	wg.Wait()
	return ok
}

// checkDoc reads every chunk of one document and returns a finding when
// something is wrong, all in one read transaction. The document's SHA-256
// is the check; only when it differs are the chunks read again with their
// CRC-32C, to name the damaged one.
func checkDoc(ctx context.Context, a *archive.Archive, r *catalog.Record, ctr *progress.Counter) *report.Finding {
	h := sha256.New()
	f, err := visitDoc(ctx, a, r, blob.SkipCRC, func(data []byte) {
		h.Write(data)
		ctr.AddBytes(int64(len(data)))
	})
	if f != nil || err != nil {
		return f // err is only a cancellation
	}
	got := hex.EncodeToString(h.Sum(nil))
	if got == r.ID {
		return nil
	}
	if f, _ := visitDoc(ctx, a, r, blob.CheckCRC, func([]byte) {}); f != nil {
		return f
	}
	return &report.Finding{Code: DocHashMismatch, Doc: r.ID, Path: r.FirstName(), Docs: []string{r.ID},
		Expected: r.ID, Found: got, Message: "the document's bytes no longer match its SHA-256"}
}

// visitDoc hands every chunk of r to fn, checked as check says, and
// returns a finding for the first chunk that is missing, damaged or
// unreadable; its error is only a cancellation.
func visitDoc(ctx context.Context, a *archive.Archive, r *catalog.Record, check blob.Check, fn func([]byte)) (*report.Finding, error) {
	n := r.Layout().Chunks()
	name := r.FirstName()
	i, err := a.VisitChunks(ctx, r, check, fn)
	var ce *blob.ChunkError
	switch {
	case err == nil:
		return nil, nil
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return nil, err
	case errors.As(err, &ce) && errors.Is(err, blob.ErrMissing):
		return &report.Finding{Code: ChunkMissing, Doc: r.ID, Path: name, Docs: []string{r.ID},
			Message: fmt.Sprintf("chunk %d of %d is missing from the store", i+1, n)}, nil
	case errors.As(err, &ce):
		return &report.Finding{Code: ChunkCorrupt, Doc: r.ID, Path: name, Docs: []string{r.ID},
			Message: fmt.Sprintf("chunk %d of %d is damaged: %v", i+1, n, ce.Err)}, nil
	default:
		return &report.Finding{Code: ReadError, Severity: report.IOError, Doc: r.ID, Path: name,
			Message: fmt.Sprintf("could not read chunk %d of %d: %v", i+1, n, err)}, nil
	}
}

// checkOrphans warns about chunks no document owns. It reads keys only.
func checkOrphans(a *archive.Archive, recs []*catalog.Record, rep *report.Report) {
	owned := make(map[uint64]struct{}, len(recs))
	for _, r := range recs {
		owned[r.Blob] = struct{}{}
	}
	orphans := map[uint64]int{}
	a.EachChunk(func(b uint64, _ uint32) {
		if _, ok := owned[b]; !ok {
			orphans[b]++
		}
	})
	for b, n := range orphans {
		rep.Add(report.Finding{Code: ChunkOrphan, Severity: report.Warning,
			Message: fmt.Sprintf("%d chunk(s) of blob %d belong to no document (an unfinished import); they are removed the next time the archive is opened for writing", n, b)})
	}
}
