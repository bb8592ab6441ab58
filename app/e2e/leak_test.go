package e2e_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/bundlewriter"
	"github.com/custody-app/custody/archive/dkimrecord"
	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/provenance"
)

// The leak audit: an archive with a unique marker in every private field
// of every document, then every kind of output for others, each searched
// for what it must not say. A bundle or proof may say, about a document
// outside its selection, nothing beyond opaque hashes: no ID in any
// encoding, no name, source, note or tag. About its own documents it says
// their names, and sources, notes and tags only when chosen.

// leakDoc is one document of the audit archive and every marker of it.
type leakDoc struct {
	id                                   [32]byte
	name, dir, source, inote, tag, anote string
}

// leakArchive holds leakDocs documents (0 … n-1), a redaction of 0 (the
// last, with its own markers), and an earlier --all bundle whose export
// note is "XNOTE-ALL".
type leakArchive struct {
	a        *archive.Archive
	docs     []leakDoc
	redacted leakDoc // derived from docs[0]
	dnote    string
}

const leakDocs = 5

func newLeakArchive(t testing.TB) *leakArchive {
	t.Helper()
	l := &leakArchive{a: archivetest.Open(t, filepath.Join(t.TempDir(), "arc")), dnote: "DNOTE-REDACTION"}
	for i := range leakDocs {
		d := leakDoc{name: fmt.Sprintf("NAME-%d.txt", i), dir: fmt.Sprintf("DIR-%d", i), source: fmt.Sprintf("SRC-%d", i),
			inote: fmt.Sprintf("INOTE-%d", i), tag: fmt.Sprintf("TAG-%d", i), anote: fmt.Sprintf("ANOTE-%d", i)}
		root := filepath.Join(t.TempDir(), d.dir)
		os.MkdirAll(root, 0o755)
		content := []byte(fmt.Sprintf("CONTENT-%d of a leaked document\n", i))
		if err := os.WriteFile(filepath.Join(root, d.name), content, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := l.a.Import(ctx, []string{root}, archive.ImportOptions{Source: d.source, Note: d.inote}); err != nil {
			t.Fatal(err)
		}
		d.id = sha256.Sum256(content)
		if _, err := l.a.Annotate(d.id, []string{d.tag}, d.anote); err != nil {
			t.Fatal(err)
		}
		l.docs = append(l.docs, d)
		// A DKIM outcome with its key record: both go only with their
		// document.
		k := dkimrecord.Key{Selector: "s", Domain: fmt.Sprintf("kdom-%d.example", i), TXT: fmt.Sprintf("v=DKIM1; p=KTXT-%d", i),
			Source: fmt.Sprintf("KEYORIGIN-%d", i), Obtained: time.Unix(1e9, 0).UTC()}
		if _, err := l.a.AddDKIMKeys([]dkimrecord.Key{k}); err != nil {
			t.Fatal(err)
		}
		o := dkimrecord.Outcome{Result: dkimrecord.Valid, Domain: k.Domain, Selector: "s", KeyHash: k.Hash(), KeySource: k.Source, At: time.Unix(1e9, 0)}
		if _, err := l.a.RecordDKIM([]archive.DKIMChecked{{Doc: d.id, Outcome: o}}); err != nil {
			t.Fatal(err)
		}
	}
	red := filepath.Join(t.TempDir(), "REDACTED-NAME.txt")
	content := []byte("CONTENT-R a redacted document\n")
	os.WriteFile(red, content, 0o644)
	if _, err := l.a.Derive(ctx, red, [][32]byte{l.docs[0].id}, "redaction", l.dnote); err != nil {
		t.Fatal(err)
	}
	l.redacted = leakDoc{id: sha256.Sum256(content), name: "REDACTED-NAME.txt"}
	if _, err := l.a.Annotate(l.redacted.id, []string{"TAG-R"}, "ANOTE-R"); err != nil {
		t.Fatal(err)
	}
	all := filepath.Join(t.TempDir(), "all")
	if _, err := bundlewriter.Create(ctx, l.a, bundlewriter.Options{Out: all, Docs: archivetest.AllDocs(t, l.a), Note: "XNOTE-ALL"}); err != nil {
		t.Fatal(err)
	}
	return l
}

// idForms are the encodings an ID could leak in.
func idForms(id [32]byte) []string {
	return []string{hex.EncodeToString(id[:]), strings.ToUpper(hex.EncodeToString(id[:])),
		base64.StdEncoding.EncodeToString(id[:]), base64.RawStdEncoding.EncodeToString(id[:]),
		base64.URLEncoding.EncodeToString(id[:]), base64.RawURLEncoding.EncodeToString(id[:]),
		hex.EncodeToString(id[:8])} // a short ID, as messages print them
}

// forbidden lists what an output made for selection sel (with choices c,
// and the originals when ancestors) must not contain, each with why.
func (l *leakArchive) forbidden(sel map[int]bool, redacted bool, c provenance.Choices, ancestors bool) map[string]string {
	out := map[string]string{}
	shown := func(i int) bool { return sel[i] || (i == 0 && redacted && ancestors) }
	for i, d := range l.docs {
		if !shown(i) {
			for _, f := range idForms(d.id) {
				out[f] = fmt.Sprintf("the ID of unselected document %d", i)
			}
			for _, m := range []string{d.name, d.dir, fmt.Sprintf("CONTENT-%d", i), fmt.Sprintf("KEYORIGIN-%d", i), fmt.Sprintf("kdom-%d", i), fmt.Sprintf("KTXT-%d", i)} {
				out[m] = fmt.Sprintf("a name or the content of unselected document %d", i)
			}
		}
		if !shown(i) || !c.Sources {
			out[d.source] = fmt.Sprintf("the source of document %d", i)
		}
		if !shown(i) || !c.Notes {
			out[d.inote], out[d.anote] = "an undisclosed note", "an undisclosed note"
		}
		if !shown(i) || !c.Tags {
			out[d.tag] = "an undisclosed tag"
		}
	}
	if !redacted {
		for _, f := range idForms(l.redacted.id) {
			out[f] = "the ID of the unselected redaction"
		}
		out[l.redacted.name], out["CONTENT-R"] = "the redaction's name", "the redaction's content"
	}
	if !redacted || !c.Notes {
		out[l.dnote], out["ANOTE-R"] = "an undisclosed derive note", "an undisclosed note"
	}
	if !redacted || !c.Tags {
		out["TAG-R"] = "an undisclosed tag"
	}
	if !c.Notes {
		out["XNOTE-ALL"] = "the note of an earlier export"
	}
	return out
}

// outputBytes returns every byte a receiver gets: each file of a folder,
// each entry of a zip decompressed, or the file itself.
func outputBytes(t testing.TB, path string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.IsDir() {
		filepath.WalkDir(path, func(p string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				b, _ := os.ReadFile(p)
				rel, _ := filepath.Rel(path, p)
				out[rel] = b
				out[rel+" (its path)"] = []byte(rel)
			}
			return nil
		})
		return out
	}
	b, _ := os.ReadFile(path)
	if zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b))); err == nil {
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(rc)
			rc.Close()
			out[f.Name] = data
			out[f.Name+" (its path)"] = []byte(f.Name)
		}
	}
	out["the file as written"] = b
	return out
}

