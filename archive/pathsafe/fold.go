package pathsafe

import (
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// FoldKey returns the key under which two paths name the same file on a
// file system that ignores case and Unicode normalisation (APFS, NTFS,
// exFAT): Unicode NFC after full case folding. Two different paths with
// the same key cannot both be extracted there; one would overwrite the
// other. Compare keys, never show them: the original spelling is what the
// user should see.
func FoldKey(p string) string {
	// A Caser keeps state, so each call makes its own.
	folded := cases.Fold().String(norm.NFD.String(p))
	return norm.NFC.String(folded)
}

// NFC returns p in Unicode Normalization Form C, the form most systems
// write; macOS file systems may hand back the decomposed form (NFD).
func NFC(p string) string { return norm.NFC.String(p) }
