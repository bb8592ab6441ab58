package archive_test

import (
	"context"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/tsa"
	"github.com/custody-app/custody/archive/tsa/tsatest"
)

// A checkpoint signed while the TSA is down stays unstamped, the import
// that signed it succeeds, and the next chance (after a restart) stamps
// it; every token kept vouches for its own checkpoint's bytes.
func TestAnchorCheckpointsAcrossOutageAndRestart(t *testing.T) {
	ts := tsatest.Start(t, "Loopback TSA")
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "arc")
	a, err := archive.Open(dir, archivetest.Options(true))
	if err != nil {
		t.Fatal(err)
	}
	importText := func(a *archive.Archive, name, text string) {
		t.Helper()
		src := t.TempDir()
		os.WriteFile(filepath.Join(src, name), []byte(text), 0o644)
		if _, err := a.Import(ctx, []string{src}, archive.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	importText(a, "one.txt", "one")
	if _, err := a.AddTSA(ctx, "", "http://127.0.0.1:1/nothing-listens"); err == nil {
		t.Fatal("a TSA that never answered was added")
	}
	if l, _ := a.TSAList(); len(l) != 0 {
		t.Fatalf("listed after a failed add: %+v", l)
	}
	st, err := a.AddTSA(ctx, "loop", ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := a.LatestCheckpoint()
	if st.Size != first.Size || st.TSA != "loop" {
		t.Fatalf("stamped %+v, checkpoint %d", st, first.Size)
	}
	if r := a.AnchorCheckpoints(ctx); len(r.Stamped) != 0 || r.Pending != 0 {
		t.Fatalf("nothing new to stamp, got %+v", r)
	}

	ts.SetDown(true)
	importText(a, "two.txt", "two")
	r := a.AnchorCheckpoints(ctx)
	if len(r.Stamped) != 0 || len(r.Unreached) != 1 || r.Pending != 1 || r.Unreached[0].TSA != "loop" {
		t.Fatalf("TSA down: %+v", r)
	}
	// Back up, but not asked again by this open archive within the
	// minute: one command pays a TSA's timeout once.
	ts.SetDown(false)
	hits := ts.Hits()
	if r := a.AnchorCheckpoints(ctx); len(r.Stamped) != 0 || len(r.Unreached) != 1 || r.Pending != 1 || ts.Hits() != hits {
		t.Fatalf("asked again at once: %+v, %d queries", r, ts.Hits()-hits)
	}
	second, _ := a.LatestCheckpoint()
	if got, _ := a.CheckpointStamps(second.Size); len(got) != 0 {
		t.Fatalf("a token for a checkpoint signed while the TSA was down: %d", len(got))
	}
	a.Close()

	ts.SetDown(false)
	a, err = archive.Open(dir, archivetest.Options(false))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	r = a.AnchorCheckpoints(ctx)
	if len(r.Stamped) != 1 || r.Stamped[0].Size != second.Size || r.Pending != 0 || len(r.Unreached) != 0 {
		t.Fatalf("after the restart: %+v", r)
	}
	if err := a.TrustTSARoot("loop-root", ts.Roots); err != nil {
		t.Fatal(err)
	}
	certs, err := a.TSARootCerts()
	if err != nil || len(certs) != 1 {
		t.Fatal(certs, err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(certs[0])
	for _, cp := range []int64{first.Size, second.Size} {
		got, err := a.CheckpointStamps(cp)
		if err != nil || len(got) != 1 || got[0].TSA != "loop" {
			t.Fatalf("stamps of %d: %+v %v", cp, got, err)
		}
		note := first.Note
		if cp == second.Size {
			note = second.Note
		}
		s, err := tsa.Check(got[0].Token, note, pool)
		if err != nil || !s.Trusted || s.TSA != "Loopback TSA" {
			t.Fatalf("token of %d: %+v %v", cp, s, err)
		}
		if _, err := tsa.Check(got[0].Token, append([]byte("x"), note...), pool); err == nil {
			t.Fatal("a token checked against another checkpoint")
		}
	}
	if err := a.RemoveTSA("loop"); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.CheckpointStamps(first.Size); len(got) != 1 {
		t.Fatal("removing the TSA dropped its tokens")
	}
	if err := a.RemoveTSA("loop"); err == nil {
		t.Fatal("removed twice")
	}
}
