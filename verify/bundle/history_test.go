package bundle_test

import (
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/verify/bundle"
	"github.com/custody-app/custody/verify/report"
	"golang.org/x/mod/sumdb/note"
)

// fork makes two archives sharing one identity: the sender's folder is
// copied after a first bundle, then each copy goes its own way.
func fork(t *testing.T) (a, b *sender, first string) {
	t.Helper()
	a = newSender(t)
	first = a.bundle(t, "b0")
	a.a.Close()
	b = &sender{dir: filepath.Join(t.TempDir(), "copy")}
	copyDir(t, a.dir, b.dir)
	a.open(t)
	b.open(t)
	return a, b, first
}

func receive(t *testing.T, a *archive.Archive, path string) *received {
	t.Helper()
	got, err := receiveBundle(ctx, a, path, receiveOptions{})
	if err != nil {
		t.Fatalf("receive %s: %v (%+v)", path, err, got.Verify.Report.Findings)
	}
	return got
}

func seenSize(t *testing.T, a *archive.Archive, origin string) int64 {
	t.Helper()
	s, err := a.SeenCheckpoint(origin)
	if err != nil || s == nil {
		t.Fatalf("remembered checkpoint: %v %v", s, err)
	}
	return s.Size
}

func TestForkedHistory(t *testing.T) {
	a, b, _ := fork(t)
	a.importText(t, "f2.txt", "only in the original")
	fromA := a.bundle(t, "a1")
	b.importText(t, "f3.txt", "only in the copy")
	fromB := b.bundle(t, "b1")
	origin := a.a.Public().Origin
	if b.a.Public().Origin != origin {
		t.Fatal("the copy should share the origin")
	}
	recv := newArchive(t)
	if got := receive(t, recv, fromA); !got.Remembered {
		t.Fatal("first bundle from an origin was not remembered")
	}
	size := seenSize(t, recv, origin)

	// Same size, another root (C3).
	res := bundle.Verify(ctx, fromB, bundle.Options{Archive: recv})
	f := expect(t, res, report.Forked, bundle.Forked, "custody/checkpoint")
	if res.Fork == nil || f == nil {
		t.Fatal("no fork evidence")
	}
	ev := res.Fork.Evidence()
	for _, note := range []string{readFile(t, filepath.Join(fromA, "custody", "checkpoint")), readFile(t, filepath.Join(fromB, "custody", "checkpoint"))} {
		if !strings.Contains(ev, note) {
			t.Errorf("evidence lacks the signed checkpoint %q:\n%s", note, ev)
		}
	}
	if _, err := receiveBundle(ctx, recv, fromB, receiveOptions{}); !errors.Is(err, bundle.ErrRefused) {
		t.Fatalf("a forked bundle was received: %v", err)
	}
	if seenSize(t, recv, origin) != size {
		t.Fatal("a refused bundle changed the remembered checkpoint")
	}

	// The copy goes on: a larger checkpoint whose proof from the remembered
	// size is for the copy's history (C1).
	b.importText(t, "f4.txt", "more in the copy")
	later := b.bundle(t, "b2")
	res = bundle.Verify(ctx, later, bundle.Options{Archive: recv})
	expect(t, res, report.Forked, bundle.Forked, "custody/checkpoint")
	if res.Fork == nil || len(res.Fork.Proof) == 0 {
		t.Fatalf("fork evidence without the failing proof: %+v", res.Fork)
	}

	// The original checks the copy's bundle against its own log (C7).
	res = bundle.Verify(ctx, fromB, bundle.Options{Archive: a.a})
	expect(t, res, report.Forked, bundle.Forked, "custody/checkpoint")

	// A receiver that saw the original's newer checkpoint gets the copy's
	// older one: not a prefix (C2, forked).
	a.importText(t, "f5.txt", "later in the original")
	newer := a.bundle(t, "a2")
	recv2 := newArchive(t)
	receive(t, recv2, newer)
	res = bundle.Verify(ctx, fromB, bundle.Options{Archive: recv2})
	expect(t, res, report.Forked, bundle.Forked, "custody/checkpoint")
}

