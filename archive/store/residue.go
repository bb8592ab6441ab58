package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// What a process killed while opening the store can leave behind, and
// why each is safe to clear before the next open:
//
//   - An empty value-log or memtable file (.vlog, .mem). Badger creates
//     each such file and then sizes it; a kill between the two leaves a
//     file of zero bytes, which Badger then refuses to open ("Create a new
//     file"), making the archive unopenable. An empty file holds no
//     entries, so nothing can point into it; it is removed.
//   - A guard copy (NAME.vlog.guard). It exists only while an open is in
//     progress and is complete whenever it exists (it is written under a
//     temporary name and renamed). Between taking the copy and dropping it
//     nothing but Badger's own recovery touches the guarded file, so
//     putting the copy back returns the file to the state it was in before
//     the interrupted open, and the next open redoes that recovery.
//   - Temporary copies (*.custody-tmp), which were never renamed into
//     place and so were never complete.
//
// The archive's lock is held while this runs, so no other process is
// using the store.

const (
	guardSuffix = ".guard"
	tmpSuffix   = ".custody-tmp"
)

// clearResidue repairs what an interrupted open left in dir and reports
// what it did, one line per repair.
func clearResidue(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	var done []string
	fail := func(what string, err error) ([]string, error) {
		return done, fmt.Errorf("could not repair what an interrupted session left in the archive's store (%s): %w", what, err)
	}
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(dir, name)
		switch {
		case strings.HasSuffix(name, tmpSuffix):
			if err := os.Remove(path); err != nil {
				return fail(name, err)
			}
			done = append(done, "removed the unfinished copy "+name)
		case strings.HasSuffix(name, ".vlog"+guardSuffix):
			g := &guard{file: strings.TrimSuffix(path, guardSuffix), copy: path}
			if err := g.restore(); err != nil {
				return fail(name, err)
			}
			done = append(done, "put back "+filepath.Base(g.file)+" as it was before an interrupted open")
		}
	}
	// Empty value-log and memtable files last: a restored guard is never
	// empty.
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".vlog") && !strings.HasSuffix(name, ".mem") {
			continue
		}
		path := filepath.Join(dir, name)
		fi, err := os.Lstat(path)
		if err != nil || !fi.Mode().IsRegular() || fi.Size() != 0 {
			continue
		}
		if err := os.Remove(path); err != nil {
			return fail(name, err)
		}
		done = append(done, "removed the empty store file "+name)
	}
	return done, nil
}
