package cli

import (
	"errors"
	"fmt"

	"github.com/custody-app/custody/archive/blob"
)

// docReadError turns a failed read into the right exit code: wrong bytes
// are a problem found (1), anything else a failure to read (2).
func docReadError(id [32]byte, err error) error {
	if errors.Is(err, blob.ErrCorrupt) || errors.Is(err, blob.ErrMissing) {
		if id == ([32]byte{}) {
			return problem("%v; run custody verify for a full report", err)
		}
		return problem("document %x is damaged: %v; run custody verify for a full report", id[:6], err)
	}
	return fmt.Errorf("could not read: %w", err)
}
