// Package errcode gives the errors of the archive and of the checks a
// stable code, so that each front end can tell its own user what to do.
//
// A library error says what happened, in plain words ("this archive is
// protected by a passphrase"). What to do about it depends on who reads
// it: at a terminal it is a flag or another command to run, in the
// window a button or a menu. So the library never names either; it
// attaches a code, and app/cli and app/gui each keep a table from codes
// to their hints. The codes are part of the
// public interface (docs/cli.md lists them): never rename one.
package errcode

import "errors"

// The codes the front ends add hints for.
const (
	// PassphraseNeeded: the archive must be unlocked for this, and no
	// passphrase was given.
	PassphraseNeeded = "PASSPHRASE_NEEDED"
	// ArchiveDamaged: something the archive holds (a document's bytes,
	// its log) is damaged or missing; a full verification says what.
	ArchiveDamaged = "ARCHIVE_DAMAGED"
	// ChecksumUnverified: a received file has no checksum that was
	// verified, so it can only be received when the person insists.
	ChecksumUnverified = "CHECKSUM_UNVERIFIED"
	// VerdictRefused: a bundle was not received because of its verdict;
	// receiving it anyway is possible, and recorded.
	VerdictRefused = "VERDICT_REFUSED"
	// ReadOnlyMedia: the archive is on a disk or mount that cannot be
	// written, and this needs to write (reading works there).
	ReadOnlyMedia = "READ_ONLY_MEDIA"
	// FolderGone: the archive folder disappeared while in use (deleted,
	// or its disk removed); what was done last may not have been kept.
	FolderGone = "FOLDER_GONE"
	// RemoteCredentials: the object store of a remote copy refused the
	// credentials, or none were given.
	RemoteCredentials = "REMOTE_CREDENTIALS"
)

// Hinted lists the codes above, for the front ends' tests: each keeps a
// hint for every one.
func Hinted() []string {
	return []string{PassphraseNeeded, ArchiveDamaged, ChecksumUnverified, VerdictRefused, ReadOnlyMedia, FolderGone, RemoteCredentials}
}

// Error is an error with a stable code.
type Error struct {
	Code string // stable, e.g. "PASSPHRASE_NEEDED"
	Msg  string // what happened, in plain words; no advice
	Err  error  // the cause, if any
}

// New returns an error with code and message msg.
func New(code, msg string) *Error { return &Error{Code: code, Msg: msg} }

// Wrap returns an error with code and message msg, caused by err.
func Wrap(code string, err error, msg string) *Error { return &Error{Code: code, Msg: msg, Err: err} }

func (e *Error) Error() string {
	switch {
	case e.Err == nil:
		return e.Msg
	case e.Msg == "":
		return e.Err.Error()
	}
	return e.Msg + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error with the same code: every error
// of one code matches the package variable declared for it (for example
// archive.ErrPassphraseNeeded), whatever its message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// ErrorCode returns e's code.
func (e *Error) ErrorCode() string { return e.Code }

// Of returns the code of the first error in err's chain that has one (an
// *Error, or any error with an ErrorCode method, such as archive/keys'
// errors), or "" when none has.
func Of(err error) string {
	var c interface{ ErrorCode() string }
	if errors.As(err, &c) {
		return c.ErrorCode()
	}
	return ""
}

// WithHint returns err with the hint a front end keeps for its code
// appended ("…; HINT"), or err itself when
// hints has none for it. errors.Is and errors.As see through the result.
func WithHint(err error, hints map[string]string) error {
	if h := hints[Of(err)]; h != "" {
		return &hinted{err, h}
	}
	return err
}

type hinted struct {
	err  error
	hint string
}

func (h *hinted) Error() string { return h.err.Error() + "; " + h.hint }
func (h *hinted) Unwrap() error { return h.err }
