package keys_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive/keys"
)

// swapKey replaces the public key and every field derived from it, so the
// file stays consistent for ReadPublic; only the seal can tell.
func swapKey(m map[string]any) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	fp := keys.FingerprintOf(pub)
	m["public_key"] = base64.StdEncoding.EncodeToString(pub)
	m["fingerprint"] = fp
	m["key_name"] = "custody-" + fp
	m["origin"] = "custody.app/" + fp + "/" + m["archive_id"].(string)
}

func flipB64(s string) string {
	b, _ := base64.StdEncoding.DecodeString(s)
	b[len(b)/2] ^= 1
	return base64.StdEncoding.EncodeToString(b)
}

// TestTamperedIdentityFile applies one edit per case (catalogue rows B20,
// B21) and checks where it is caught: by ReadPublic without the passphrase,
// or only by Unlock with the right passphrase.
func TestTamperedIdentityFile(t *testing.T) {
	tests := []struct {
		name       string
		edit       func(m map[string]any)
		atRead     error // error from ReadPublic; nil if it passes
		atUnlock   error // error from Unlock with the right passphrase
		wantInText string
	}{
		{"public key swapped alone", func(m map[string]any) {
			pub, _, _ := ed25519.GenerateKey(rand.Reader)
			m["public_key"] = base64.StdEncoding.EncodeToString(pub)
		}, keys.ErrKeyFileDamaged, keys.ErrKeyFileDamaged, "fingerprint"},
		{"public key swapped with its fingerprint, name and origin", swapKey,
			nil, keys.ErrKeyFileDamaged, "readable fields were changed"},
		{"origin edited", func(m map[string]any) {
			m["origin"] = strings.Replace(m["origin"].(string), "custody.app/", "custody.app/x", 1)
		}, keys.ErrKeyFileDamaged, keys.ErrKeyFileDamaged, "origin"},
		{"archive ID and origin edited together", func(m map[string]any) {
			id := strings.Repeat("ab", 16)
			m["origin"] = "custody.app/" + m["fingerprint"].(string) + "/" + id
			m["archive_id"] = id
		}, nil, keys.ErrKeyFileDamaged, "readable fields were changed"},
		{"archivist name edited", func(m map[string]any) { m["name"] = "Eve Example" },
			nil, keys.ErrKeyFileDamaged, "readable fields were changed"},
		{"organisation edited", func(m map[string]any) { m["organisation"] = "" },
			nil, keys.ErrKeyFileDamaged, "readable fields were changed"},
		{"creation time edited", func(m map[string]any) { m["created"] = "2001-01-01T00:00:00Z" },
			nil, keys.ErrKeyFileDamaged, "readable fields were changed"},
		{"store encryption flag flipped", func(m map[string]any) { m["store_encrypted"] = false },
			nil, keys.ErrKeyFileDamaged, "readable fields were changed"},
		{"sealed key bit flipped", func(m map[string]any) {
			s := sub(m, "sealed")
			s["ciphertext"] = flipB64(s["ciphertext"].(string))
		}, nil, keys.ErrKeyFileDamaged, "readable fields were changed"},
		{"nonce bit flipped", func(m map[string]any) {
			s := sub(m, "sealed")
			s["nonce"] = flipB64(s["nonce"].(string))
		}, nil, keys.ErrKeyFileDamaged, "readable fields were changed"},
		{"passphrase check edited", func(m map[string]any) {
			k := sub(m, "kdf")
			k["check"] = flipB64(k["check"].(string))
		}, nil, keys.ErrKeyFileDamaged, "check value"},
		{"salt edited", func(m map[string]any) {
			k := sub(m, "kdf")
			k["salt"] = flipB64(k["salt"].(string))
		}, nil, keys.ErrWrongPassphrase, "wrong passphrase"},
		{"logN inflated to 30", func(m map[string]any) { sub(m, "kdf")["log_n"] = 30 },
			keys.ErrKeyFileDamaged, keys.ErrKeyFileDamaged, "logN 30"},
		{"logN 23", func(m map[string]any) { sub(m, "kdf")["log_n"] = 23 },
			keys.ErrKeyFileDamaged, keys.ErrKeyFileDamaged, "above the limit"},
		{"r 1000", func(m map[string]any) { sub(m, "kdf")["r"] = 1000 },
			keys.ErrKeyFileDamaged, keys.ErrKeyFileDamaged, "above the limit"},
		{"p 100", func(m map[string]any) { sub(m, "kdf")["p"] = 100 },
			keys.ErrKeyFileDamaged, keys.ErrKeyFileDamaged, "above the limit"},
		{"logN 22 with r 16 needs 8 GiB", func(m map[string]any) {
			k := sub(m, "kdf")
			k["log_n"], k["r"] = 22, 16
		}, keys.ErrKeyFileDamaged, keys.ErrKeyFileDamaged, "memory"},
		{"logN 0", func(m map[string]any) { sub(m, "kdf")["log_n"] = 0 },
			keys.ErrKeyFileDamaged, keys.ErrKeyFileDamaged, "not valid"},
		{"logN negative", func(m map[string]any) { sub(m, "kdf")["log_n"] = -5 },
			keys.ErrKeyFileDamaged, keys.ErrKeyFileDamaged, "not valid"},
		{"logN huge number", func(m map[string]any) { sub(m, "kdf")["log_n"] = json.Number("1e400") },
			keys.ErrKeyFileDamaged, keys.ErrKeyFileDamaged, "not a readable"},
		{"salt too short", func(m map[string]any) { sub(m, "kdf")["salt"] = "AAAA" },
			keys.ErrKeyFileDamaged, keys.ErrKeyFileDamaged, "salt"},
		{"other key derivation", func(m map[string]any) { sub(m, "kdf")["name"] = "argon2id" },
			keys.ErrKeyFileDamaged, keys.ErrKeyFileDamaged, "argon2id"},
		{"other cipher", func(m map[string]any) { sub(m, "sealed")["aead"] = "aes-gcm" },
			keys.ErrKeyFileDamaged, keys.ErrKeyFileDamaged, "aes-gcm"},
		{"ciphertext shortened", func(m map[string]any) { sub(m, "sealed")["ciphertext"] = "AAAA" },
			keys.ErrKeyFileDamaged, keys.ErrKeyFileDamaged, "sealed key"},
		{"newer format", func(m map[string]any) { m["format"] = 2 },
			keys.ErrUnsupportedFormat, keys.ErrUnsupportedFormat, "newer version"},
		{"newer format with new fields", func(m map[string]any) { m["format"], m["pq_key"] = 2, "x" },
			keys.ErrUnsupportedFormat, keys.ErrUnsupportedFormat, "newer version"},
		{"format 0", func(m map[string]any) { m["format"] = 0 },
			keys.ErrKeyFileDamaged, keys.ErrKeyFileDamaged, "format"},
		{"unknown field", func(m map[string]any) { m["private_key"] = "x" },
			keys.ErrKeyFileDamaged, keys.ErrKeyFileDamaged, "private_key"},
		{"archive ID upper case", func(m map[string]any) { m["archive_id"] = strings.ToUpper(m["archive_id"].(string)) },
			keys.ErrKeyFileDamaged, keys.ErrKeyFileDamaged, "archive ID"},
		{"creation time with offset", func(m map[string]any) { m["created"] = "2001-01-01T02:00:00+02:00" },
			keys.ErrKeyFileDamaged, keys.ErrKeyFileDamaged, "creation time"},
		{"control character in name", func(m map[string]any) { m["name"] = "Ana\x1b[2J" },
			keys.ErrKeyFileDamaged, keys.ErrKeyFileDamaged, "control"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := create(t, true)
			editIdentity(t, dir, tt.edit)
			before := readIdentity(t, dir)

			_, err := keys.ReadPublic(dir)
			if !errors.Is(err, tt.atRead) {
				t.Errorf("ReadPublic: %v, want %v", err, tt.atRead)
			}
			runs := keys.DeriveRuns.Load()
			id, err := keys.Unlock(dir, testPass)
			// Damage that reading the file finds is refused before the
			// costly key derivation; damage only the seal can find costs
			// exactly one.
			want := int64(1)
			if tt.atRead != nil {
				want = 0
			}
			if n := keys.DeriveRuns.Load() - runs; n != want {
				t.Errorf("Unlock derived the key %d times, want %d", n, want)
			}
			if !errors.Is(err, tt.atUnlock) || id != nil {
				t.Fatalf("Unlock: %v, want %v", err, tt.atUnlock)
			}
			if !strings.Contains(err.Error(), tt.wantInText) {
				t.Errorf("message %q does not mention %q", err, tt.wantInText)
			}
			if tt.atUnlock == keys.ErrKeyFileDamaged && keys.Code(err) != "IDENTITY_DAMAGED" {
				t.Errorf("code %q", keys.Code(err))
			}
			if !bytes.Equal(before, readIdentity(t, dir)) {
				t.Error("Unlock changed the file")
			}
		})
	}
}

