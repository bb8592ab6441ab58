package keys

import "errors"

// Error is an error with a stable code. The codes are part of the public
// interface (CLI --json output, findings, docs); never rename one.
type Error struct {
	Code string // stable, e.g. "IDENTITY_DAMAGED"
	What string // what is wrong
	Fix  string // what the person can do about it; may be empty
}

func (e *Error) Error() string { return join(e.What, "", e.Fix) }

// Is makes every error of one code match the variable declared for it.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// ErrorCode returns e's code, so that errcode.Of reads it too.
func (e *Error) ErrorCode() string { return e.Code }

func join(what, detail, fix string) string {
	s := what
	if detail != "" {
		s += ": " + detail
	}
	if fix != "" {
		s += "; " + fix
	}
	return s
}

// Errors returned by this package. Use errors.Is to test for them and
// errors.As with *Error (or Code) to read the code.
var (
	ErrNoIdentity = &Error{"IDENTITY_MISSING",
		"this archive has no identity.json",
		"restore it from a backup (an archive cannot sign without it)"}
	ErrIdentityExists = &Error{"IDENTITY_EXISTS",
		"this folder already has an identity.json",
		"Custody never overwrites an archivist's key; choose an empty folder"}
	ErrEmptyPassphrase = &Error{"PASSPHRASE_EMPTY",
		"the passphrase is empty",
		"choose a passphrase of several words"}
	ErrWrongPassphrase = &Error{"PASSPHRASE_WRONG",
		"wrong passphrase",
		"nothing was changed; try again"}
	ErrKeyFileDamaged = &Error{"IDENTITY_DAMAGED",
		"the identity file is damaged",
		"Custody will not sign with it; restore identity.json from a backup"}
	// ErrKeyFilesDamaged is ErrKeyFileDamaged (the same code) when its
	// copy cannot repair it either.
	ErrKeyFilesDamaged = &Error{"IDENTITY_DAMAGED",
		"the identity file is damaged",
		"restore it from the archive's recovery kit (custody keys restore KIT) or from a backup of the archive folder"}
	ErrUnsupportedFormat = &Error{"IDENTITY_FORMAT_UNKNOWN",
		"identity.json was written by a newer version of Custody",
		"update Custody to open this archive"}
	ErrBadIdentityField = &Error{"IDENTITY_FIELD_INVALID",
		"invalid archivist details", ""}

	ErrBadVerifierKey = &Error{"VERIFIER_KEY_MALFORMED",
		"malformed verifier key",
		"a key looks like name+0123abcd+base64; copy it again in full"}
	ErrVerifierKeyHash = &Error{"VERIFIER_KEY_HASH_MISMATCH",
		"the verifier key's hash does not match its name and key",
		"the key was altered or mistyped; copy it again in full"}
	ErrUnsupportedKey = &Error{"VERIFIER_KEY_ALGORITHM",
		"the verifier key is not an Ed25519 key",
		"Custody supports Ed25519 keys only"}
	ErrWeakKey = &Error{"VERIFIER_KEY_WEAK",
		"the verifier key is a weak Ed25519 key that could vouch for messages its owner never signed",
		"it cannot be trusted; ask the archivist for their real key"}

	ErrBadTrustName = &Error{"TRUST_NAME_INVALID",
		"invalid name for a trusted key", ""}
	ErrTrustHowMissing = &Error{"TRUST_HOW_MISSING",
		"say how the key's fingerprint was confirmed",
		"for example \"read aloud by phone on 3 March\" (printable text, at most 500 characters)"}
	ErrAlreadyTrusted = &Error{"TRUST_CONFLICT",
		"the trust store already has this name or key",
		"remove the old entry first if you mean to replace it"}
	ErrNotTrusted = &Error{"TRUST_NOT_FOUND",
		"no trusted key has that name", ""}
	ErrTrustStoreDamaged = &Error{"TRUST_STORE_DAMAGED",
		"a trust store record is damaged",
		"remove it and trust the key again after confirming its fingerprint"}
)

// detailed adds specifics to one of the errors above; errors.Is and
// errors.As see the base error.
type detailed struct {
	base   *Error
	detail string
}

func (d *detailed) Error() string { return join(d.base.What, d.detail, d.base.Fix) }
func (d *detailed) Unwrap() error { return d.base }

func withDetail(base *Error, detail string) error { return &detailed{base, detail} }

// Code returns the stable code of an error from this package, or "" for
// any other error.
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
