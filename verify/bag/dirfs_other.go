//go:build !linux

package bag

import "os"

// openFast has no single-call equivalent here; every open takes the
// checked path.
func openFast(dir *os.File, name string) (f *os.File, isDir, ok bool) { return nil, false, false }
