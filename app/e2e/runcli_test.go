package e2e_test

import (
	"bytes"
	"strings"

	"github.com/custody-app/custody/app/cli"
	"github.com/custody-app/custody/archive/keys"
)

// runCLI runs the command line in this process.
func runCLI(dir string, args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Archive: dir, ScryptLogN: keys.MinScryptLogN}
	code := cli.Run(env, args)
	return out.String(), errb.String(), code
}
