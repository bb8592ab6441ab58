//go:build windows

package lock

import (
	"errors"

	"golang.org/x/sys/windows"
)

// A write-protected disk answers ERROR_WRITE_PROTECT; a read-only share
// or medium that refuses the create answers ERROR_ACCESS_DENIED, which
// os.ErrPermission already covers (a read-only handle is tried then).
func readOnlyFS(err error) bool { return errors.Is(err, windows.ERROR_WRITE_PROTECT) }
