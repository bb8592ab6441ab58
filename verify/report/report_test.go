package report

import "testing"

func TestExitCode(t *testing.T) {
	cases := []struct {
		v        Verdict
		warnings int
		strict   bool
		want     int
	}{
		{Intact, 0, false, 0}, {Intact, 1, false, 0}, {Intact, 1, true, 1},
		{SignerUnknown, 0, false, 0}, {SignerUnknown, 0, true, 1},
		{NoProvenance, 0, false, 0}, {NoProvenance, 0, true, 1},
		{Tampered, 0, false, 1}, {Forked, 0, false, 1}, {Invalid, 0, false, 1}, {Corrupt, 0, false, 1},
		{Unreadable, 0, false, 2}, {Cancelled, 0, false, 2},
		{Proven, 0, true, 0}, {ProvenSignerUnknown, 0, false, 0}, {ProvenSignerUnknown, 0, true, 1},
		{NotProven, 0, false, 1}, {NotProvenByThatKey, 0, false, 1}, {NotChecked, 0, false, 2},
	}
	for _, c := range cases {
		r := &Report{Verdict: c.v}
		for range c.warnings {
			r.Add(Finding{Code: "W", Severity: Warning})
		}
		if got := r.ExitCode(c.strict); got != c.want {
			t.Errorf("%s warnings=%d strict=%v: %d, want %d", c.v, c.warnings, c.strict, got, c.want)
		}
	}
}

func TestAddKeepsWarningsApart(t *testing.T) {
	r := &Report{}
	r.Add(Finding{Code: "B", Path: "b"})
	r.Add(Finding{Code: "A", Path: "a", Severity: IOError})
	r.Add(Finding{Code: "W", Severity: Warning})
	r.Sort()
	if len(r.Findings) != 2 || len(r.Warnings) != 1 || r.Findings[0].Path != "a" || r.Findings[1].Severity != Problem {
		t.Fatalf("%+v", r)
	}
	if !r.HasProblems() || !r.HasIOErrors() {
		t.Fatal("flags")
	}
}