// TestTruncatedIdentityFile cuts the file at every length: each prefix is
// refused as damaged, without a panic.
func TestTruncatedIdentityFile(t *testing.T) {
	dir, _ := create(t, true)
	whole := readIdentity(t, dir)
	for n := 0; n < len(bytes.TrimSpace(whole)); n++ {
		writeIdentity(t, dir, whole[:n])
		if _, err := keys.ReadPublic(dir); !errors.Is(err, keys.ErrKeyFileDamaged) {
			t.Fatalf("prefix of %d bytes: %v, want ErrKeyFileDamaged", n, err)
		}
	}
}

func TestGarbageIdentityFile(t *testing.T) {
	big := append([]byte(`{"name":"`), bytes.Repeat([]byte("a"), 1<<20)...)
	for name, data := range map[string][]byte{
		"empty":        {},
		"null":         []byte("null"),
		"array":        []byte("[1,2]"),
		"string":       []byte(`"identity"`),
		"binary":       {0x00, 0xff, 0xfe, 0x7b},
		"bom":          append([]byte("\xef\xbb\xbf"), []byte(`{"format":1}`)...),
		"two objects":  []byte(`{"format":1} {"format":1}`),
		"1 MiB string": big,
		"hex of seed":  []byte(hex.EncodeToString(make([]byte, 32))),
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeIdentity(t, dir, data)
			if _, err := keys.ReadPublic(dir); !errors.Is(err, keys.ErrKeyFileDamaged) {
				t.Errorf("ReadPublic: %v, want ErrKeyFileDamaged", err)
			}
			if _, err := keys.Unlock(dir, testPass); !errors.Is(err, keys.ErrKeyFileDamaged) {
				t.Errorf("Unlock: %v, want ErrKeyFileDamaged", err)
			}
		})
	}
}
