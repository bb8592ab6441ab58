// Package pathsafe decides whether a path found in a bag, a zip or a
// manifest is safe to use and portable to every operating system.
//
// A bag made on one system is opened on another. A manifest line that is a
// harmless file name on Linux ("C:/x", "a\..\..\b", "aux.txt") can point
// outside the bag or at a device on Windows, and Go's own checks
// (filepath.IsLocal, archive/zip's insecure-path test) apply only the rules
// of the system the program runs on. This package applies the rules of all
// of them, everywhere, so a verdict does not depend on where it was made.
//
// The package is pure: it never touches the file system.
//
//   - CheckBagPath says whether a slash-separated relative path is unsafe
//     (ErrUnsafe: it could escape the bag or name something other than a
//     file inside it) or merely not portable (ErrNotPortable: legal here,
//     but some system cannot create it).
//   - Portable maps one path component to a name every system accepts.
//   - FoldKey gives the key under which two names are the same file on a
//     case-insensitive, normalising file system (APFS, NTFS).
package pathsafe

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrUnsafe is wrapped by every error for a path that could escape the bag,
// name a device or be read differently by different systems.
var ErrUnsafe = errors.New("unsafe path")

// ErrNotPortable is wrapped by errors for paths that are safe but that some
// operating system cannot create as written (reserved names, characters
// Windows forbids, names longer than 255 bytes, invalid UTF-8).
var ErrNotPortable = errors.New("path not portable")

// MaxNameBytes is the longest path component every common file system
// accepts: 255 bytes on ext4, APFS and (in UTF-16 units, never more than
// the UTF-8 bytes) NTFS.
const MaxNameBytes = 255

// PathError says what is wrong with a path. It wraps ErrUnsafe or
// ErrNotPortable, so callers test errors.Is(err, ErrUnsafe).
type PathError struct {
	Path   string
	Reason string
	// Portability is true when the path is safe but not portable.
	Portability bool
}

func (e *PathError) Error() string {
	if e.Portability {
		return fmt.Sprintf("path %q is not portable: %s", e.Path, e.Reason)
	}
	return fmt.Sprintf("unsafe path %q: %s", e.Path, e.Reason)
}

func (e *PathError) Unwrap() error {
	if e.Portability {
		return ErrNotPortable
	}
	return ErrUnsafe
}

func unsafePath(p, reason string) error { return &PathError{Path: p, Reason: reason} }

// CheckBagPath checks a slash-separated path relative to the top of a bag,
// as it appears in a manifest, fetch.txt or a zip entry name (after any
// percent-decoding). It returns nil, an error wrapping ErrUnsafe, or one
// wrapping ErrNotPortable. Unsafe wins when both apply.
//
// Unsafe: empty; absolute ("/x", "\\server\x"); a leading "~" (home
// directory) or "%Name%" / "$Name" (environment variable); a backslash
// anywhere; a drive letter ("C:", "c:x"); a device name followed by a colon
// ("COM1:"); an empty, "." or ".." element; a NUL or other control
// character.
//
// Not portable: Windows reserved device names (CON, PRN, AUX, NUL,
// COM0-9, LPT0-9, also with an extension or superscript digit), characters
// Windows forbids (< > : " | ? *), an element ending in a dot or space, an
// element longer than 255 bytes, invalid UTF-8.
func CheckBagPath(p string) error {
	if p == "" {
		return unsafePath(p, "the path is empty")
	}
	if strings.HasPrefix(p, "/") {
		return unsafePath(p, "it is an absolute path")
	}
	if strings.Contains(p, `\`) {
		return unsafePath(p, `it contains a backslash, which Windows reads as a folder separator`)
	}
	if p[0] == '~' {
		return unsafePath(p, "it starts with '~', a shortcut for a home folder")
	}
	if envPrefix(p) {
		return unsafePath(p, "it starts with an environment variable")
	}
	if hasDriveLetter(p) {
		return unsafePath(p, "it starts with a drive letter")
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < 0x20 || c == 0x7f {
			return unsafePath(p, fmt.Sprintf("it contains the control character 0x%02X", c))
		}
	}
	var portability string
	for _, el := range strings.Split(p, "/") {
		switch el {
		case "":
			return unsafePath(p, "it has an empty element (a doubled or trailing '/')")
		case ".":
			return unsafePath(p, "it has a '.' element")
		case "..":
			return unsafePath(p, "it has a '..' element, which leads out of its folder")
		}
		if dev, ok := reservedStem(el); ok && strings.Contains(el, ":") {
			return unsafePath(p, fmt.Sprintf("it names the Windows device %s", dev))
		}
		if portability == "" {
			portability = nameProblem(el)
		}
	}
	if portability != "" {
		return &PathError{Path: p, Reason: portability, Portability: true}
	}
	return nil
}

// envPrefix reports whether p starts with %NAME% or $NAME / ${NAME}.
func envPrefix(p string) bool {
	switch p[0] {
	case '%':
		end := strings.IndexByte(p[1:], '%')
		return end > 0 && isIdent(p[1:1+end])
	case '$':
		return len(p) > 1 && (p[1] == '{' || p[1] == '_' || isLetter(p[1]))
	}
	return false
}

func isIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && c != '_' && c != '(' && c != ')' && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// hasDriveLetter reports whether p starts like "C:" (drive-absolute "C:/x"
// or drive-relative "C:x"), both of which leave the bag on Windows.
func hasDriveLetter(p string) bool {
	return len(p) >= 2 && isLetter(p[0]) && p[1] == ':'
}

// nameProblem returns why one path element is not portable, or "".
func nameProblem(el string) string {
	if !utf8.ValidString(el) {
		return fmt.Sprintf("the name %q is not valid UTF-8", el)
	}
	if len(el) > MaxNameBytes {
		return fmt.Sprintf("a name is %d bytes long; the limit on most systems is %d", len(el), MaxNameBytes)
	}
	if dev, ok := reservedStem(el); ok {
		return fmt.Sprintf("%q is the Windows device name %s", el, dev)
	}
	if i := strings.IndexAny(el, `<>:"|?*`); i >= 0 {
		return fmt.Sprintf("the name %q contains %q, which Windows forbids", el, el[i])
	}
	if last := el[len(el)-1]; last == '.' || last == ' ' {
		return fmt.Sprintf("the name %q ends with a dot or space, which Windows removes", el)
	}
	return ""
}
