package report

import (
	"strings"
	"testing"
)

// TestEveryVerdictHasWords: each verdict a check of each kind can give
// has a headline and a meaning, so no banner is ever left blank.
func TestEveryVerdictHasWords(t *testing.T) {
	can := map[Kind][]Verdict{
		ArchiveCheck: {Intact, Tampered, Corrupt, Unreadable, Cancelled},
		BundleCheck:  {Intact, SignerUnknown, NoProvenance, Tampered, Forked, HistoryUnproven, Invalid, Unreadable, Cancelled},
		ProofCheck:   {Proven, ProvenSignerUnknown, NotProven, NotProvenByThatKey, NotChecked},
	}
	for k, vs := range can {
		for _, v := range vs {
			if v.Headline() == "" || v.Meaning(k) == "" {
				t.Errorf("%s of a %s check has no words", v, k)
			}
		}
	}
	if Intact.Meaning(ArchiveCheck) == Intact.Meaning(BundleCheck) {
		t.Error("an intact archive and an intact bundle are explained alike")
	}
	if !strings.Contains(Tampered.Meaning(BundleCheck), "Do not rely on the bundle") {
		t.Error("a tampered bundle's meaning changed")
	}
}

func TestTone(t *testing.T) {
	for v, want := range map[Verdict]Tone{
		Intact: Good, Proven: Good,
		SignerUnknown: Caution, NoProvenance: Caution, ProvenSignerUnknown: Caution,
		Unreadable: Inconclusive, Cancelled: Inconclusive,
		Tampered: Bad, Forked: Bad, HistoryUnproven: Bad, Invalid: Bad, Corrupt: Bad, NotProven: Bad, NotProvenByThatKey: Bad, NotChecked: Bad,
	} {
		if got := v.Tone(); got != want {
			t.Errorf("%s: tone %d, want %d", v, got, want)
		}
	}
}

func TestNewDocument(t *testing.T) {
	r := &Report{Subject: "b.zip", Verdict: SignerUnknown}
	r.AddCheck("bag", true, "")
	r.Add(Finding{Code: "W", Severity: Warning})
	d := NewDocument(BundleCheck, r)
	if d.Headline != "INTACT, SIGNER UNKNOWN" || d.Meaning != SignerUnknown.Meaning(BundleCheck) || d.Tone != Caution ||
		d.Subject != "b.zip" || len(d.Checks) != 1 || len(d.Warnings) != 1 || d.Generated.IsZero() {
		t.Errorf("%+v", d)
	}
}
