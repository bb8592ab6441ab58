package bundle_test

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/custody-app/custody/verify/bag"
	"github.com/custody-app/custody/verify/bundle"
	"github.com/custody-app/custody/verify/report"
	"golang.org/x/mod/sumdb/note"
)

// edit replaces old by new in the file at dir/rel, once, failing when
// old is not there.
func edit(t *testing.T, dir, rel, old, new string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	s := readFile(t, p)
	if !strings.Contains(s, old) {
		t.Fatalf("%s does not hold %q:\n%s", rel, old, s)
	}
	writeFile(t, p, strings.Replace(s, old, new, 1))
}

// resign signs the checkpoint's text again with a new key; with keys it
// also puts that key in keys.txt.
func resign(t *testing.T, dir string, keys bool) {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, "custody-ATTACKER")
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := note.NewSigner(skey)
	cp := readFile(t, filepath.Join(dir, "custody", "checkpoint"))
	body, _, _ := strings.Cut(cp, "\n\n")
	signed, err := note.Sign(&note.Note{Text: body + "\n"}, signer)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "custody", "checkpoint"), string(signed))
	if keys {
		writeFile(t, filepath.Join(dir, "custody", "keys.txt"), vkey+"\n")
	}
	rehashTags(t, dir)
}

// eventLine returns the line of events.jsonl that holds text.
func eventLine(t *testing.T, dir, text string) string {
	t.Helper()
	for _, l := range strings.Split(readFile(t, filepath.Join(dir, "custody", "events.jsonl")), "\n") {
		if strings.Contains(l, text) {
			return l
		}
	}
	t.Fatalf("no event holds %q", text)
	return ""
}

