package keys_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive/keys"
)

// rotCase is one damaged state of identity.json and its copy.
type rotCase struct {
	name         string
	file, copied []byte
}

// flipped returns b with the byte at i changed by one bit.
func flipped(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0x01
	return c
}

// TestEveryByteOfTheIdentity flips each byte of identity.json, one at a
// time: alone, with the copy's version damaged the same way at another
// byte, and with the copy's checksum damaged too. Each case either opens
// with the right passphrase (and Mend restores both files exactly) or is
// refused as damage naming identity.json, its copy and how to restore:
// never as a wrong passphrase.
func TestEveryByteOfTheIdentity(t *testing.T) {
	defer keys.CheapKDF()()
	dir := memDir(t)
	id, err := keys.Create(dir, keys.CreateOptions{Name: "Ana Example", Organisation: "Example Archive",
		Passphrase: testPass, EncryptStore: true, ScryptLogN: 1})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, keys.FileName)
	orig := readIdentity(t, dir)
	origCopy, err := os.ReadFile(filepath.Join(dir, keys.CopyName))
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(origCopy, orig) // where the version starts in the copy
	sumAt := bytes.Index(origCopy, []byte("sha256 ")) + len("sha256 ")
	if at < 0 || sumAt < len("sha256 ") {
		t.Fatalf("the copy does not hold the file: %q", origCopy)
	}
	var opened, refused, wrong int
	for i := range orig {
		j := (i + len(orig)/3) % len(orig)
		for _, c := range []rotCase{
			{"file", flipped(orig, i), origCopy},
			{"file and copy's version", flipped(orig, i), flipped(origCopy, at+j)},
			{"file and copy's checksum", flipped(orig, i), flipped(origCopy, sumAt+i%64)},
			{"copy", orig, flipped(origCopy, i*len(origCopy)/len(orig))},
		} {
			if err := os.WriteFile(path, c.file, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path+".copy", c.copied, 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := keys.Unlock(dir, testPass)
			switch {
			case err == nil:
				opened++
				if !bytes.Equal(got.StoreKey(), id.StoreKey()) || got.Fingerprint() != id.Fingerprint() {
					t.Fatalf("byte %d, %s: opened another key", i, c.name)
				}
				if _, err := keys.Mend(dir, got); err != nil {
					t.Fatalf("byte %d, %s: Mend: %v", i, c.name, err)
				}
				if f, _ := os.ReadFile(path); !bytes.Equal(f, orig) && !semanticallySame(t, dir) {
					t.Fatalf("byte %d, %s: Mend left identity.json damaged", i, c.name)
				}
				if _, err := keys.Unlock(dir, []byte("not the passphrase")); !errors.Is(err, keys.ErrWrongPassphrase) {
					t.Fatalf("byte %d, %s: after Mend a wrong passphrase gives %v", i, c.name, err)
				}
			case errors.Is(err, keys.ErrWrongPassphrase):
				wrong++
				t.Errorf("byte %d, %s: the right passphrase was called wrong", i, c.name)
			default:
				refused++
				msg := err.Error()
				if keys.Code(err) != "IDENTITY_DAMAGED" || !strings.Contains(msg, "identity.json") ||
					!strings.Contains(msg, "identity.json.copy") || !strings.Contains(msg, "keys restore") {
					t.Fatalf("byte %d, %s: %v (code %q): does not name both files and how to restore", i, c.name, err, keys.Code(err))
				}
			}
		}
	}
	t.Logf("%d bytes, 4 cases each: %d opened, %d refused as damage naming the files, %d called a wrong passphrase", len(orig), opened, refused, wrong)
	if opened < 3*len(orig) {
		t.Errorf("only %d of %d cases opened; the copy repairs at least the file alone, the copy alone and both at different bytes", opened, 4*len(orig))
	}
}

// semanticallySame reports whether the identity file unlocks (a flip that
// only changed white space leaves an intact, equivalent file).
func semanticallySame(t *testing.T, dir string) bool {
	_, err := keys.Unlock(dir, testPass)
	return err == nil
}

// TestPassphraseChangeWithCopy: after a change the copy holds the new
// version only, and a copy holding both (a change killed after its first
// step or its rename) vouches for whichever the file holds.
func TestPassphraseChangeWithCopy(t *testing.T) {
	dir, _ := create(t, true)
	path := filepath.Join(dir, keys.FileName)
	old := readIdentity(t, dir)
	newPass := []byte("the new one")
	if err := keys.ChangePassphrase(dir, testPass, newPass); err != nil {
		t.Fatal(err)
	}
	cur := readIdentity(t, dir)
	copyData, _ := os.ReadFile(path + ".copy")
	if bytes.Count(copyData, []byte("sha256 ")) != 1 || !bytes.Contains(copyData, cur) {
		t.Fatalf("the copy after a change: %q", copyData)
	}
	// a copy holding the old and the new version, with the file at either
	for _, tt := range []struct {
		file        []byte
		opens, refs []byte
	}{{old, testPass, newPass}, {cur, newPass, testPass}} {
		writeBoth(t, dir, tt.file, old, cur)
		if _, err := keys.Unlock(dir, tt.opens); err != nil {
			t.Errorf("the passphrase of the file: %v", err)
		}
		if _, err := keys.Unlock(dir, tt.refs); !errors.Is(err, keys.ErrWrongPassphrase) {
			t.Errorf("the other passphrase: %v, want ErrWrongPassphrase", err)
		}
		id, err := keys.Unlock(dir, tt.opens)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := keys.Mend(dir, id); err != nil {
			t.Fatal(err)
		}
		c, _ := os.ReadFile(path + ".copy")
		if bytes.Count(c, []byte("sha256 ")) != 1 || !bytes.Contains(c, tt.file) {
			t.Errorf("Mend did not settle the copy on the file's version")
		}
	}
}

func writeBoth(t *testing.T, dir string, file, a, b []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, keys.FileName), file, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := keys.WriteCopyForTest(dir, a, b); err != nil {
		t.Fatal(err)
	}
}

// memDir is a temporary folder in memory where the system has one
// (/dev/shm): thousands of synced writes cost nothing there.
func memDir(t *testing.T) string {
	if d, err := os.MkdirTemp("/dev/shm", "custody-test-"); err == nil {
		t.Cleanup(func() { os.RemoveAll(d) })
		return d
	}
	return t.TempDir()
}