func assertNoLeak(t testing.TB, what string, files map[string][]byte, forbidden map[string]string) {
	t.Helper()
	for name, b := range files {
		for m, why := range forbidden {
			if bytes.Contains(b, []byte(m)) {
				t.Errorf("%s: %s holds %q, %s", what, name, m, why)
			}
		}
	}
}

// TestLeakAudit makes every kind of output for others after an earlier
// bundle of everything, and checks that none says anything unchosen.
func TestLeakAudit(t *testing.T) {
	l := newLeakArchive(t)
	none := provenance.Choices{}
	cases := []struct {
		name      string
		sel       []int
		redacted  bool
		choices   provenance.Choices
		ancestors bool
		zip       bool
	}{
		{"one document, folder", []int{2}, false, none, false, false},
		{"two documents, zip", []int{1, 3}, false, none, false, true},
		{"the redaction alone", nil, true, none, false, false},
		{"the redaction alone, zip", nil, true, none, false, true},
		{"the redaction with its original", nil, true, none, true, false},
		{"one document with its source", []int{4}, false, provenance.Choices{Sources: true}, false, true},
		{"one document with everything chosen", []int{2}, false, provenance.Choices{Sources: true, Notes: true, Tags: true}, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sel := map[int]bool{}
			var ids [][32]byte
			for _, i := range tc.sel {
				sel[i] = true
				ids = append(ids, l.docs[i].id)
			}
			if tc.redacted {
				ids = append(ids, l.redacted.id)
			}
			name := "bundle"
			if tc.zip {
				name += ".zip"
			}
			out := filepath.Join(t.TempDir(), name)
			if _, err := bundlewriter.Create(ctx, l.a, bundlewriter.Options{Out: out, Docs: ids, Disclose: tc.choices, WithAncestors: tc.ancestors}); err != nil {
				t.Fatal(err)
			}
			forbidden := l.forbidden(sel, tc.redacted, tc.choices, tc.ancestors)
			assertNoLeak(t, "bundle", outputBytes(t, out), forbidden)
			for _, id := range ids {
				p, err := l.a.ProveWith(id, logstore.ProofOptions{Choices: tc.choices, Ancestors: tc.ancestors})
				if err != nil {
					t.Fatal(err)
				}
				one := map[int]bool{}
				for i, d := range l.docs {
					if d.id == id {
						one[i] = true
					}
				}
				assertNoLeak(t, "proof", map[string][]byte{"proof.json": p}, l.forbidden(one, id == l.redacted.id, tc.choices, tc.ancestors))
			}
			// What is chosen does go: the selected names, and the chosen fields.
			files := outputBytes(t, out)
			for _, i := range tc.sel {
				want := []string{l.docs[i].name}
				if tc.choices.Sources {
					want = append(want, l.docs[i].source)
				}
				if tc.choices.Notes {
					want = append(want, l.docs[i].anote)
				}
				if tc.choices.Tags {
					want = append(want, l.docs[i].tag)
				}
				for _, w := range want {
					if !containsAny(files, w) {
						t.Errorf("the bundle does not hold %q, which was chosen", w)
					}
				}
			}
		})
	}
}

