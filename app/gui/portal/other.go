//go:build !(linux || freebsd || netbsd || openbsd || dragonfly)

package portal

import "context"

// Available is false: this system has no xdg-desktop-portal.
func Available(context.Context) bool { return false }

// OpenFiles returns ErrUnavailable on this system.
func OpenFiles(context.Context, string, Open) ([]string, error) { return nil, ErrUnavailable }

// SaveFile returns ErrUnavailable on this system.
func SaveFile(context.Context, string, Save) (string, error) { return "", ErrUnavailable }
