package cli

import (
	"errors"
	"fmt"
	"github.com/custody-app/custody/archive"

	"github.com/custody-app/custody/archive/blob"
	"github.com/custody-app/custody/archive/errcode"
	"github.com/custody-app/custody/archive/lock"
)

// hints is what the command line tells its user to do about an error,
// by the error's code. The library's message says what happened; this
// adds the flag or the command (docs/cli.md lists them).
var hints = map[string]string{
	errcode.PassphraseNeeded:        "give it with the prompt, $CUSTODY_PASSPHRASE or --passphrase-file",
	errcode.ArchiveDamaged:          "run custody verify for a full report",
	errcode.ChecksumUnverified:      "no file without a checked checksum is received, even with --force; ask the sender for the bundle again",
	errcode.VerdictRefused:          "use --force to receive it anyway (that is recorded)",
	errcode.ReadOnlyMedia:           "ls, show, cat, verify, log, checkpoint and export --to a writable folder work; to change the archive, copy its folder to a writable disk",
	errcode.FolderGone:              "reconnect the disk (or restore the folder), then run custody verify",
	archive.CodeWitnessUnknown:      "custody witness list shows the witnesses; name one with --witness NAME",
	archive.CodeWitnessExists:       "custody witness remove NAME, then add it again",
	archive.CodeWitnessURLMalformed: "give the witness's submission prefix, e.g. https://witness.example/, or - for a witness reached by files",
	errcode.RemoteCredentials:       "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or ~/.aws/credentials) to a key the object store accepts; Custody never stores them",
}

// hinted is err with the hint for its code appended, if hints has one.
func hinted(err error) error {
	if errors.Is(err, lock.ErrLocked) {
		return fmt.Errorf("%w; or run it with --wait to wait until the archive is free", err)
	}
	return errcode.WithHint(err, hints)
}

// docReadError turns a failed read into the right exit code: wrong bytes
// are a problem found (1), anything else a failure to read (2).
func docReadError(id [32]byte, err error) error {
	if errors.Is(err, blob.ErrCorrupt) || errors.Is(err, blob.ErrMissing) {
		if id == ([32]byte{}) {
			return problem("%v; %s", err, hints[errcode.ArchiveDamaged])
		}
		return problem("document %x is damaged: %v; %s", id[:6], err, hints[errcode.ArchiveDamaged])
	}
	return fmt.Errorf("could not read: %w", err)
}
