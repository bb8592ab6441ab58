// Package keys keeps the archivist's identity, the passphrase that protects
// it, and the trust store of other archivists' keys.
//
// # The identity file
//
// An archive folder holds identity.json. It names the archivist and carries
// everything needed to sign the archive's checkpoints: an Ed25519 key, the
// note key name derived from it ("custody-" and the fingerprint), and the
// checkpoint origin line. The origin includes a random archive ID, so two
// archives that share a key never share an origin and their logs cannot be
// mistaken for one another.
//
// The secret part is 64 bytes: the 32-byte Ed25519 seed followed by the
// 32-byte key of the Badger store. It is sealed with XChaCha20-Poly1305
// under a key derived from the passphrase with scrypt. The store key is
// random and only wrapped by the passphrase, so changing the passphrase
// rewrites this one small file and never re-encrypts the store. Every
// readable field of the file (names, origin, public key, KDF parameters) is
// bound to the seal as associated data: editing any of them makes the file
// fail to open.
//
// # Why only the seed is stored
//
// Go's ed25519.PrivateKey is 64 bytes and carries a copy of the public key.
// Signing with the right secret but a wrong public half produces signatures
// from which the secret can be computed (the "double public key signing
// oracle"). So the file stores only the seed; the key pair is derived from
// it with ed25519.NewKeyFromSeed and compared with the public key written
// next to it. A mismatch means the file is damaged, and nothing is signed.
//
// # Why the KDF parameters are capped
//
// The scrypt parameters are read from the file itself, before anything is
// authenticated. A damaged or hostile file asking for logN 30 would make
// Custody allocate a terabyte or hang for hours. Custody writes logN 17 (under
// a second and 128 MiB); it refuses to read files asking for more than
// logN 22, r 16, p 4 or 1 GiB of memory, and says why, before doing any
// work. The same idea guards age's scrypt recipients.
//
// # Why scrypt, and whose
//
// The key derivation is golang.org/x/crypto/scrypt, called with the
// parameters the file records: a security product should not maintain a
// KDF of its own. Its 128 MiB of working memory live on the Go heap and
// are handed back to the system as soon as the key is derived, so
// unlocking never adds to what opening the store needs. Files written by
// any release open with the same function (testdata/golden*). New files
// keep scrypt rather than argon2id; docs/architecture.md says why.
//
// # Wrong passphrase or damaged file
//
// scrypt yields 64 bytes: the first half opens the seal, the second half
// gives a short check value stored in the file. The check value tells a
// wrong passphrase (ErrWrongPassphrase) apart from a file whose readable
// fields were edited (ErrKeyFileDamaged). It lets no one test passphrases
// faster than the seal itself does: both cost one scrypt run per guess.
// Passphrases are normalised to Unicode NFC first, so the same words typed
// on different systems open the same file.
//
// # Trust
//
// Other archivists' verifier keys (golang.org/x/mod/sumdb/note format) are
// kept in the archive's Badger store under trust/<name>, each with its
// fingerprint and a note of how it was confirmed. ParseVerifierKey accepts
// only canonical Ed25519 keys and refuses all-zero and small-order public
// keys: with such a key one signature can verify many messages, so it must
// never become trusted. Signing and verifying use Go's crypto/ed25519 only.
package keys
