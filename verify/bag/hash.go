package bag

import (
	"archive/zip"
	"context"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"io/fs"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/custody-app/custody/archive/bagdigest"
)

// job is one file to hash with every algorithm it needs, in one read.
type job struct {
	path string
	size int64
	algs []string
}

// result of hashing one file.
type result struct {
	sums    map[string]string // algorithm → lowercase hex
	err     error             // the last read error, if hashing failed
	retried error             // a first error that a second read overcame
}

const bufSize = 256 << 10

// hasher runs jobs on a pool of workers and reports progress.
type hasher struct {
	ctx      context.Context
	fsys     fs.FS
	progress chan<- Progress

	files, bytes atomic.Int64
	current      atomic.Pointer[string]
	total        Progress
}

// hashAll hashes the files of jobs, workers at a time, streaming each file
// once through all its algorithms. Results are indexed like jobs.
func hashAll(ctx context.Context, fsys fs.FS, jobs []job, workers int, progress chan<- Progress) []result {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	h := &hasher{ctx: ctx, fsys: fsys, progress: progress}
	h.total.TotalFiles = int64(len(jobs))
	for _, j := range jobs {
		h.total.TotalBytes += j.size
	}
	// Large files first, so one big file does not run alone at the end.
	order := make([]int, len(jobs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return jobs[order[a]].size > jobs[order[b]].size })

	results := make([]result, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, bufSize)
			for i := range next {
				results[i] = h.hashFile(jobs[i], buf)
				h.files.Add(1)
			}
		}()
	}
	stop := make(chan struct{})
	ticked := make(chan struct{})
	go h.tick(stop, ticked)
	for _, i := range order {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	close(stop)
	<-ticked
	return results
}

// tick sends a progress snapshot every 200 ms, and a last one at the end.
func (h *hasher) tick(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	if h.progress == nil {
		return
	}
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			h.send()
		case <-stop:
			h.send()
			return
		}
	}
}

func (h *hasher) send() {
	p := h.total
	p.Files, p.Bytes = h.files.Load(), h.bytes.Load()
	if c := h.current.Load(); c != nil {
		p.Current = *c
	}
	select {
	case h.progress <- p:
	default:
	}
}

// hashFile hashes one file, trying once more after a read error that is
// not a verdict on the bytes (a zip checksum or format error is final).
func (h *hasher) hashFile(j job, buf []byte) result {
	h.current.Store(&j.path)
	sums, n, err := h.read(j, buf)
	if err == nil || h.ctx.Err() != nil || errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrFormat) {
		return result{sums: sums, err: err}
	}
	h.bytes.Add(-n)
	sums, _, err2 := h.read(j, buf)
	if err2 != nil {
		return result{err: err2}
	}
	return result{sums: sums, retried: err}
}

func (h *hasher) read(j job, buf []byte) (map[string]string, int64, error) {
	f, err := h.fsys.Open(j.path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	hs := make([]hash.Hash, len(j.algs))
	ws := make([]io.Writer, len(j.algs))
	for i, a := range j.algs {
		alg, _ := bagdigest.Lookup(a)
		hs[i] = alg.New()
		ws[i] = hs[i]
	}
	var w io.Writer = io.MultiWriter(ws...)
	if len(ws) == 1 {
		w = ws[0]
	}
	var total int64
	for {
		if err := h.ctx.Err(); err != nil {
			return nil, total, err
		}
		n, rerr := f.Read(buf)
		if n > 0 {
			w.Write(buf[:n]) // hash.Hash never returns an error
			total += int64(n)
			h.bytes.Add(int64(n))
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return nil, total, rerr
		}
	}
	sums := make(map[string]string, len(hs))
	for i, a := range j.algs {
		sums[a] = hex.EncodeToString(hs[i].Sum(nil))
	}
	return sums, total, nil
}
