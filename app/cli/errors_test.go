package cli

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/errcode"
)

// TestErrorHints checks the text the command line prints for each coded
// error: the library's words, then the command line's hint.
func TestErrorHints(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{archive.ErrPassphraseNeeded,
			"custody x: this archive is protected by a passphrase; give it with the prompt, $CUSTODY_PASSPHRASE or --passphrase-file\n"},
		{fmt.Errorf("writing bundle: %w", errcode.Wrap(errcode.ArchiveDamaged, errors.New("checksum mismatch"), "the archive's copy of a.txt is damaged")),
			"custody x: writing bundle: the archive's copy of a.txt is damaged: checksum mismatch; run custody verify for a full report\n"},
		{errcode.New(errcode.ChecksumUnverified, "data/a.txt has no verified checksum"),
			"custody x: data/a.txt has no verified checksum; no file without a checked checksum is received, even with --force; ask the sender for the bundle again\n"},
		{problem("%w", fmt.Errorf("bundle refused: %w", errcode.New(errcode.VerdictRefused, "the verdict is TAMPERED; nothing was imported"))),
			"custody x: bundle refused: the verdict is TAMPERED; nothing was imported; use --force to receive it anyway (that is recorded)\n"},
		{errors.New("no code, no hint"), "custody x: no code, no hint\n"},
	} {
		var stderr bytes.Buffer
		finish(&Env{Stderr: &stderr}, "x", tc.err)
		if stderr.String() != tc.want {
			t.Errorf("printed %q\nwant    %q", stderr.String(), tc.want)
		}
	}
	for _, code := range errcode.Hinted() {
		if hints[code] == "" {
			t.Errorf("no hint for %s", code)
		}
	}
}