// TestTampering applies one change to a real bundle, as a folder and as a
// zip, and checks the verdict and that the finding names what changed.
func TestTampering(t *testing.T) {
	s := newSender(t)
	all := s.bundle(t, "all")
	onlyRedacted := s.bundle(t, "redacted", s.id(t, "a-redacted.txt"))
	cases := []struct {
		name    string
		from    string
		mutate  func(t *testing.T, dir string)
		verdict report.Verdict
		code    string
		path    string
		message string // a part of the finding's message, when set
	}{
		{"payload byte changed", all, func(t *testing.T, d string) { edit(t, d, "data/leak/a.txt", "first", "First") },
			report.Tampered, bag.PayloadHashMismatch, "data/leak/a.txt", ""},
		{"file added", all, func(t *testing.T, d string) { writeFile(t, filepath.Join(d, "data", "leak", "new.txt"), "x") },
			report.Tampered, bag.PayloadNotInManifest, "data/leak/new.txt", ""},
		{"file removed", all, func(t *testing.T, d string) { os.Remove(filepath.Join(d, "data", "leak", "mail", "b.eml")) },
			report.Tampered, bag.PayloadMissing, "data/leak/mail/b.eml", ""},
		{"file renamed", all, func(t *testing.T, d string) {
			os.Rename(filepath.Join(d, "data", "leak", "a.txt"), filepath.Join(d, "data", "leak", "z.txt"))
		}, report.Tampered, bag.PayloadMissing, "data/leak/a.txt", ""},
		{"manifest edited to match a changed file", all, func(t *testing.T, d string) {
			edit(t, d, "data/leak/a.txt", "first", "First")
			edit(t, d, "manifest-sha256.txt", sum([]byte("the first document\n")), sum([]byte("the First document\n")))
		}, report.Tampered, bag.TagHashMismatch, "manifest-sha256.txt", ""},
		{"tag manifest edited", all, func(t *testing.T, d string) {
			edit(t, d, "tagmanifest-sha256.txt", sum([]byte(readFile(t, filepath.Join(d, "bag-info.txt")))), strings.Repeat("0", 64))
		}, report.Tampered, bag.TagHashMismatch, "bag-info.txt", ""},
		{"file changed and every manifest rewritten", all, func(t *testing.T, d string) {
			edit(t, d, "data/leak/a.txt", "first", "First")
			rehashAll(t, d)
		}, report.Tampered, bundle.DocWithoutEvent, "data/leak/a.txt", "where this document came from"},
		{"file added and every manifest rewritten", all, func(t *testing.T, d string) {
			writeFile(t, filepath.Join(d, "data", "leak", "new.txt"), "planted")
			rehashAll(t, d)
		}, report.Tampered, bundle.DocWithoutEvent, "data/leak/new.txt", ""},
		{"file removed and every manifest rewritten", all, func(t *testing.T, d string) {
			os.Remove(filepath.Join(d, "data", "leak", "mail", "b.eml"))
			rehashAll(t, d)
		}, report.Tampered, bundle.NamesMismatch, "data/leak/mail/b.eml", "it was removed"},
		{"event edited by one byte", all, func(t *testing.T, d string) {
			edit(t, d, "custody/events.jsonl", `\"kind\":\"redaction\"`, `\"kind\":\"conversion\"`)
			rehashTags(t, d)
		}, report.Tampered, bundle.EventNotInLog, "custody/events.jsonl", "event 2 (line 3)"},
		{"event edited, tag manifest left", all, func(t *testing.T, d string) {
			edit(t, d, "custody/events.jsonl", `\"kind\":\"redaction\"`, `\"kind\":\"translation\"`)
		}, report.Tampered, bundle.EventNotInLog, "custody/events.jsonl", "event 2"},
		{"disclosed name edited", all, func(t *testing.T, d string) {
			edit(t, d, "custody/events.jsonl", `"value":"a-redacted.txt"`, `"value":"a-clean.txt"`)
			rehashTags(t, d)
		}, report.Tampered, bundle.DisclosureMismatch, "custody/events.jsonl", "does not match what was signed"},
		{"name rewritten in names.tsv", all, func(t *testing.T, d string) {
			edit(t, d, "custody/names.tsv", "\ta-redacted.txt", "\t../../../etc/cron.d/evil")
			rehashTags(t, d)
		}, report.Tampered, bundle.NameUnsigned, "data/a-redacted.txt", "name the sender's signed events do not"},
		{"events swapped between lines", all, func(t *testing.T, d string) {
			l0, l1 := eventLine(t, d, `{"index":0,`), eventLine(t, d, `{"index":1,`)
			b0, b1 := strings.TrimPrefix(l0, `{"index":0,`), strings.TrimPrefix(l1, `{"index":1,`)
			edit(t, d, "custody/events.jsonl", l0+"\n"+l1, `{"index":0,`+b1+"\n"+`{"index":1,`+b0)
			rehashTags(t, d)
		}, report.Tampered, bundle.EventNotInLog, "custody/events.jsonl", "event 0"},
		{"proofs swapped", all, func(t *testing.T, d string) {
			p := readFile(t, filepath.Join(d, "custody", "proofs.json"))
			re := regexp.MustCompile(`"proof":\[[^\]]*\]`)
			m := re.FindAllString(p, 2)
			p = strings.Replace(p, m[0], "@@", 1)
			p = strings.Replace(p, m[1], m[0], 1)
			writeFile(t, filepath.Join(d, "custody", "proofs.json"), strings.Replace(p, "@@", m[1], 1))
			rehashTags(t, d)
		}, report.Tampered, bundle.EventNotInLog, "custody/events.jsonl", "event 0"},
		{"parent's event removed", onlyRedacted, func(t *testing.T, d string) {
			edit(t, d, "custody/events.jsonl", eventLine(t, d, "ingest")+"\n", "")
			rehashTags(t, d)
		}, report.Tampered, bundle.ChainIncomplete, "custody/events.jsonl", "from a withheld document recorded at index"},
		{"checkpoint signature bit flipped", all, func(t *testing.T, d string) {
			cp := readFile(t, filepath.Join(d, "custody", "checkpoint"))
			i := strings.LastIndex(cp, " ") + 10
			flipped := "A"
			if cp[i] == 'A' {
				flipped = "B"
			}
			writeFile(t, filepath.Join(d, "custody", "checkpoint"), cp[:i]+flipped+cp[i+1:])
			rehashTags(t, d)
		}, report.Tampered, bundle.SignatureInvalid, "custody/checkpoint", "altered or forged"},
		{"checkpoint re-signed by another key", all, func(t *testing.T, d string) { resign(t, d, false) },
			report.Tampered, bundle.SignatureInvalid, "custody/checkpoint", "not signed by any key the bundle carries"},
		{"checkpoint re-signed and keys.txt replaced", all, func(t *testing.T, d string) { resign(t, d, true) },
			report.Tampered, bundle.OriginKeyMismatch, "custody/checkpoint", "another key"},
		{"proofs removed", all, func(t *testing.T, d string) {
			os.Remove(filepath.Join(d, "custody", "proofs.json"))
			rehashTags(t, d)
		}, report.Invalid, bundle.FileMissing, "custody/proofs.json", "incomplete proof material"},
		{"proofs for another checkpoint", all, func(t *testing.T, d string) {
			edit(t, d, "custody/proofs.json", `"checkpoint_size":3`, `"checkpoint_size":2`)
			rehashTags(t, d)
		}, report.Invalid, bundle.FileMalformed, "custody/proofs.json", "another checkpoint"},
		{"key malformed", all, func(t *testing.T, d string) {
			writeFile(t, filepath.Join(d, "custody", "keys.txt"), "custody-X+00000000+AAAA\n")
			rehashTags(t, d)
		}, report.Invalid, bundle.KeyMalformed, "custody/keys.txt", "not used"},
		{"custody folder removed", all, func(t *testing.T, d string) {
			os.RemoveAll(filepath.Join(d, "custody"))
			rehashTags(t, d)
		}, report.NoProvenance, "", "", ""},
	}
	for _, c := range cases {
		dir := filepath.Join(t.TempDir(), "bag")
		copyDir(t, c.from, dir)
		c.mutate(t, dir)
		for _, path := range []string{dir, zipDir(t, dir)} {
			kind := "folder"
			if strings.HasSuffix(path, ".zip") {
				kind = "zip"
			}
			t.Run(c.name+"/"+kind, func(t *testing.T) {
				res := bundle.Verify(ctx, path, bundle.Options{})
				f := expect(t, res, c.verdict, c.code, c.path)
				if f != nil && c.message != "" && !strings.Contains(f.Message, c.message) {
					t.Errorf("message %q lacks %q", f.Message, c.message)
				}
				if f != nil && f.Severity == report.Problem && f.Expected == "" && f.Found == "" && c.code != bag.PayloadMissing &&
					c.code != bag.PayloadNotInManifest {
					t.Errorf("finding %s says neither what was expected nor what was found", f.Code)
				}
			})
		}
	}
}

