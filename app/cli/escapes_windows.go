//go:build windows

package cli

import (
	"os"

	"golang.org/x/sys/windows"
)

// enableEscapes asks the Windows console to interpret escape codes
// (virtual terminal processing, Windows 10 and later) and reports whether
// it does. An older console, or a handle that is not a console, says no,
// and progress bars are then drawn without escape codes.
func enableEscapes(f *os.File) bool {
	h := windows.Handle(f.Fd())
	var mode uint32
	if err := windows.GetConsoleMode(h, &mode); err != nil {
		return false
	}
	if mode&windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0 {
		return true
	}
	return windows.SetConsoleMode(h, mode|windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING) == nil
}
