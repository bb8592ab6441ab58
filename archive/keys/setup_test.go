package keys_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/custody-app/custody/archive/keys"
)

// testLogN keeps scrypt fast in tests (about a millisecond).
const testLogN = keys.MinScryptLogN

var testPass = []byte("correct horse battery staple")

func create(t testing.TB, encrypt bool) (string, *keys.Identity) {
	t.Helper()
	dir := t.TempDir()
	id, err := keys.Create(dir, keys.CreateOptions{
		Name: "Ana Example", Organisation: "Example Archive",
		Passphrase: testPass, EncryptStore: encrypt, ScryptLogN: testLogN,
	})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return dir, id
}

func readIdentity(t testing.TB, dir string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, keys.FileName))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeIdentity replaces dir/identity.json with b and removes its copy:
// the file's own checks are tested as an archive without a copy has them
// (copy_test.go tests the copy).
func writeIdentity(t testing.TB, dir string, b []byte) {
	t.Helper()
	os.Remove(filepath.Join(dir, keys.CopyName))
	if err := os.WriteFile(filepath.Join(dir, keys.FileName), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// editIdentity rewrites dir/identity.json after applying edit to its JSON
// object; the nested kdf and sealed objects are maps too.
func editIdentity(t testing.TB, dir string, edit func(m map[string]any)) {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(readIdentity(t, dir)))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	writeIdentity(t, dir, b)
}

func sub(m map[string]any, k string) map[string]any { return m[k].(map[string]any) }