// TestIntactBundle checks an untouched bundle, as a folder and a zip, with
// no archive (SIGNER UNKNOWN at best) and in an archive that trusts the
// sender (INTACT).
func TestIntactBundle(t *testing.T) {
	s := newSender(t)
	folder := s.bundle(t, "b")
	zipped := s.bundle(t, "b.zip")
	recv := newArchive(t)
	if err := trust(recv, s); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{folder, zipped} {
		res := bundle.Verify(ctx, p, bundle.Options{})
		expect(t, res, report.SignerUnknown, "", "")
		if len(res.Report.Findings)+len(res.Report.Warnings) != 0 {
			t.Errorf("%s: findings %+v warnings %+v", p, res.Report.Findings, res.Report.Warnings)
		}
		if res.Signer == nil || res.Signer.Fingerprint != s.a.Public().Fingerprint || res.Signer.Trusted {
			t.Errorf("%s: signer %+v", p, res.Signer)
		}
		if len(res.Files) != 3 {
			t.Fatalf("files %+v", res.Files)
		}
		for _, f := range res.Files {
			if f.Event == nil || !f.Verified || "data/"+f.Name != f.Path {
				t.Errorf("file %+v", f)
			}
		}
		res = bundle.Verify(ctx, p, bundle.Options{Archive: recv})
		expect(t, res, report.Intact, "", "")
		if !res.Signer.Trusted || res.Signer.TrustedAs != "Sender" || res.Remember == nil {
			t.Errorf("trusted signer %+v remember %+v", res.Signer, res.Remember)
		}
		if res.Report.ExitCode(true) != 0 {
			t.Errorf("strict exit %d for INTACT", res.Report.ExitCode(true))
		}
	}
}
