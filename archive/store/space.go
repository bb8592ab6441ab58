package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/custody-app/custody/archive/diskspace"
)

// Badger writes its value log, its memtables' write-ahead files and its
// tables through mmap into files it first extends without allocating
// them (sparse). When another program takes the disk's last free bytes,
// the next write into such a page is not an error but a SIGBUS that kills
// the process. Badger v4 has no option to write without mmap, so a Space
// keeps Badger's writes on pages the file system has already given:
//
//   - the files Badger writes through mmap while it runs (the newest
//     value-log file, the memtables' files, the DISCARD file) are
//     allocated in full (fallocate) as soon as they appear;
//   - the next memtable's file is made ahead of time, empty but with its
//     blocks allocated beyond its end, so that Badger maps allocated pages
//     when it switches memtables (it opens that file without O_EXCL);
//   - a reserve file is held for what Badger writes into new files that
//     cannot be made ahead (tables, at a flush or a compaction, and at
//     Close). A watcher checks free space every millisecond (every 25 ms
//     while nothing is written); below a floor (one memtable) the Space
//     reports the disk full, so that the archive stops writing; once the
//     disk is empty and stays so for a few polls (whatever filled it has
//     met its end), or at Close when the disk is short, the reserve is
//     given back, and Badger finishes its flushes and its Close in it.
//
// What this cannot cover: a table that Badger is writing in the very
// moment the last free bytes go, or that another program keeps taking
// space as fast as it is given back. Badger v4 creates each table with
// O_EXCL, extends it sparse and copies it through mmap in one step, so
// its blocks cannot be allocated ahead without changing Badger.
//
// It also makes every file of the store private (0600) whatever the umask:
// Badger creates them 0666 less the umask, and the store folder (0700)
// keeps others out in the meantime.

const (
	reserveName = "space-reserve" + tmpSuffix
	pollEvery   = time.Millisecond
	emptyBelow  = 1 << 20
	// While nothing is written (free space moves by less than idleDelta
	// for idleAfter), the watcher looks every idlePoll: a desktop keeps
	// its archive open for hours. Badger builds tables only after writes.
	idleDelta   = 256 << 10
	idleAfter   = 500 * time.Millisecond
	idlePoll    = 25 * time.Millisecond
	steadyPolls = 5
)

// Space watches the store folder of a store opened for writing.
type Space struct {
	dir     string
	memSize int64 // a memtable file's size (2 × MemTableSize)
	hold    int64 // the reserve's size
	floor   uint64
	// closeNeed is the free space Badger's Close needs: the memtable
	// written as one table. The reserve is larger.
	closeNeed uint64
	full      atomic.Bool
	freeAt    atomic.Uint64 // free bytes when the disk was found full
	mu        sync.Mutex
	seen      map[string]bool // files already allocated and made private
	nextMem   string
	stop      chan struct{}
	done      chan struct{}
	stopOnce  sync.Once
}

// Hold is the size of the reserve a Space keeps for Badger: a memtable
// flushed to a table at Close and a margin for a compaction.
func (c Config) Hold() int64 {
	c = c.withDefaults()
	return 2*c.MemTableSize + 8<<20
}

// Watch starts watching the store in dir, just opened for writing. Call
// it before anything is written; Stop it after the store is closed.
func Watch(dir string, c Config) (*Space, error) {
	c = c.withDefaults()
	s := &Space{dir: dir, memSize: 2 * c.MemTableSize, hold: c.Hold(), floor: uint64(c.MemTableSize),
		closeNeed: uint64(c.MemTableSize + 4<<20),
		seen:      map[string]bool{}, stop: make(chan struct{}), done: make(chan struct{})}
	err := s.makeReserve()
	if err == nil {
		err = s.scan()
	}
	if err != nil {
		s.drop()
		if errors.Is(err, syscall.ENOSPC) {
			free, _ := diskspace.Free(dir)
			return nil, &diskspace.ErrLow{Free: free, Needed: c.Reserve() + uint64(c.Allocated())}
		}
		return nil, fmt.Errorf("cannot prepare the store's files: %w", err)
	}
	go s.watch()
	return s, nil
}

// Allocated is what a Space allocates when a store opens for writing:
// the newest value-log file and two memtable files in full, and the
// reserve.
func (c Config) Allocated() int64 {
	c = c.withDefaults()
	return 2*c.ValueLogFileSize + 4*c.MemTableSize + c.Hold()
}

// Full returns a *diskspace.ErrLow once the disk was found full.
func (s *Space) Full() error {
	if s == nil || !s.full.Load() {
		return nil
	}
	return &diskspace.ErrLow{Free: s.freeAt.Load(), Needed: s.floor}
}

// RoomToClose reports whether Badger can flush its memtable at Close
// without writing into pages the disk cannot give. It gives the reserve
// back first when the disk is short.
func (s *Space) RoomToClose() bool {
	if s == nil {
		return true
	}
	s.stopWatching()
	free, err := diskspace.Free(s.dir)
	if err == nil && free >= s.closeNeed {
		return true
	}
	s.trip(free)
	free, err = diskspace.Free(s.dir)
	return err == nil && free >= s.closeNeed
}

