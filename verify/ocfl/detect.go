package ocfl

import (
	"io/fs"
	"strings"
)

// Kind is what a folder holds, as far as OCFL is concerned.
type Kind int

const (
	// None: neither an object nor a storage root (a bag, or anything else).
	None Kind = iota
	// ObjectKind: an OCFL object (its declaration, or failing that an
	// inventory.json beside version folders, is in the top folder).
	ObjectKind
	// RootKind: an OCFL storage root (0=ocfl_1.x in the top folder).
	RootKind
)

func (k Kind) String() string {
	switch k {
	case ObjectKind:
		return "OCFL object"
	case RootKind:
		return "OCFL storage root"
	}
	return "not OCFL"
}

// Detect says what the top folder of fsys is, reading only its listing.
func Detect(fsys fs.FS) Kind {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return None
	}
	inventory, bagit := false, false
	for _, e := range entries {
		n := e.Name()
		switch {
		case strings.HasPrefix(n, "0=ocfl_object_"):
			return ObjectKind
		case strings.HasPrefix(n, "0=ocfl_"):
			return RootKind
		case n == "inventory.json":
			inventory = true
		case n == "bagit.txt":
			bagit = true
		}
	}
	if inventory && !bagit {
		return ObjectKind // without its declaration: validate it as one, to say so
	}
	return None
}