func containsAny(files map[string][]byte, s string) bool {
	for _, b := range files {
		if bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}

// FuzzLeakSelection bundles a random selection with random choices and
// checks the same rules. Its seeds run with the tests.
func FuzzLeakSelection(f *testing.F) {
	f.Add(uint8(0b00101), uint8(0))
	f.Add(uint8(0b10010), uint8(0b0111))
	f.Add(uint8(0b100000), uint8(0b1000))
	f.Add(uint8(0b111111), uint8(0b0001))
	l := newLeakArchive(f)
	f.Fuzz(func(t *testing.T, mask, flags uint8) {
		sel := map[int]bool{}
		var ids [][32]byte
		for i := range leakDocs {
			if mask&(1<<i) != 0 {
				sel[i] = true
				ids = append(ids, l.docs[i].id)
			}
		}
		redacted := mask&(1<<leakDocs) != 0
		if redacted {
			ids = append(ids, l.redacted.id)
		}
		if len(ids) == 0 {
			return
		}
		c := provenance.Choices{Sources: flags&1 != 0, Notes: flags&2 != 0, Tags: flags&4 != 0}
		ancestors := flags&8 != 0
		out := filepath.Join(t.TempDir(), "b.zip")
		if _, err := bundlewriter.Create(ctx, l.a, bundlewriter.Options{Out: out, Docs: ids, Disclose: c, WithAncestors: ancestors}); err != nil {
			t.Fatal(err)
		}
		assertNoLeak(t, "bundle", outputBytes(t, out), l.forbidden(sel, redacted, c, ancestors))
	})
}