// Stop ends the watch after the store was closed: it removes the reserve
// and the memtable file made ahead (a store opened read-only could not
// open it), and makes the files Badger wrote at Close private.
func (s *Space) Stop() {
	if s == nil {
		return
	}
	s.stopWatching()
	s.drop()
	s.scan()
}

// drop removes the reserve and the memtable file made ahead.
func (s *Space) drop() {
	os.Remove(filepath.Join(s.dir, reserveName))
	if s.nextMem != "" {
		if fi, err := os.Stat(s.nextMem); err == nil && fi.Size() == 0 {
			os.Remove(s.nextMem)
		}
	}
}

func (s *Space) stopWatching() {
	s.stopOnce.Do(func() { close(s.stop); <-s.done })
}

func (s *Space) watch() {
	defer close(s.done)
	t := time.NewTimer(pollEvery)
	defer t.Stop()
	var last uint64
	steady := 0
	quiet := time.Now() // since when free space has not moved
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		free, err := diskspace.Free(s.dir)
		if d := int64(free) - int64(last); d > idleDelta || d < -idleDelta {
			quiet = time.Now()
		}
		if time.Since(quiet) > idleAfter {
			t.Reset(idlePoll)
		} else {
			t.Reset(pollEvery)
		}
		if err == nil && free < s.floor {
			s.markFull(free)
		}
		if err == nil && free < emptyBelow && free >= last {
			steady++
		} else {
			steady = 0
		}
		last = free
		if steady >= steadyPolls {
			// Whatever filled the disk has met its end (a writer stops
			// at its first "no space"): what is given back now stays
			// for Badger's flushes.
			s.trip(free)
		}
		if err := s.scan(); errors.Is(err, syscall.ENOSPC) {
			// A new file Badger maps could not be allocated: stop
			// writing before Badger reaches its holes.
			s.trip(free)
		}
	}
}

// markFull marks the disk full: the archive stops writing.
func (s *Space) markFull(free uint64) {
	if !s.full.Load() {
		s.freeAt.Store(free)
		s.full.Store(true)
	}
}

// trip marks the disk full and gives the reserve back.
func (s *Space) trip(free uint64) {
	s.markFull(free)
	os.Remove(filepath.Join(s.dir, reserveName))
}

func (s *Space) makeReserve() error {
	p := filepath.Join(s.dir, reserveName)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	err = allocate(f, 0, s.hold, false)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(p)
		return fmt.Errorf("cannot keep the store's reserve of %d MB: %w", s.hold>>20, err)
	}
	return nil
}

// scan allocates and makes private the files that appeared since the last
// scan, and makes the next memtable's file ahead.
func (s *Space) scan() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return err
	}
	maxMem, newestVlog := int64(-1), ""
	var newestID int64 = -1
	var firstErr error
	for _, e := range entries {
		name := e.Name()
		if id, ok := fileID(name, ".mem"); ok && id > maxMem && !s.unused(name) {
			maxMem = id
		}
		if id, ok := fileID(name, ".vlog"); ok && id > newestID {
			newestID, newestVlog = id, name
		}
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || name == reserveName {
			continue
		}
		p := filepath.Join(s.dir, name)
		mapped := strings.HasSuffix(name, ".mem") || name == newestVlog || name == "DISCARD"
		// Numbered files are written once under their name; the others
		// (MANIFEST, KEYREGISTRY) are replaced by renames: look again.
		_, numbered := fileID(strings.TrimSuffix(name, filepath.Ext(name)), "")
		if s.seen[name] && numbered {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		if mapped {
			if fi.Size() == 0 {
				continue // made ahead, or not yet sized: look again
			}
			if err := allocateFile(p, fi.Size()); err != nil && firstErr == nil {
				firstErr = err
			}
		}
		if fi.Mode().Perm()&0o077 != 0 {
			os.Chmod(p, 0o600)
		}
		s.seen[name] = true
	}
	if maxMem >= 0 {
		next := filepath.Join(s.dir, fmt.Sprintf("%05d.mem", maxMem+1))
		if next != s.nextMem {
			if err := s.makeAhead(next); err == nil {
				s.nextMem = next
			} else if firstErr == nil {
				firstErr = err
			}
		}
	}
	return firstErr
}

// unused reports whether name is the memtable file made ahead, not yet
// taken by Badger.
func (s *Space) unused(name string) bool {
	if s.nextMem == "" || filepath.Join(s.dir, name) != s.nextMem {
		return false
	}
	fi, err := os.Stat(s.nextMem)
	return err == nil && fi.Size() == 0
}

// makeAhead makes an empty file whose blocks are allocated beyond its end.
func (s *Space) makeAhead(p string) error {
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	err = allocate(f, 0, s.memSize, true)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(p)
	}
	return err
}

func allocateFile(p string, size int64) error {
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return allocate(f, 0, size, false)
}

func fileID(name, ext string) (int64, bool) {
	if !strings.HasSuffix(name, ext) {
		return 0, false
	}
	id, err := strconv.ParseInt(strings.TrimSuffix(name, ext), 10, 64)
	return id, err == nil
}
