// Custody-cli is the custody command line without the window: the same
// commands as `custody COMMAND`, in a binary that links no GUI toolkit.
//
// It exists for Windows, where one program is either a console program
// or a window program: the packaged custody.exe is a window program
// (linked with -H=windowsgui, so no console flashes up behind the
// window), and a window program's output never reaches the console it
// was started from. custody-cli.exe is the console program for scripts
// and the command prompt. It also needs no C compiler to build, so it is
// what servers and the cross-built macOS and Windows command lines use.
package main

import (
	"os"

	"github.com/custody-app/custody/app/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:]))
}
