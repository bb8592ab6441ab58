package bundle_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/custody-app/custody/verify/bundle"
	"github.com/custody-app/custody/verify/report"
)

// TestDivergedCopiesAtDifferentSizes: two copies of one archive, each
// used on its own, send bundles of different sizes. Nothing proves either
// history continues the other, so whichever comes second is HISTORY NOT
// PROVEN (exit 1) and is refused, larger or smaller; at one size with
// two roots, or with a proof from the remembered size, it is FORKED
// (TestForkedHistory).
func TestDivergedCopiesAtDifferentSizes(t *testing.T) {
	a, b, first := fork(t)
	a.importText(t, "a1.txt", "only in the original")
	fromA := a.bundle(t, "a1")
	for i := range 3 {
		b.importText(t, fmt.Sprintf("b%d.txt", i), fmt.Sprintf("only in the copy, %d", i))
	}
	fromB := b.bundle(t, "b1")
	origin := a.a.Public().Origin

	for _, tc := range []struct {
		name         string
		seen, second string
	}{
		{"the copy's bundle is larger than the one remembered", fromA, fromB},
		{"the original's bundle is smaller than the one remembered", fromB, fromA},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recv := newArchive(t)
			receive(t, recv, first)
			receive(t, recv, tc.seen)
			size := seenSize(t, recv, origin)
			res := bundle.Verify(ctx, tc.second, bundle.Options{Archive: recv})
			if res.Checkpoint == nil || res.Checkpoint.Size == size {
				t.Fatalf("the two copies' bundles should differ in size (remembered %d)", size)
			}
			path := "custody/consistency.json"
			if res.Checkpoint.Size < size {
				path = "custody/checkpoint"
			}
			expect(t, res, report.HistoryUnproven, bundle.ContinuityUnproven, path)
			if code := res.Report.ExitCode(false); code != 1 || res.Remember != nil || res.Fork != nil {
				t.Errorf("exit %d, remember %v, fork %v; want exit 1, nothing remembered, no fork claimed", code, res.Remember, res.Fork)
			}
			if _, err := receiveBundle(ctx, recv, tc.second, receiveOptions{}); !errors.Is(err, bundle.ErrRefused) {
				t.Fatalf("received: %v", err)
			}
			if seenSize(t, recv, origin) != size {
				t.Error("the refused bundle moved the remembered checkpoint")
			}
		})
	}
}

// TestProofCheckpointsAreProven: a checkpoint that went out in a proof
// (custody prove) is remembered as published, and every later bundle
// carries the proof that it extends it, as for one that went out in a
// bundle.
func TestProofCheckpointsAreProven(t *testing.T) {
	s := newSender(t)
	first := s.bundle(t, "b1")
	s.importText(t, "late.txt", "later")
	if _, err := s.a.Prove(s.id(t, "leak/a.txt")); err != nil {
		t.Fatal(err)
	}
	latest, err := s.a.LatestCheckpoint()
	if err != nil {
		t.Fatal(err)
	}
	proved := latest.Size
	s.importText(t, "later.txt", "later still")
	second := s.bundle(t, "b2")

	sizes := func(path string) []int64 {
		cs, err := bundle.ParseConsistency([]byte(readFile(t, filepath.Join(path, "custody", "consistency.json"))))
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, e := range cs.Earlier {
			out = append(out, e.Size)
		}
		return out
	}
	exported, err := s.a.ExportedSizes()
	if err != nil {
		t.Fatal(err)
	}
	firstSize := exported[0]
	if got := sizes(second); !slices.Equal(got, []int64{firstSize, proved}) {
		t.Fatalf("the second bundle proves it extends %v, want the first bundle's size %d and the proof's %d", got, firstSize, proved)
	}
	if got := sizes(first); len(got) != 0 {
		t.Errorf("the first bundle carries proofs from %v", got)
	}
	recv := newArchive(t)
	receive(t, recv, first)
	res := bundle.Verify(ctx, second, bundle.Options{Archive: recv})
	expect(t, res, report.SignerUnknown, "", "")
	if len(res.Report.Findings)+len(res.Report.Warnings) != 0 {
		t.Errorf("findings %+v, warnings %+v", res.Report.Findings, res.Report.Warnings)
	}
}
