package provenance

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/custody-app/custody/archive/quote"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// MaxCheckpointSize bounds a signed checkpoint note. note.Open allows at
// most 100 signatures; a checkpoint with its origin and that many lines is
// well under this.
const MaxCheckpointSize = 64 << 10

// Checkpoint is a signed statement "the log named Origin had Size events
// and this Root hash", in the C2SP tlog-checkpoint format:
//
//	<origin>
//	<size, decimal>
//	<root hash, standard base64>
//	[extension lines]
//
//	— <signer> <signature>
type Checkpoint struct {
	Origin     string
	Size       int64
	Root       tlog.Hash
	Extensions []string // lines after the root, kept but not interpreted
	Note       []byte   // the whole signed note, exactly as signed
	Signers    []string // names of the keys whose signatures were verified
}

// Errors that ParseCheckpoint's error wraps, so callers can tell a
// checkpoint that was altered from one signed by a key they do not know.
var (
	ErrMalformedCheckpoint = errors.New("malformed checkpoint")
	ErrBadSignature        = errors.New("invalid checkpoint signature")
)

// SignerUnknownError means the checkpoint is well formed but none of its
// signatures is by a known key. Checkpoint holds its (unverified) content,
// so a caller can still check proofs and say SIGNER UNKNOWN.
type SignerUnknownError struct {
	Checkpoint *Checkpoint
	Signers    []string // names on the signature lines
}

func (e *SignerUnknownError) Error() string {
	if len(e.Signers) == 0 {
		return "checkpoint has no signatures by a known key"
	}
	return fmt.Sprintf("checkpoint is signed by %s, not by a known key", strings.Join(e.Signers, ", "))
}

// ParseCheckpoint reads a signed checkpoint strictly and verifies its
// signatures with verifiers. On SignerUnknownError the content is parsed
// but unverified; every other error means the text cannot be used.
func ParseCheckpoint(text []byte, verifiers note.Verifiers) (*Checkpoint, error) {
	if len(text) > MaxCheckpointSize {
		return nil, fmt.Errorf("%w: it is %d bytes, more than the limit of %d", ErrMalformedCheckpoint, len(text), MaxCheckpointSize)
	}
	n, err := note.Open(text, verifiers)
	var unverified *note.UnverifiedNoteError
	var invalid *note.InvalidSignatureError
	switch {
	case err == nil:
	case errors.As(err, &unverified):
		cp, perr := parseBody(unverified.Note.Text)
		if perr != nil {
			return nil, perr
		}
		cp.Note = append([]byte(nil), text...)
		e := &SignerUnknownError{Checkpoint: cp}
		for _, s := range unverified.Note.UnverifiedSigs {
			e.Signers = append(e.Signers, s.Name)
		}
		return nil, e
	case errors.As(err, &invalid):
		return nil, fmt.Errorf("%w: the signature by key %s does not match the text; the checkpoint was altered or forged", ErrBadSignature, invalid.Name)
	default:
		return nil, fmt.Errorf("%w: not a well-formed signed note (%v)", ErrMalformedCheckpoint, err)
	}
	cp, err := parseBody(n.Text)
	if err != nil {
		return nil, err
	}
	cp.Note = append([]byte(nil), text...)
	for _, s := range n.Sigs {
		cp.Signers = append(cp.Signers, s.Name)
	}
	return cp, nil
}

// ErrRolledBack is wrapped when the log holds fewer events than a
// checkpoint it signed: events were removed, or an old copy restored.
var ErrRolledBack = errors.New("log rolled back")

// ParseUnverified reads a checkpoint without checking its signatures: one
// the archive stored itself (verify/logcheck checks those), or one whose
// signature was checked before it was remembered.
func ParseUnverified(text []byte) (*Checkpoint, error) {
	_, err := ParseCheckpoint(text, note.VerifierList())
	var unknown *SignerUnknownError
	if errors.As(err, &unknown) {
		return unknown.Checkpoint, nil
	}
	if err == nil {
		return nil, errors.New("log: checkpoint verified without verifiers")
	}
	return nil, err
}

func parseBody(text string) (*Checkpoint, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrMalformedCheckpoint}, a...)...)
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 {
		return nil, bad("needs an origin line, a size line and a root hash line")
	}
	cp := &Checkpoint{Origin: lines[0]}
	if cp.Origin == "" {
		return nil, bad("the origin line is empty")
	}
	size, err := parseSize(lines[1])
	if err != nil {
		return nil, bad("%v", err)
	}
	cp.Size = size
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize || base64.StdEncoding.EncodeToString(root) != lines[2] {
		return nil, bad("the root hash %q is not 32 bytes of standard base64", quote.Clip(lines[2]))
	}
	copy(cp.Root[:], root)
	for _, ext := range lines[3:] {
		if ext == "" {
			return nil, bad("has an empty extension line")
		}
		cp.Extensions = append(cp.Extensions, ext)
	}
	return cp, nil
}

// parseSize reads a tree size: decimal digits, no sign, no leading zeros.
func parseSize(s string) (int64, error) {
	if s == "" {
		return 0, errors.New("the size line is empty")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("the size %q is not a decimal number", quote.Clip(s))
		}
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, fmt.Errorf("the size %q has a leading zero", quote.Clip(s))
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > 1<<62 {
		return 0, fmt.Errorf("the size %q is too large", quote.Clip(s))
	}
	return n, nil
}

// CheckpointBody is the text a checkpoint of the log origin at size with
// root signs.
func CheckpointBody(origin string, size int64, root tlog.Hash) string {
	return fmt.Sprintf("%s\n%d\n%s\n", origin, size, base64.StdEncoding.EncodeToString(root[:]))
}
