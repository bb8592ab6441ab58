package gui

import (
	"errors"
	"testing"

	"github.com/custody-app/custody/archive/errcode"
)

func TestHints(t *testing.T) {
	for _, code := range errcode.Hinted() {
		if hints[code] == "" {
			t.Errorf("no hint for %s", code)
		}
	}
	err := hinted(errcode.New(errcode.ArchiveDamaged, "the archive's copy of a.txt is damaged"))
	if want := "the archive's copy of a.txt is damaged; choose Verify archive in the Verify menu for a full report"; err.Error() != want {
		t.Errorf("hinted: %q", err.Error())
	}
	plain := errors.New("no code")
	if hinted(plain) != plain {
		t.Error("an error without a code should come back as it was")
	}
}
