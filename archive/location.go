package archive

import (
	"os"
	"path/filepath"
	"runtime"
)

// DefaultDir is where the archive lives when none is named: the
// operating system's per-user data folder, in a "Custody" subfolder
// ($XDG_DATA_HOME or ~/.local/share on Linux, ~/Library/Application Support
// on macOS, %LOCALAPPDATA% on Windows).
func DefaultDir() string {
	var base string
	switch runtime.GOOS {
	case "windows":
		base = os.Getenv("LOCALAPPDATA")
	case "darwin":
		if home, err := os.UserHomeDir(); err == nil {
			base = filepath.Join(home, "Library", "Application Support")
		}
	default:
		base = os.Getenv("XDG_DATA_HOME")
		if base == "" {
			if home, err := os.UserHomeDir(); err == nil {
				base = filepath.Join(home, ".local", "share")
			}
		}
	}
	if base == "" {
		base = "."
	}
	return filepath.Join(base, "Custody", "archive")
}

// Locate picks the archive folder: the one given, else $CUSTODY_ARCHIVE,
// else DefaultDir.
func Locate(given string) string {
	if given != "" {
		return given
	}
	if env := os.Getenv("CUSTODY_ARCHIVE"); env != "" {
		return env
	}
	return DefaultDir()
}
