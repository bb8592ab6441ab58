//go:build unix

package lock

import (
	"errors"
	"syscall"
)

func readOnlyFS(err error) bool { return errors.Is(err, syscall.EROFS) }
