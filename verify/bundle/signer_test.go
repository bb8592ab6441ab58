package bundle_test

import (
	"crypto/rand"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/verify/bundle"
	"github.com/custody-app/custody/verify/report"
	"golang.org/x/mod/sumdb/note"
)

// impersonate re-signs a genuine bundle's checkpoint with a new key
// called name, puts that key in keys.txt and makes the origin the new
// key's own log, so that everything but the signer checks out. It
// returns the new key's fingerprint.
func impersonate(t *testing.T, dir, name string) string {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		t.Fatal(err)
	}
	_, info, err := keys.ParseVerifierKey(vkey)
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := note.NewSigner(skey)
	cp := readFile(t, filepath.Join(dir, "custody", "checkpoint"))
	body, _, _ := strings.Cut(cp, "\n\n")
	origin, rest, _ := strings.Cut(body, "\n")
	_, archiveID, _ := strings.Cut(strings.TrimPrefix(origin, "custody.app/"), "/")
	signed, err := note.Sign(&note.Note{Text: "custody.app/" + info.Fingerprint + "/" + archiveID + "\n" + rest + "\n"}, signer)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "custody", "checkpoint"), string(signed))
	writeFile(t, filepath.Join(dir, "custody", "keys.txt"), vkey+"\n")
	rehashTags(t, dir)
	return info.Fingerprint
}

// TestSignerNamedByReceiver: a key that calls itself by the receiver's
// name for a trusted sender ("alice"), or by that sender's own key name,
// is an unknown key, named by its fingerprint, its own name only quoted
// as unverified; and the events it re-signed, whose actor is the real
// sender, are reported as not the signer's (fingerprints compared).
func TestSignerNamedByReceiver(t *testing.T) {
	alice := newSender(t)
	recv := newArchive(t)
	if err := recv.Trust("alice", alice.a.Public().VerifierKey, "fingerprint read aloud"); err != nil {
		t.Fatal(err)
	}
	genuine := alice.bundle(t, "genuine")

	res := bundle.Verify(ctx, genuine, bundle.Options{Archive: recv})
	expect(t, res, report.Intact, "", "")
	if w := res.Document("").Signer.Who(); w != `"alice" (fingerprint `+alice.a.Public().Fingerprint+`), whom you trust` {
		t.Errorf("a trusted signer is shown as %s", w)
	}
	if f := finding(res.Report, bundle.ActorNotSigner); f != nil {
		t.Errorf("the genuine bundle has %+v", f)
	}

	for _, name := range []string{"alice", alice.a.Public().KeyName} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "forged")
			copyDir(t, genuine, dir)
			fp := impersonate(t, dir, name)
			res := bundle.Verify(ctx, dir, bundle.Options{Archive: recv})
			expect(t, res, report.SignerUnknown, bundle.ActorNotSigner, "custody/events.jsonl")
			if res.Signer == nil || res.Signer.Trusted || res.Signer.Fingerprint != fp {
				t.Fatalf("signer %+v", res.Signer)
			}
			want := "UNKNOWN KEY " + fp + ` (calls itself "` + name + `", unverified)`
			d := res.Document("")
			if w := d.Signer.Who(); w != want {
				t.Errorf("the signer is shown as %s, want %s", w, want)
			}
			for _, c := range d.Checks {
				if strings.Contains(c.Detail, "signed by "+name) || strings.Contains(c.Detail, "trusted") && c.OK && c.Name == bundle.CheckSigner {
					t.Errorf("check %s names the signer by its own name: %s", c.Name, c.Detail)
				}
				if c.Name == bundle.CheckSignature && !strings.Contains(c.Detail, want) {
					t.Errorf("signature check: %s", c.Detail)
				}
			}
			f := finding(res.Report, bundle.ActorNotSigner)
			if f == nil || !strings.Contains(f.Expected, fp) || !strings.Contains(f.Found, alice.a.Public().KeyName) {
				t.Errorf("actor warning %+v", f)
			}
		})
	}
}
