//go:build !linux

package bag

import (
	"io/fs"
	"os"
)

// openFast has no single-call equivalent here; every open takes the
// checked path.
func openFast(dir *os.File, name string) (f *os.File, isDir, ok bool) { return nil, false, false }

// statEntries cannot tell here; every entry asks the root.
func statEntries(dir *os.File, names []string) []fs.FileInfo { return make([]fs.FileInfo, len(names)) }
