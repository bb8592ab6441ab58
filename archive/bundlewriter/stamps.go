package bundlewriter

import (
	"context"
	"fmt"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/bundleformat"
)

// stampsFor has every configured TSA stamp the checkpoint of size, when
// it has not yet, and returns the tokens kept for it (at most
// bundleformat.MaxTimestamps) and the TSAs that did not answer. A TSA
// that is down costs the bundle its token, never the bundle.
func stampsFor(ctx context.Context, a *archive.Archive, size int64) ([][]byte, []string, error) {
	res := a.StampCheckpoint(ctx, size)
	var unstamped []string
	for _, u := range res.Unreached {
		unstamped = append(unstamped, u.TSA)
	}
	stored, err := a.CheckpointStamps(size)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the checkpoint's time stamps: %w", err)
	}
	var toks [][]byte
	for _, s := range stored {
		if len(toks) == bundleformat.MaxTimestamps {
			break
		}
		toks = append(toks, s.Token)
	}
	return toks, unstamped, nil
}
