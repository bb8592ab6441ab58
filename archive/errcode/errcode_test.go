package errcode

import (
	"errors"
	"fmt"
	"testing"
)

func TestError(t *testing.T) {
	base := New(PassphraseNeeded, "this archive is protected by a passphrase")
	if base.Error() != "this archive is protected by a passphrase" {
		t.Errorf("Error() = %q", base.Error())
	}
	other := New(PassphraseNeeded, "another wording")
	if !errors.Is(other, base) || errors.Is(New(ArchiveDamaged, "x"), base) {
		t.Error("Is should match on the code alone")
	}

	cause := errors.New("checksum mismatch")
	w := Wrap(ArchiveDamaged, cause, "the archive's copy of a.txt is damaged")
	if w.Error() != "the archive's copy of a.txt is damaged: checksum mismatch" || !errors.Is(w, cause) {
		t.Errorf("Wrap: %q, is cause %v", w.Error(), errors.Is(w, cause))
	}
	if got := Wrap(ArchiveDamaged, cause, "").Error(); got != "checksum mismatch" {
		t.Errorf("Wrap without a message: %q", got)
	}

	outer := fmt.Errorf("bundle refused: %w", New(VerdictRefused, "the verdict is TAMPERED"))
	if Of(outer) != VerdictRefused || Of(cause) != "" || Of(nil) != "" {
		t.Errorf("Of: %q %q %q", Of(outer), Of(cause), Of(nil))
	}
}

type keyError struct{}

func (keyError) Error() string     { return "wrong passphrase" }
func (keyError) ErrorCode() string { return "PASSPHRASE_WRONG" }

func TestOfReadsOtherCodedErrors(t *testing.T) {
	if got := Of(fmt.Errorf("opening: %w", keyError{})); got != "PASSPHRASE_WRONG" {
		t.Errorf("Of = %q", got)
	}
}

func TestWithHint(t *testing.T) {
	hints := map[string]string{ArchiveDamaged: "verify the archive for a full report"}
	cause := errors.New("checksum mismatch")
	err := WithHint(fmt.Errorf("the bundle was not written: %w", Wrap(ArchiveDamaged, cause, "a.txt is damaged")), hints)
	if err.Error() != "the bundle was not written: a.txt is damaged: checksum mismatch; verify the archive for a full report" {
		t.Errorf("WithHint: %q", err.Error())
	}
	if !errors.Is(err, cause) || Of(err) != ArchiveDamaged {
		t.Error("the hinted error hides its chain")
	}
	if plain := New(PassphraseNeeded, "locked"); WithHint(plain, hints) != error(plain) {
		t.Error("an error whose code has no hint should come back as it was")
	}
	if WithHint(nil, hints) != nil {
		t.Error("WithHint(nil) should be nil")
	}
}