func TestOlderBundle(t *testing.T) {
	s := newSender(t)
	older := s.bundle(t, "b1")
	s.importText(t, "late.txt", "later")
	newer := s.bundle(t, "b2")
	recv := newArchive(t)
	receive(t, recv, newer)
	origin := s.a.Public().Origin
	size := seenSize(t, recv, origin)

	res := bundle.Verify(ctx, older, bundle.Options{Archive: recv})
	expect(t, res, report.SignerUnknown, bundle.OlderThanSeen, "custody/checkpoint")
	if res.Remember != nil || res.Report.ExitCode(false) != 0 || res.Report.ExitCode(true) != 1 {
		t.Errorf("older bundle: remember %v, exit %d/%d", res.Remember, res.Report.ExitCode(false), res.Report.ExitCode(true))
	}
	got := receive(t, recv, older)
	if got.Remembered || seenSize(t, recv, origin) != size {
		t.Fatal("an older bundle lowered the remembered checkpoint")
	}
}

func TestContinuity(t *testing.T) {
	s := newSender(t)
	first := s.bundle(t, "b1")
	s.importText(t, "late.txt", "later")
	second := s.bundle(t, "b2")
	recv := newArchive(t)
	receive(t, recv, first)
	size := seenSize(t, recv, s.a.Public().Origin)

	// Without consistency.json the link cannot be proven (C4): a problem,
	// never a warning, and receive refuses the bundle.
	noProof := filepath.Join(t.TempDir(), "noproof")
	copyDir(t, second, noProof)
	os.Remove(filepath.Join(noProof, "custody", "consistency.json"))
	rehashTags(t, noProof)
	res := bundle.Verify(ctx, noProof, bundle.Options{Archive: recv})
	expect(t, res, report.HistoryUnproven, bundle.ContinuityUnproven, "custody/consistency.json")
	if res.Remember != nil || res.Report.ExitCode(false) != 1 {
		t.Errorf("an unproven checkpoint: remember %v, exit %d", res.Remember, res.Report.ExitCode(false))
	}
	if _, err := receiveBundle(ctx, recv, noProof, receiveOptions{}); !errors.Is(err, bundle.ErrRefused) {
		t.Fatalf("a bundle whose history is not proven was received: %v", err)
	}

	// An altered consistency proof: the bundle is inconsistent with itself
	// and with what was seen.
	bad := filepath.Join(t.TempDir(), "bad")
	copyDir(t, second, bad)
	c := readFile(t, filepath.Join(bad, "custody", "consistency.json"))
	i := strings.Index(c, `"proof":["`) + len(`"proof":["`)
	flipped := "A"
	if c[i] == 'A' {
		flipped = "B"
	}
	writeFile(t, filepath.Join(bad, "custody", "consistency.json"), c[:i]+flipped+c[i+1:])
	rehashTags(t, bad)
	res = bundle.Verify(ctx, bad, bundle.Options{Archive: recv})
	expect(t, res, report.Forked, bundle.ConsistencyInvalid, "custody/consistency.json")
	res = bundle.Verify(ctx, bad, bundle.Options{})
	expect(t, res, report.Tampered, bundle.ConsistencyInvalid, "custody/consistency.json")

	// The honest bundle extends what was seen and moves the memory on.
	got := receive(t, recv, second)
	if !got.Remembered || seenSize(t, recv, s.a.Public().Origin) <= size {
		t.Fatal("a consistent newer checkpoint was not remembered")
	}
	if !strings.Contains(got.Verify.Report.Checks[len(got.Verify.Report.Checks)-1].Detail, "extends the checkpoint") {
		t.Errorf("history check: %+v", got.Verify.Report.Checks)
	}
}

// TestTrustLookalike: a trusted key with the sender's key name but other
// key material must not verify the sender's checkpoint (B18).
func TestTrustLookalike(t *testing.T) {
	s := newSender(t)
	b := s.bundle(t, "b")
	recv := newArchive(t)
	_, vkey, err := note.GenerateKey(rand.Reader, s.a.Public().KeyName)
	if err != nil {
		t.Fatal(err)
	}
	if err := recv.Trust("Lookalike", vkey, "a test"); err != nil {
		t.Fatal(err)
	}
	res := bundle.Verify(ctx, b, bundle.Options{Archive: recv})
	expect(t, res, report.SignerUnknown, "", "")
	if res.Signer == nil || res.Signer.Trusted {
		t.Fatalf("signer %+v", res.Signer)
	}
}
