package history

import (
	"testing"
	"time"
)

func TestWhatRoundTrip(t *testing.T) {
	c := Counts{Docs: 10, TotalDocs: 40, Bytes: 1048576, TotalBytes: 4194304, Damaged: 1, LogEvents: 52}
	for _, scope := range []string{ScopeArchive, "archive rolling 25%", "archive rolling 12.5%", ScopeDocs} {
		w := What(scope, c)
		s, got, ok := Parse(w)
		if !ok || s != scope || got != c {
			t.Errorf("%q: %q %+v %v", w, s, got, ok)
		}
	}
	for _, w := range []string{"bundle bundle-2026-001", "archive: documents 1/2", "archive: documents 1/2, bytes 3/4, damaged 0, log events 5 extra"} {
		if _, _, ok := Parse(w); ok {
			t.Errorf("%q parsed", w)
		}
	}
}

func TestFreshness(t *testing.T) {
	now := time.Date(2025, 3, 14, 12, 0, 0, 0, time.UTC)
	f := Freshness{Docs: 3, Oldest: now.Add(-50 * time.Hour)}
	if got := f.Within(now); got != 3 {
		t.Errorf("within %d days", got)
	}
	if got := f.Sentence(now); got != "every byte verified within 3 days (oldest check 2025-03-12 10:00 UTC)" {
		t.Errorf("%q", got)
	}
	f.Never = 1
	if f.Within(now) != -1 {
		t.Error("a document never checked still counts as verified")
	}
}
