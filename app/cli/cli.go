// Package cli is the custody command: a thin shell over the archive and
// verify packages for scripts, servers and people at a terminal.
//
// Exit codes are part of the interface: 0 all good, 1 a problem was found
// (tampering, corruption, a fork), 2 the command itself failed (bad
// arguments, archive locked, I/O error, disk full). --json output is
// stable and documented in docs/cli.md.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/custody-app/custody/archive/quote"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"

	"golang.org/x/term"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitProblem = 1
	ExitFailed  = 2
)

// Env is what a command runs with; tests give their own.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Archive is the --archive flag (empty: $CUSTODY_ARCHIVE or the default).
	Archive string
	// PassphraseFile is the --passphrase-file flag.
	PassphraseFile string
	// Wait is the --wait flag: wait while another Custody has the archive
	// open instead of refusing.
	Wait bool
	// ScryptLogN sets the passphrase cost of new archives (0: default).
	ScryptLogN int
	// cached is the passphrase once given, so one command asks once.
	cached []byte
	// ask, when set, answers passphrase prompts (tests).
	ask func(prompt string) ([]byte, error)
	// Interactive is true when stdout is a terminal: progress bars and
	// prompts are shown then.
	Interactive bool
	// PlainBar draws progress bars without escape codes: set when the
	// console does not understand them (an older Windows console).
	PlainBar bool
	ctx      context.Context
}

type command struct {
	name, args, help string
	run              func(env *Env, args []string) error
}

// exitError carries an exit code through error returns.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// problem makes an error that exits 1 (something wrong was found).
func problem(format string, a ...any) error {
	return &exitError{ExitProblem, fmt.Errorf(format, a...)}
}

// exitCode is an error that only sets the exit code (the output already
// said everything).
func exitCode(code int) error { return &exitError{code, nil} }

// Main runs the command line with os.Args-style args (without the program
// name) and returns the exit code.
func Main(args []string) int {
	softMemoryLimit()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	env := &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, ctx: ctx,
		Interactive: term.IsTerminal(int(os.Stdout.Fd())) && term.IsTerminal(int(os.Stderr.Fd()))}
	if env.Interactive {
		env.PlainBar = !enableEscapes(os.Stderr)
	}
	return Run(env, args)
}

// Run runs one command and returns its exit code.
func Run(env *Env, args []string) int {
	if env.ctx == nil {
		env.ctx = context.Background()
	}
	if len(args) == 1 && args[0] == "--version" {
		args = []string{"version"}
	}
	global := flag.NewFlagSet("custody", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	global.StringVar(&env.Archive, "archive", env.Archive, "archive folder")
	global.StringVar(&env.PassphraseFile, "passphrase-file", env.PassphraseFile, "read the passphrase from this file")
	global.BoolVar(&env.Wait, "wait", env.Wait, "wait while another Custody has the archive open")
	if err := global.Parse(args); err != nil {
		fmt.Fprintf(env.Stderr, "custody: %s\n\n", quote.Safe(err.Error()))
		usage(env.Stderr)
		return ExitFailed
	}
	args = global.Args()
	if len(args) >= 2 && args[0] == "help" {
		// custody help COMMAND [SUBCOMMAND]: the command's own --help.
		if c := findCommand(args[1]); c != nil {
			return finish(env, c.name, c.run(env, append(append([]string{}, args[2:]...), "--help")))
		}
		fmt.Fprintf(env.Stderr, "custody help: unknown command \"%s\"\n\n", quote.Safe(args[1]))
		usage(env.Stderr)
		return ExitFailed
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.Stdout)
		return ExitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return finish(env, c.name, c.run(env, args[1:]))
		}
	}
	fmt.Fprintf(env.Stderr, "custody: unknown command \"%s\"\n\n", quote.Safe(args[0]))
	usage(env.Stderr)
	return ExitFailed
}

func finish(env *Env, name string, err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	code := ExitFailed
	if errors.As(err, &ee) {
		code = ee.code
		if ee.err == nil {
			return code
		}
	}
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	fmt.Fprintf(env.Stderr, "custody %s: %s\n", name, quote.Safe(hinted(err).Error()))
	return code
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Custody keeps documents and proves nobody changed them and where they came from.

Usage: custody [--archive DIR] [--passphrase-file FILE] [--wait] COMMAND [ARGS]
With no command, custody opens its window.

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.help)
		if c.args != "" {
			fmt.Fprintf(w, "  %-12s   custody %s %s\n", "", c.name, c.args)
		}
	}
	fmt.Fprint(w, `
custody help COMMAND (or custody COMMAND --help) describes one command, with an example.
The archive is --archive DIR, else $CUSTODY_ARCHIVE, else the per-user data folder.
Exit codes: 0 all good, 1 a problem was found, 2 the command failed.
`)
}

// flags parses a command's flags, allowing them before, between and after
// its positional arguments.
func flags(fs *flag.FlagSet, env *Env, args []string) ([]string, error) {
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {} // the help page is printed below, to stdout
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printHelp(env.Stdout, fs.Name(), fs)
				return nil, err
			}
			return nil, &exitError{ExitFailed, fmt.Errorf("%v (see custody %s -h)", err, fs.Name())}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func newFlags(name string) *flag.FlagSet {
	return flag.NewFlagSet(name, flag.ContinueOnError)
}

// plural writes "1 document" / "2 documents".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	if strings.HasSuffix(word, "y") {
		return fmt.Sprintf("%d %sies", n, word[:len(word)-1])
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// memoryLimit is the heap size from which the garbage collector works
// harder instead of letting the heap double: the commands keep to 256 MiB
// of anonymous memory whatever the archive's size (docs/performance.md).
// Above it nothing fails; the collector only runs more often.
const memoryLimit = 224 << 20

// softMemoryLimit sets memoryLimit unless $GOMEMLIMIT sets another.
func softMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
