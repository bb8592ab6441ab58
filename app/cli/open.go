package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/user"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/lock"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/archive/store"
	"golang.org/x/term"
)

type openMode int

const (
	readOnly openMode = iota
	readWrite
	createIfMissing
)

// newArchive holds init's choices, also used when import creates one.
type newArchive struct {
	name, org string
	noEncrypt bool
	// unlockInBackground lets work start while the passphrase is checked
	// (see archive.Options.UnlockInBackground); import sets it.
	unlockInBackground bool
}

// open opens the archive the command works on. Read-only opens of an
// unencrypted archive need no passphrase.
func (env *Env) open(mode openMode) (*archive.Archive, error) {
	return env.openWith(mode, newArchive{})
}

func (env *Env) openWith(mode openMode, n newArchive) (*archive.Archive, error) {
	dir := archive.Locate(env.Archive)
	exists := archive.Exists(dir)
	opt := archive.Options{Create: mode == createIfMissing, Store: store.Config{ReadOnly: mode == readOnly},
		UnlockInBackground: n.unlockInBackground}
	if !exists && mode != createIfMissing {
		return nil, fmt.Errorf("%w: %s (create one with \"custody init\")", archive.ErrNoArchive, dir)
	}
	if !exists {
		if n.name == "" {
			n.name = defaultName()
		}
		opt.New = keys.CreateOptions{Name: n.name, Organisation: n.org, EncryptStore: !n.noEncrypt, ScryptLogN: env.ScryptLogN}
		pass, err := env.newPassphrase()
		if err != nil {
			return nil, err
		}
		opt.Passphrase = pass
	} else if mode != readOnly || archive.NeedsPassphrase(dir) {
		pass, err := env.passphrase("Passphrase for the archive in " + dir + ": ")
		if err != nil {
			return nil, err
		}
		opt.Passphrase = pass
	}
	opt.Wait = env.lockWait()
	a, err := archive.Open(dir, opt)
	if err == nil && a.TempNotice() != "" {
		fmt.Fprintf(env.Stderr, "custody: warning: %s\n", quote.Safe(a.TempNotice()))
	}
	return a, err
}

// lockWait is how a command waits for an archive another process has
// open: with --wait, until the lock is free or Ctrl-C, saying so once.
func (env *Env) lockWait() *lock.Wait {
	if !env.Wait {
		return nil
	}
	return &lock.Wait{Ctx: env.ctx, Waiting: func() {
		fmt.Fprintln(env.Stderr, "custody: waiting for another Custody to finish with this archive… (Ctrl-C to stop)")
	}}
}

func defaultName() string {
	if u, err := user.Current(); err == nil {
		if u.Name != "" {
			return u.Name
		}
		if u.Username != "" {
			return u.Username
		}
	}
	return "Archivist"
}

var errNoPassphrase = errors.New("this archive needs its passphrase: set $CUSTODY_PASSPHRASE, use --passphrase-file FILE, or run in a terminal to be asked")

// passphrase reads the passphrase from --passphrase-file, then
// $CUSTODY_PASSPHRASE, then a prompt without echo.
func (env *Env) passphrase(prompt string) ([]byte, error) {
	if env.cached != nil {
		return env.cached, nil
	}
	p, err := env.readPassphrase(prompt)
	if err == nil {
		env.cached = p
	}
	return p, err
}

func (env *Env) readPassphrase(prompt string) ([]byte, error) {
	if env.PassphraseFile != "" {
		b, err := os.ReadFile(env.PassphraseFile)
		if err != nil {
			return nil, fmt.Errorf("reading the passphrase file: %w", err)
		}
		b = bytes.TrimRight(b, "\r\n")
		if len(b) == 0 {
			return nil, fmt.Errorf("the passphrase file %s is empty", env.PassphraseFile)
		}
		return b, nil
	}
	if p := os.Getenv("CUSTODY_PASSPHRASE"); p != "" {
		return []byte(p), nil
	}
	if env.ask != nil {
		return env.ask(prompt)
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return nil, errNoPassphrase
	}
	fmt.Fprint(env.Stderr, prompt)
	b, err := term.ReadPassword(fd)
	fmt.Fprintln(env.Stderr)
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, keys.ErrEmptyPassphrase
	}
	return b, nil
}

// newPassphrase asks for a new passphrase twice (unless it comes from a
// file or the environment).
func (env *Env) newPassphrase() ([]byte, error) {
	scripted := env.PassphraseFile != "" || os.Getenv("CUSTODY_PASSPHRASE") != ""
	p, err := env.passphrase("Choose a passphrase for the new archive: ")
	if err != nil || scripted {
		return p, err
	}
	again, err := env.ask2("Type it again: ")
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(p, again) {
		return nil, errors.New("the two passphrases differ; nothing was created")
	}
	return p, nil
}

// newPassphraseFrom reads a new passphrase from the environment variable
// envVar (for scripts) or asks twice.
func (env *Env) newPassphraseFrom(envVar string) ([]byte, error) {
	if p := os.Getenv(envVar); p != "" {
		return []byte(p), nil
	}
	if env.ask == nil && !term.IsTerminal(int(os.Stdin.Fd())) {
		return nil, fmt.Errorf("give the new passphrase in $%s, or run in a terminal to be asked", envVar)
	}
	p, err := env.ask2("New passphrase: ")
	if err != nil {
		return nil, err
	}
	again, err := env.ask2("Type it again: ")
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(p, again) {
		return nil, errors.New("the two passphrases differ; nothing was changed")
	}
	return p, nil
}

// ask2 prompts without consulting the file or environment.
func (env *Env) ask2(prompt string) ([]byte, error) {
	if env.ask != nil {
		return env.ask(prompt)
	}
	fmt.Fprint(env.Stderr, prompt)
	b, err := term.ReadPassword(int(os.Stdin.Fd()))
	fmt.Fprintln(env.Stderr)
	if err == nil && len(b) == 0 {
		err = keys.ErrEmptyPassphrase
	}
	return b, err
}
