// Custody keeps a collection of documents and proves, years later and to a
// sceptical stranger, that nobody changed them and where they came from.
//
// With no arguments it opens its window; with a command it is the custody
// command-line tool (custody help lists the commands).
package main

import (
	"os"

	"github.com/custody-app/custody/app/cli"
	"github.com/custody-app/custody/app/gui"
	_ "github.com/custody-app/custody/app/locale" // before the GUI toolkit reads the locale
)

func main() {
	if len(os.Args) == 1 {
		os.Exit(gui.Main())
	}
	os.Exit(cli.Main(os.Args[1:]))
}
