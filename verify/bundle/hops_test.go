package bundle_test

import (
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/bundlewriter"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/verify/bundle"
	"github.com/custody-app/custody/verify/report"
)

// bundleOf writes a bundle of docs from a (any archive) and returns it.
func bundleOf(t *testing.T, a *archive.Archive, name string, docs ...[32]byte) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	if _, err := bundlewriter.Create(ctx, a, bundlewriter.Options{Out: out, Docs: docs}); err != nil {
		t.Fatal(err)
	}
	return out
}

// hopChain is A -> B -> C: A (the sender of newSender) bundles a.txt and
// its redaction to B; B bundles the redaction alone to C.
type hopChain struct {
	s         *sender
	b         *archive.Archive
	red, orig [32]byte
	toB, toC  string
}

func newHopChain(t *testing.T) *hopChain {
	t.Helper()
	h := &hopChain{s: newSender(t)}
	h.red, h.orig = h.s.id(t, "a-redacted.txt"), h.s.id(t, "leak/a.txt")
	other := h.s.id(t, "leak/mail/b.eml")
	if _, err := h.s.a.Annotate(other, []string{"secret-tag"}, "secret note"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.s.a.Annotate(h.red, []string{"red-tag"}, "red note"); err != nil {
		t.Fatal(err)
	}
	// B is shown everything of all three documents.
	h.toB = filepath.Join(t.TempDir(), "to-b")
	all := provenance.Choices{Sources: true, Notes: true, Tags: true}
	if _, err := bundlewriter.Create(ctx, h.s.a, bundlewriter.Options{Out: h.toB, Docs: [][32]byte{h.orig, h.red, other}, Disclose: all}); err != nil {
		t.Fatal(err)
	}
	h.b = newArchive(t)
	receive(t, h.b, h.toB)
	h.toC = bundleOf(t, h.b, "to-c", h.red)
	return h
}

func TestHopsAtoBtoC(t *testing.T) {
	h := newHopChain(t)
	// B keeps the derivation it was shown.
	rec, err := h.b.Record(h.red)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Kind != "redaction" || len(rec.Parents) != 1 || rec.Parents[0] != hex.EncodeToString(h.orig[:]) {
		t.Errorf("B's record of the redaction: kind %q parents %v", rec.Kind, rec.Parents)
	}
	for _, f := range []string{"checkpoint", "keys.txt", "events.jsonl", "proofs.json"} {
		if _, err := os.Stat(filepath.Join(h.toC, "custody", "hops", "1", f)); err != nil {
			t.Errorf("C's bundle lacks hop file %s: %v", f, err)
		}
	}
	if !strings.Contains(readFile(t, filepath.Join(h.toC, "tagmanifest-sha256.txt")), "custody/hops/1/events.jsonl") {
		t.Error("the tag manifest does not list the hop's files")
	}
	// B's dry run lists A's log among what goes.
	plan, err := bundlewriter.Plan(h.b, bundlewriter.Options{Docs: [][32]byte{h.red}})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Hops) != 1 || plan.Hops[0].Origin != h.s.a.Public().Origin || len(plan.Hops[0].Events) == 0 {
		t.Errorf("B's preview of the redaction's bundle: hops %+v", plan.Hops)
	}

	c := newArchive(t)
	res := bundle.Verify(ctx, h.toC, bundle.Options{Archive: c})
	expect(t, res, report.SignerUnknown, "", "")
	if res.Signer == nil || res.Signer.Fingerprint != h.b.Public().Fingerprint {
		t.Fatalf("signer %+v, want B", res.Signer)
	}
	if len(res.Hops) != 1 {
		t.Fatalf("hops %+v", res.Hops)
	}
	hop := res.Hops[0]
	if hop.Signer == nil || hop.Signer.Fingerprint != h.s.a.Public().Fingerprint || hop.ReceivedBy != 0 || hop.Depth != 1 || hop.Signer.Trusted {
		t.Errorf("hop %+v signer %+v, want A's, received by the bundle's signer", hop, hop.Signer)
	}
	if hop.Origin != h.s.a.Public().Origin {
		t.Errorf("hop origin %q", hop.Origin)
	}
	if err := trust(c, h.s); err != nil {
		t.Fatal(err)
	}
	res = bundle.Verify(ctx, h.toC, bundle.Options{Archive: c})
	if !res.Hops[0].Signer.Trusted || res.Hops[0].Signer.TrustedAs != "Sender" {
		t.Errorf("A's key is in C's trust store, yet hop %+v", res.Hops[0].Signer)
	}

	got := receive(t, c, h.toC)
	if got.Import.Added != 1 {
		t.Fatalf("C received %+v", got.Import)
	}
	ups, err := c.Upstream(h.red)
	if err != nil {
		t.Fatal(err)
	}
	if len(ups) != 2 || ups[0].Fingerprint != h.b.Public().Fingerprint || ups[1].Fingerprint != h.s.a.Public().Fingerprint ||
		ups[0].Depth != 0 || ups[1].Depth != 1 || ups[0].Bad != "" || ups[1].Bad != "" || !ups[1].Trusted {
		t.Fatalf("C's upstream of the redaction: %+v", ups)
	}
	var derive *provenance.View
	for _, e := range ups[1].Events {
		if e.Bad != "" {
			t.Errorf("A's event %d: %s", e.Index, e.Bad)
		}
		if e.View != nil && e.View.Type == provenance.Derive {
			derive = e.View
		}
	}
	if derive == nil || derive.Kind != "redaction" || derive.Doc != hex.EncodeToString(h.red[:]) || derive.ParentIDs[0] != "" {
		t.Errorf("A's derive event at C: %+v", derive)
	}
	if ups[0].Events[0].View.Type != provenance.Receive || ups[0].Events[0].View.Checkpoint == "" {
		t.Errorf("B's receive at C: %+v", ups[0].Events[0].View)
	}
}

