package archive

import (
	"errors"
	"fmt"

	"github.com/custody-app/custody/archive/keys"
)

// unlock reads (or, for a new archive, creates) the archivist identity.
// The passphrase is needed to write (every change is signed) and to read
// an encrypted store.
func (a *Archive) unlock(opt Options) error {
	if !keys.Exists(a.dir) {
		if !opt.Create {
			return fmt.Errorf("%w (identity.json is missing from %s)", keys.ErrNoIdentity, a.dir)
		}
		if len(opt.Passphrase) == 0 {
			return ErrPassphraseNeeded
		}
		n := opt.New
		n.Passphrase = opt.Passphrase
		id, err := keys.Create(a.dir, n)
		if err != nil {
			return err
		}
		a.id, a.pub = id, id.Public()
		return nil
	}
	pub, err := keys.ReadPublic(a.dir)
	if err != nil {
		return err
	}
	a.pub = pub
	if u := opt.Unlocked; u != nil && u.Public().VerifierKey == pub.VerifierKey {
		a.id, a.pub = u, u.Public()
		return nil
	}
	if len(opt.Passphrase) == 0 {
		if pub.StoreEncrypted || !opt.Store.ReadOnly {
			return ErrPassphraseNeeded
		}
		return nil
	}
	if opt.UnlockInBackground && !pub.StoreEncrypted {
		a.idDone = make(chan struct{})
		pass := append([]byte(nil), opt.Passphrase...)
		go func() {
			defer close(a.idDone)
			a.id, a.idErr = keys.Unlock(a.dir, pass)
			clear(pass)
			if a.idErr == nil {
				a.mendIdentity(a.id) // a writing open: the lock is held in a writable folder
			}
		}()
		return nil
	}
	a.id, err = keys.Unlock(a.dir, opt.Passphrase)
	if err != nil {
		return err
	}
	a.pub = a.id.Public()
	return nil
}

// identity returns the unlocked identity (nil when the archive was opened
// without a passphrase), waiting for an unlock in the background; its
// error is the unlock's (a wrong passphrase). The first caller after a
// background unlock also signs what a crash left unsigned, as Open does
// otherwise.
func (a *Archive) identity() (*keys.Identity, error) {
	if a.idDone == nil {
		return a.id, nil
	}
	<-a.idDone
	if a.idErr != nil {
		return nil, a.idErr
	}
	if !a.cfg.ReadOnly {
		a.recoverOnce.Do(func() { a.recoverErr = a.recoverLog(a.id) })
	}
	return a.id, a.recoverErr
}

// signer returns the identity that signs the archive's changes, waiting
// for a background unlock: its error, or errNoSigner when the archive was
// opened without a passphrase.
func (a *Archive) signer() (*keys.Identity, error) {
	id, err := a.identity()
	if err == nil && id == nil {
		err = errNoSigner
	}
	return id, err
}

// Writable reports whether the archive was opened with its passphrase, so
// that it may record changes. It does not wait for a check of the
// passphrase in the background (Options.UnlockInBackground): Unlocked does.
func (a *Archive) Writable() bool { return a.idDone != nil || a.id != nil }

// Unlocked waits for a check of the passphrase in the background and
// returns its error (keys.ErrWrongPassphrase, or errNoSigner when the
// archive was opened without one). Work that will have to be recorded
// calls it before it makes its result visible.
func (a *Archive) Unlocked() error {
	_, err := a.signer()
	return err
}

// Identity is the unlocked archivist identity, or nil when the archive was
// opened read-only without a passphrase.
func (a *Archive) Identity() *keys.Identity {
	id, _ := a.identity()
	return id
}

// Public is the archive's public identity: name, key, fingerprint, origin.
func (a *Archive) Public() *keys.Public { return a.pub }

// NeedsPassphrase reports whether opening the archive in dir read-only
// needs the passphrase (its store is encrypted).
func NeedsPassphrase(dir string) bool {
	pub, err := keys.ReadPublic(dir)
	return err != nil || pub.StoreEncrypted
}

var errNoSigner = errors.New("the archive was opened without its passphrase, so it cannot record changes")

// mendIdentity repairs identity.json or its copy from the intact one
// (keys.Mend): the caller holds the archive's lock in a writable folder.
// What it did goes to the store's log, which verify reports; a failure
// to repair leaves the archive as readable as it was.
func (a *Archive) mendIdentity(id *keys.Identity) {
	did, err := keys.Mend(a.dir, id)
	for _, d := range did {
		a.log.Warningf("repaired: %s", d)
	}
	if err != nil {
		a.log.Warningf("could not repair the identity file: %v", err)
	}
}
