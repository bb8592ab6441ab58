//go:build !windows

package cli

import "os"

// enableEscapes reports whether the terminal understands escape codes:
// every terminal on Unix-like systems does.
func enableEscapes(*os.File) bool { return true }