// TestHopsLeakNothing: C's bundle holds nothing of A's other documents:
// not the original the redaction was made from, not b.eml, in any
// encoding, nor names, sources, notes or tags, although A disclosed all
// of them to B; nor the redaction's own tags and note, which B does not
// disclose. B can pass on what it was shown only when it chooses to.
func TestHopsLeakNothing(t *testing.T) {
	h := newHopChain(t)
	other := h.s.id(t, "leak/mail/b.eml")
	var markers []string
	for _, id := range [][32]byte{h.orig, other} {
		markers = append(markers, hex.EncodeToString(id[:]), base64.StdEncoding.EncodeToString(id[:]),
			base64.RawStdEncoding.EncodeToString(id[:]), base64.URLEncoding.EncodeToString(id[:]), base64.RawURLEncoding.EncodeToString(id[:]))
	}
	markers = append(markers, "leak/a.txt", "b.eml", "leak/mail", "tip line", "the first document", "secret-tag", "secret note")
	own := []string{"names removed", "red-tag", "red note"} // the redaction's, not disclosed by default
	err := filepath.WalkDir(h.toC, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b := readFile(t, p)
		for _, m := range append(slices.Clone(markers), own...) {
			if strings.Contains(b, m) {
				t.Errorf("%s holds %q", p, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Disclosing tags and notes, B passes on A's of the redaction, still
	// nothing of the others.
	out := filepath.Join(t.TempDir(), "to-c-open")
	if _, err := bundlewriter.Create(ctx, h.b, bundlewriter.Options{Out: out, Docs: [][32]byte{h.red}, Disclose: provenance.Choices{Notes: true, Tags: true}}); err != nil {
		t.Fatal(err)
	}
	hop := readFile(t, filepath.Join(out, "custody", "hops", "1", "events.jsonl"))
	if !strings.Contains(hop, `"value":"red-tag"`) || !strings.Contains(hop, `"value":"red note"`) {
		t.Errorf("B disclosed tags and notes but the hop lacks A's of the redaction:\n%s", hop)
	}
	for _, m := range markers {
		if strings.Contains(hop, m) {
			t.Errorf("the hop holds %q", m)
		}
	}
	expect(t, bundle.Verify(ctx, out, bundle.Options{}), report.SignerUnknown, "", "")
}

func TestHopsTampered(t *testing.T) {
	h := newHopChain(t)
	copyBundle := func(t *testing.T) string {
		dir := filepath.Join(t.TempDir(), "c")
		copyDir(t, h.toC, dir)
		return dir
	}
	hop := func(f string) string { return "custody/hops/1/" + f }
	t.Run("event", func(t *testing.T) {
		dir := copyBundle(t)
		line := hopLine(t, dir, `\"type\":\"derive\"`)
		edit(t, dir, hop("events.jsonl"), line, strings.Replace(line, `\"kind\":\"redaction\"`, `\"kind\":\"translation\"`, 1))
		rehashTags(t, dir)
		expect(t, bundle.Verify(ctx, dir, bundle.Options{}), report.Tampered, bundle.EventNotInLog, hop("events.jsonl"))
	})
	t.Run("opening", func(t *testing.T) {
		dir := copyBundle(t)
		edit(t, dir, hop("events.jsonl"), `"value":"a-redacted.txt"`, `"value":"other.txt"`)
		rehashTags(t, dir)
		expect(t, bundle.Verify(ctx, dir, bundle.Options{}), report.Tampered, bundle.DisclosureMismatch, hop("events.jsonl"))
	})
	t.Run("checkpoint", func(t *testing.T) {
		dir := copyBundle(t)
		cp := readFile(t, filepath.Join(dir, "custody", "hops", "1", "checkpoint"))
		root := strings.SplitN(cp, "\n", 4)[2]
		flipped := "A" + root[1:]
		if root[0] == 'A' {
			flipped = "B" + root[1:]
		}
		edit(t, dir, hop("checkpoint"), root+"\n", flipped+"\n")
		rehashTags(t, dir)
		expect(t, bundle.Verify(ctx, dir, bundle.Options{}), report.Tampered, bundle.SignatureInvalid, hop("checkpoint"))
	})
	t.Run("unlinked", func(t *testing.T) {
		// A valid hop of A's, but of another checkpoint: no receive in
		// the bundle names it.
		h.s.importText(t, "later.txt", "a later document\n")
		other := bundleOf(t, h.s.a, "other", h.red)
		dir := copyBundle(t)
		for _, f := range []string{"checkpoint", "keys.txt", "events.jsonl", "proofs.json"} {
			writeFile(t, filepath.Join(dir, "custody", "hops", "1", f), readFile(t, filepath.Join(other, "custody", f)))
		}
		rehashTags(t, dir)
		expect(t, bundle.Verify(ctx, dir, bundle.Options{}), report.Tampered, bundle.HopUnlinked, hop("checkpoint"))
	})
	t.Run("doc missing", func(t *testing.T) {
		// The hop without the events that introduce the redaction.
		dir := copyBundle(t)
		line := hopLine(t, dir, `\"type\":\"derive\"`)
		edit(t, dir, hop("events.jsonl"), line+"\n", "")
		rehashTags(t, dir)
		expect(t, bundle.Verify(ctx, dir, bundle.Options{}), report.Tampered, bundle.HopDocMissing, hop("events.jsonl"))
	})
}

// hopLine returns the line of hop 1's events.jsonl that holds text.
func hopLine(t *testing.T, dir, text string) string {
	t.Helper()
	for _, l := range strings.Split(readFile(t, filepath.Join(dir, "custody", "hops", "1", "events.jsonl")), "\n") {
		if strings.Contains(l, text) {
			return l
		}
	}
	t.Fatalf("no hop event holds %q", text)
	return ""
}

func TestHopsThree(t *testing.T) {
	h := newHopChain(t)
	c := newArchive(t)
	receive(t, c, h.toC)
	toD := bundleOf(t, c, "to-d.zip", h.red)
	d := newArchive(t)
	res := bundle.Verify(ctx, toD, bundle.Options{Archive: d})
	expect(t, res, report.SignerUnknown, "", "")
	if len(res.Hops) != 2 {
		t.Fatalf("hops %+v", res.Hops)
	}
	want := map[string]int{h.b.Public().Fingerprint: 1, h.s.a.Public().Fingerprint: 2}
	for _, hop := range res.Hops {
		if hop.Signer == nil || want[hop.Signer.Fingerprint] != hop.Depth {
			t.Errorf("hop %+v signer %+v", hop, hop.Signer)
		}
	}
	receive(t, d, toD)
	ups, err := d.Upstream(h.red)
	if err != nil {
		t.Fatal(err)
	}
	if len(ups) != 3 || ups[0].Fingerprint != c.Public().Fingerprint || ups[1].Fingerprint != h.b.Public().Fingerprint || ups[2].Fingerprint != h.s.a.Public().Fingerprint {
		t.Fatalf("D's upstream: %+v", ups)
	}
}
