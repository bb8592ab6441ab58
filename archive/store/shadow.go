package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/custody-app/custody/archive/lock"
	badger "github.com/dgraph-io/badger/v4"
)

// The shadow: a private view of the store, for reading where the store
// itself cannot be opened read-only (see read.go). It lives in a new
// folder in the system's temporary folder (0700, this user's only) and is
// removed when the store is closed; a shadow whose process died is
// removed by the next one made (each holds a lock while in use).
//
// What Badger may change is copied: MANIFEST, KEYREGISTRY, DISCARD and
// the write-ahead files (.mem), which the writable open replays and trims.
// Tables (.sst) and value-log files (.vlog) but the newest are
// hard-linked where the file system allows (same disk, not read-only), and
// copied otherwise. A link
// is safe only because Badger is kept from ever writing or deleting those
// files in the shadow: no compaction runs (NumCompactors 0; Badger's
// Delete truncates a file before unlinking it, which through a link
// would empty the original), nothing collects value-log garbage, the
// spacer keeps the newest value-log file from being trimmed, and level 0
// never stalls a flush. Copies of value-log and write-ahead files stop
// after their last non-zero byte (plus a margin): what a crash leaves
// behind them is reserved space, and copying it would cost up to 256 MiB
// per file for nothing. A guard copy an interrupted open left stands in
// for the file it guards, as the residue repair would put it back.

const (
	shadowPrefix = "custody-shadow-"
	shadowLock   = "shadow.lock"
	// tailMargin is kept after the last non-zero byte of a copied log
	// file: an entry may end in zero bytes.
	tailMargin = 4096
)

// openShadow opens a shadow of the store in dir for reading.
func openShadow(dir string, c Config, log *Log, mayLink bool) (*badger.DB, error) {
	sweepShadows()
	root, err := os.MkdirTemp("", shadowPrefix)
	if err != nil {
		return nil, shadowError(err)
	}
	lk, err := lock.Acquire(filepath.Join(root, shadowLock))
	if err != nil {
		os.RemoveAll(root)
		return nil, shadowError(err)
	}
	fail := func(err error) (*badger.DB, error) {
		lk.Release()
		os.RemoveAll(root)
		return nil, err
	}
	sdir := filepath.Join(root, "store")
	if err := os.Mkdir(sdir, 0o700); err != nil {
		return fail(shadowError(err))
	}
	if err := fillShadow(sdir, dir, mayLink); err != nil {
		return fail(shadowError(err))
	}
	if c.registry != nil {
		if err := os.WriteFile(filepath.Join(sdir, badger.KeyRegistryFileName), c.registry, 0o600); err != nil {
			return fail(shadowError(err))
		}
	}
	if _, err := addSpacer(sdir); err != nil {
		return fail(shadowError(err))
	}
	c.ReadOnly = false
	o := c.Options(sdir, log).
		WithNumCompactors(0).
		WithCompactL0OnClose(false).
		WithNumLevelZeroTables(1 << 20).
		WithNumLevelZeroTablesStall(1<<20 + 1)
	db, err := openBadger(o)
	if err != nil {
		return fail(classify(err, log))
	}
	readPaths.shadow.Add(1)
	track(db, sdir, root).shadowLock = lk
	return db, nil
}

func shadowError(err error) error {
	return fmt.Errorf("could not make the private copy of the archive's store that reading it needs here (in the system's temporary folder): %w", err)
}

// fillShadow links or copies the files of the store in src into dst.
func fillShadow(dst, src string, mayLink bool) error {
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	guarded := map[string]bool{}
	for _, e := range entries {
		if name := e.Name(); strings.HasSuffix(name, ".vlog"+guardSuffix) {
			guarded[strings.TrimSuffix(name, guardSuffix)] = true
		}
	}
	// The newest value-log file is copied even where it could be
	// linked: should the spacer ever fail to keep Badger off it, Badger
	// trims a copy.
	newest, err := newestVlog(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		from := filepath.Join(src, name)
		to := filepath.Join(dst, name)
		if !e.Type().IsRegular() {
			continue
		}
		var err error
		switch {
		case strings.HasSuffix(name, ".vlog"+guardSuffix):
			err = copyTrimmed(filepath.Join(dst, strings.TrimSuffix(name, guardSuffix)), from, true)
		case guarded[name]:
			// the guard copy stands in for it
		case strings.HasSuffix(name, ".sst"):
			err = linkOrCopy(to, from, mayLink, false)
		case strings.HasSuffix(name, ".vlog"):
			err = linkOrCopy(to, from, mayLink && from != newest, true)
		case strings.HasSuffix(name, ".mem"):
			err = copyTrimmed(to, from, true)
		case name == badger.ManifestFilename, name == badger.KeyRegistryFileName, name == "DISCARD":
			err = copyTrimmed(to, from, false)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// linkOrCopy hard-links from at to, or copies it when the link fails.
// Empty files (residue of an interrupted open) are left out.
func linkOrCopy(to, from string, mayLink, trim bool) error {
	fi, err := os.Stat(from)
	if err != nil || fi.Size() == 0 {
		return err
	}
	if mayLink && fi.Size() > vlogHeader && os.Link(from, to) == nil {
		return nil
	}
	return copyTrimmed(to, from, trim)
}

// copyTrimmed copies from to a new file to (0600); with trim it stops
// tailMargin bytes after the last non-zero byte. Empty files are left out.
func copyTrimmed(to, from string, trim bool) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil || fi.Size() == 0 {
		return err
	}
	n := fi.Size()
	if trim {
		if n, err = dataEnd(in, n); err != nil {
			return err
		}
		n = min(fi.Size(), max(n+tailMargin, vlogHeader))
	}
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, io.LimitReader(in, n))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// dataEnd returns the offset just after the last non-zero byte of f (of
// size n), reading backwards.
func dataEnd(f *os.File, n int64) (int64, error) {
	buf := make([]byte, 1<<20)
	zero := make([]byte, len(buf))
	for end := n; end > 0; {
		start := max(0, end-int64(len(buf)))
		b := buf[:end-start]
		if _, err := f.ReadAt(b, start); err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		if !bytes.Equal(b, zero[:len(b)]) {
			for i := len(b) - 1; i >= 0; i-- {
				if b[i] != 0 {
					return start + int64(i) + 1, nil
				}
			}
		}
		end = start
	}
	return 0, nil
}

// sweepShadows removes the shadows of processes that died with one open:
// a shadow whose lock can be taken is in nobody's use.
func sweepShadows() {
	matches, _ := filepath.Glob(filepath.Join(os.TempDir(), shadowPrefix+"*"))
	for _, m := range matches {
		lp := filepath.Join(m, shadowLock)
		if _, err := os.Stat(lp); err != nil {
			// No lock yet: being made right now, or its maker died
			// in that instant; only the latter is old.
			if fi, err := os.Stat(m); err == nil && time.Since(fi.ModTime()) > time.Hour {
				os.RemoveAll(m)
			}
			continue
		}
		lk, err := lock.Acquire(lp)
		if err != nil {
			continue
		}
		lk.Release()
		os.RemoveAll(m)
	}
}
