// Package locale makes the "C" and "POSIX" locales (the default on servers
// and in CI) read as English before the GUI toolkit looks at them.
//
// Fyne reads the locale while its packages initialise and logs an error
// for "C", which every custody command would otherwise print, even when no
// window is opened. Import this package (blank) from main: it has no
// dependencies beyond os, so it initialises before the toolkit.
package locale

import (
	"os"
	"strings"
)

func init() {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		base, _, _ := strings.Cut(v, ".")
		if base == "C" || base == "POSIX" {
			os.Setenv(name, "en_US.UTF-8")
		}
	}
}
