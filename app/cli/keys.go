package cli

import (
	"errors"
	"fmt"
	"github.com/custody-app/custody/archive/quote"
	"os"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/keys"
)

func runKeys(env *Env, args []string) error {
	fs := newFlags("keys")
	how := fs.String("how", "fingerprint compared in person", "how you confirmed the key (for trust)")
	asJSON := fs.Bool("json", false, "print JSON")
	out := fs.String("out", "", "where to write the recovery kit (for backup)")
	pos, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		pos = []string{"show"}
	}
	switch {
	case pos[0] == "show" && len(pos) == 1:
		pub, err := keys.ReadPublic(archive.Locate(env.Archive))
		if err != nil {
			return err
		}
		if *asJSON {
			writeJSON(env.Stdout, map[string]string{"name": pub.Name, "organisation": pub.Organisation,
				"fingerprint": pub.Fingerprint, "verifier_key": pub.VerifierKey, "origin": pub.Origin})
			return nil
		}
		fmt.Fprintf(env.Stdout, "Archivist:    %s\nOrganisation: %s\nFingerprint:  %s\nVerifier key: %s\nLog origin:   %s\n",
			quote.Safe(pub.Name), quote.Safe(pub.Organisation), pub.Fingerprint, quote.Safe(pub.VerifierKey), quote.Safe(pub.Origin))
		fmt.Fprintln(env.Stdout, "\nGive the verifier key to people who check your bundles; read the fingerprint aloud to confirm it.")
		return nil
	case pos[0] == "list" && len(pos) == 1:
		a, err := env.open(readOnly)
		if err != nil {
			return err
		}
		defer a.Close()
		list, err := a.TrustList()
		if err != nil {
			return err
		}
		if *asJSON {
			if list == nil {
				list = []keys.Trusted{}
			}
			writeJSON(env.Stdout, list)
			return nil
		}
		if len(list) == 0 {
			fmt.Fprintln(env.Stdout, "No trusted keys yet. Add one with: custody keys trust NAME KEY")
		}
		for _, t := range list {
			fmt.Fprintf(env.Stdout, "%-24s %s  %s  (%s, %s)\n", quote.Safe(t.Name), t.Fingerprint, quote.Safe(t.VerifierKey), quote.Safe(t.How), t.Added.Format("2006-01-02"))
		}
		return nil
	case pos[0] == "trust" && len(pos) == 3:
		_, info, err := keys.ParseVerifierKey(pos[2])
		if err != nil {
			return err
		}
		a, err := env.open(readWrite)
		if err != nil {
			return err
		}
		defer a.Close()
		if err := a.Trust(pos[1], pos[2], *how); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Trusted %s, fingerprint %s.\n", quote.Safe(pos[1]), info.Fingerprint)
		return nil
	case pos[0] == "untrust" && len(pos) == 2:
		a, err := env.open(readWrite)
		if err != nil {
			return err
		}
		defer a.Close()
		if err := a.Untrust(pos[1]); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Removed %s from the trusted keys.\n", quote.Safe(pos[1]))
		return nil
	case pos[0] == "backup" && len(pos) == 1 && *out != "":
		dir := archive.Locate(env.Archive)
		pass, err := env.passphrase("Passphrase for the archive in " + dir + ": ")
		if err != nil {
			return err
		}
		kit, err := archive.RecoveryKit(dir, pass)
		if err != nil {
			return err
		}
		f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("writing the recovery kit (it never overwrites a file): %w", err)
		}
		if _, err := f.Write(kit); err != nil {
			f.Close()
			return fmt.Errorf("writing the recovery kit: %w", err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("writing the recovery kit: %w", err)
		}
		fmt.Fprintf(env.Stdout, "Wrote the recovery kit to %s. Print it or copy it to another disk, and keep it apart from the archive.\n", quote.Safe(*out))
		return nil
	case pos[0] == "restore" && len(pos) == 2:
		kit, err := os.ReadFile(pos[1])
		if err != nil {
			return fmt.Errorf("reading the recovery kit: %w", err)
		}
		dir := archive.Locate(env.Archive)
		pass, err := env.passphrase("Passphrase for the archive in " + dir + ": ")
		if err != nil {
			return err
		}
		did, err := archive.RestoreFromKit(dir, kit, pass)
		for _, d := range did {
			fmt.Fprintln(env.Stdout, d)
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, "Now run custody verify.")
		return nil
	}
	if done, err := keysTSA(env, pos); done {
		return err
	}
	return &exitError{ExitFailed, errors.New("use: custody keys show | list | trust NAME KEY | untrust NAME | backup --out FILE | restore FILE | trust-tsa NAME ROOTS.pem | untrust-tsa NAME | list-tsa")}
}

func runPassphrase(env *Env, args []string) error {
	if pos, err := flags(newFlags("passphrase"), env, args); err != nil {
		return err
	} else if err := noArgs("passphrase", pos); err != nil {
		return err
	}
	dir := archive.Locate(env.Archive)
	if !archive.Exists(dir) {
		return fmt.Errorf("%w: %s", archive.ErrNoArchive, dir)
	}
	// Only the key's wrapping changes: the store is not opened, and the
	// archive's lock is held while identity.json is replaced.
	old, err := env.passphrase("Current passphrase for the archive in " + dir + ": ")
	if err != nil {
		return err
	}
	newPass, err := env.newPassphraseFrom("NEW_CUSTODY_PASSPHRASE")
	if err != nil {
		return err
	}
	if err := archive.ChangePassphraseWaiting(dir, old, newPass, env.lockWait()); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "Passphrase changed. The store's key and your signing key are unchanged.")
	return nil
}
