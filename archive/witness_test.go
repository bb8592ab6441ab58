package archive_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/cosign"
	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/witness"
)

// openAt opens (creating) the test archive in dir; the test closes it.
func openAt(t *testing.T, dir string) *archive.Archive {
	t.Helper()
	a, err := archive.Open(dir, archivetest.Options(true))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// importText imports files named name-0.. with distinct contents.
func importText(t *testing.T, a *archive.Archive, name string, n int) {
	t.Helper()
	src := filepath.Join(t.TempDir(), name)
	os.MkdirAll(src, 0o755)
	for i := range n {
		os.WriteFile(filepath.Join(src, name+string(rune('a'+i))), []byte(name+" "+string(rune('a'+i))), 0o644)
	}
	if _, err := a.Import(context.Background(), []string{src}, archive.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
}

// witnessPair is a witness archive serving on loopback and a log archive
// that asks it.
type witnessPair struct {
	wdir, ldir string
	w, l       *archive.Archive
	srv        *httptest.Server
	wkey       string
}

func newWitnessPair(t *testing.T) *witnessPair {
	t.Helper()
	p := &witnessPair{wdir: filepath.Join(t.TempDir(), "witness"), ldir: filepath.Join(t.TempDir(), "log")}
	p.w = openAt(t, p.wdir)
	p.l = openAt(t, p.ldir)
	t.Cleanup(func() { p.w.Close(); p.l.Close() })
	importText(t, p.l, "first", 2)
	if err := p.w.Trust("Log desk", p.l.Public().VerifierKey, "test"); err != nil {
		t.Fatal(err)
	}
	wk, err := p.w.WitnessKey()
	if err != nil {
		t.Fatal(err)
	}
	p.wkey = wk.VerifierKey
	p.serve(t)
	if err := p.l.AddWitness("Paper B", p.srv.URL, p.wkey); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *witnessPair) serve(t *testing.T) {
	w := p.w
	p.srv = httptest.NewServer(witness.Handler(w.AddCheckpoint))
	t.Cleanup(p.srv.Close)
}

func gather(t *testing.T, a *archive.Archive) archive.WitnessResult {
	t.Helper()
	res, err := a.GatherCosignatures(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func latest(t *testing.T, a *archive.Archive) *provenance.Checkpoint {
	t.Helper()
	cp, err := a.LatestCheckpoint()
	if err != nil || cp == nil {
		t.Fatalf("latest checkpoint: %v, %v", cp, err)
	}
	return cp
}

// cosignedBy checks that the kept cosignatures of a's latest checkpoint
// verify under vkey, and returns how many do.
func cosignedBy(t *testing.T, a *archive.Archive, vkey string) int {
	t.Helper()
	cp := latest(t, a)
	lines, err := a.Cosignatures(cp)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := cosign.ParseLines(lines)
	if err != nil {
		t.Fatal(err)
	}
	w, err := cosign.NewWitness("w", vkey)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := cosign.Body(cp.Note)
	n := 0
	for _, o := range cosign.Check(body, parsed, []*cosign.Witness{w}) {
		if o.Valid {
			n++
		}
	}
	return n
}

func TestWitnessCosignsAndFollowsTheLog(t *testing.T) {
	p := newWitnessPair(t)
	res := gather(t, p.l)
	if !res.AllCosigned() || res.Witnesses[0].Status != archive.WitnessCosigned {
		t.Fatalf("first gather: %+v", res.Witnesses)
	}
	if n := cosignedBy(t, p.l, p.wkey); n != 1 {
		t.Fatalf("%d valid cosignatures kept, want 1", n)
	}
	first := latest(t, p.l)
	importText(t, p.l, "second", 3)
	start := time.Now()
	res = gather(t, p.l)
	t.Logf("gathering one cosignature on loopback took %v", time.Since(start)) // a figure for docs/performance.md, not a bound
	if !res.AllCosigned() || res.Witnesses[0].Detail != "cosigned now" {
		t.Fatalf("second gather: %+v", res.Witnesses)
	}
	second := latest(t, p.l)
	if second.Size <= first.Size {
		t.Fatalf("sizes %d then %d", first.Size, second.Size)
	}
	logs, err := p.w.WitnessedLogs()
	if err != nil || len(logs) != 1 || logs[0].State.Size != second.Size || logs[0].State.Root != second.Root {
		t.Fatalf("witness state %+v, %v; want size %d", logs, err, second.Size)
	}
	peers, _ := p.l.Witnesses()
	if peers[0].Size != second.Size {
		t.Fatalf("the log remembers size %d for its witness, want %d", peers[0].Size, second.Size)
	}
	// Asking again changes nothing.
	if res = gather(t, p.l); res.Witnesses[0].Detail != "cosigned before" {
		t.Fatalf("third gather: %+v", res.Witnesses)
	}
}

func TestWitnessRestartedKeepsItsState(t *testing.T) {
	p := newWitnessPair(t)
	gather(t, p.l)
	size := latest(t, p.l).Size
	p.srv.Close()
	p.w.Close()
	p.w = openAt(t, p.wdir)
	p.serve(t)
	p.l.RemoveWitness("Paper B")
	p.l.AddWitness("Paper B", p.srv.URL, p.wkey) // its new address; size starts at 0 again

	// A request from size 0 is told the size kept across the restart.
	req := &witness.Request{Old: 0, Checkpoint: latest(t, p.l).Note}
	rep := p.w.AddCheckpoint(req.Bytes())
	if rep.Status != http.StatusConflict {
		t.Fatalf("after restart: %d %q, want 409 and size %d", rep.Status, rep.Body, size)
	}
	if got, _ := witness.ParseSize(rep.Body); got != size {
		t.Fatalf("the restarted witness says size %d, want %d", got, size)
	}
	importText(t, p.l, "later", 1)
	res := gather(t, p.l) // 409 from 0, then asked again from the witness's size
	if !res.AllCosigned() {
		t.Fatalf("after restart: %+v", res.Witnesses)
	}
}

func TestWitnessRefusesAReplayedOldCheckpoint(t *testing.T) {
	p := newWitnessPair(t)
	gather(t, p.l)
	old := latest(t, p.l)
	importText(t, p.l, "more", 2)
	gather(t, p.l)
	now := latest(t, p.l)

	// Replayed as if the witness had seen nothing: 409 with its size.
	rep := p.w.AddCheckpoint((&witness.Request{Old: 0, Checkpoint: old.Note}).Bytes())
	if got, _ := witness.ParseSize(rep.Body); rep.Status != http.StatusConflict || rep.ContentType != witness.SizeType || got != now.Size {
		t.Fatalf("replay from 0: %d %s %q", rep.Status, rep.ContentType, rep.Body)
	}
	// Replayed from the witness's size: an old size above the checkpoint's.
	rep = p.w.AddCheckpoint((&witness.Request{Old: now.Size, Checkpoint: old.Note}).Bytes())
	if rep.Status != http.StatusBadRequest {
		t.Fatalf("replay from the current size: %d %q, want 400", rep.Status, rep.Body)
	}
	logs, _ := p.w.WitnessedLogs()
	if logs[0].State.Size != now.Size {
		t.Fatalf("a replay moved the witness back to %d", logs[0].State.Size)
	}
}

func TestWitnessUnknownLogAndForeignSignature(t *testing.T) {
	p := newWitnessPair(t)
	stranger := openAt(t, filepath.Join(t.TempDir(), "stranger"))
	defer stranger.Close()
	importText(t, stranger, "x", 1)
	rep := p.w.AddCheckpoint((&witness.Request{Checkpoint: latest(t, stranger).Note}).Bytes())
	if rep.Status != http.StatusNotFound {
		t.Fatalf("unknown log: %d %q", rep.Status, rep.Body)
	}
	// The stranger's checkpoint with its origin line changed to the
	// trusted log's: its signature no longer verifies.
	forged := strings.Replace(string(latest(t, stranger).Note), stranger.Public().Origin, p.l.Public().Origin, 1)
	rep = p.w.AddCheckpoint((&witness.Request{Checkpoint: []byte(forged)}).Bytes())
	if rep.Status != http.StatusForbidden {
		t.Fatalf("forged checkpoint: %d %q", rep.Status, rep.Body)
	}
}

func TestWitnessDownIsUnreachable(t *testing.T) {
	p := newWitnessPair(t)
	p.srv.Close()
	res := gather(t, p.l)
	if res.AllCosigned() || res.Forked() || res.Witnesses[0].Status != archive.WitnessUnreachable {
		t.Fatalf("witness down: %+v", res.Witnesses)
	}
}

// diverge copies the log archive's folder, so two copies each go on.
func diverge(t *testing.T, p *witnessPair) *archive.Archive {
	t.Helper()
	p.l.Close()
	copyDir := filepath.Join(t.TempDir(), "copy")
	if err := os.CopyFS(copyDir, os.DirFS(p.ldir)); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(copyDir, archive.LockFile))
	p.l = openAt(t, p.ldir)
	b := openAt(t, copyDir)
	t.Cleanup(func() { b.Close() })
	return b
}

func TestDivergedCopyIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b int // documents each copy imports after the split
	}{{"copy behind", 3, 1}, {"copy ahead", 1, 3}, {"same size", 2, 2}} {
		t.Run(tc.name, func(t *testing.T) {
			p := newWitnessPair(t)
			gather(t, p.l)
			b := diverge(t, p)
			importText(t, p.l, "original", tc.a)
			importText(t, b, "copy", tc.b)
			if res := gather(t, p.l); !res.AllCosigned() {
				t.Fatalf("the original: %+v", res.Witnesses)
			}
			res := gather(t, b)
			if !res.Forked() {
				t.Fatalf("the diverged copy was not refused: %+v", res.Witnesses)
			}
			o := res.Witnesses[0]
			if o.Status != archive.WitnessRefused || o.Evidence == "" {
				t.Fatalf("refusal %+v", o)
			}
			if n := cosignedBy(t, b, p.wkey); n != 0 {
				t.Fatalf("the copy holds %d cosignatures", n)
			}
		})
	}
}

func TestWitnessRaceOfTwoForks(t *testing.T) {
	p := newWitnessPair(t)
	gather(t, p.l)
	old := latest(t, p.l).Size
	b := diverge(t, p)
	importText(t, p.l, "original", 2)
	importText(t, b, "copy", 2)
	var bodies [][]byte
	for _, a := range []*archive.Archive{p.l, b} {
		body, err := a.WitnessRequest("Paper B")
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := witness.ParseRequest(body); r.Old != old {
			t.Fatalf("request from %d, want %d", r.Old, old)
		}
		bodies = append(bodies, body)
	}
	for round := 0; round < 5; round++ {
		w := openAt(t, filepath.Join(t.TempDir(), "w"))
		w.Trust("Log desk", p.l.Public().VerifierKey, "test")
		// Bring the fresh witness to the common size first.
		first := &witness.Request{Old: 0, Checkpoint: mustCheckpointAt(t, p.l, old)}
		if rep := w.AddCheckpoint(first.Bytes()); rep.Status != http.StatusOK {
			t.Fatalf("setting up: %d %q", rep.Status, rep.Body)
		}
		statuses := make([]int, 2)
		var wg sync.WaitGroup
		for i := range bodies {
			wg.Go(func() { statuses[i] = w.AddCheckpoint(bodies[i]).Status })
		}
		wg.Wait()
		ok := 0
		for _, s := range statuses {
			if s == http.StatusOK {
				ok++
			} else if s != http.StatusConflict && s != http.StatusUnprocessableEntity {
				t.Fatalf("round %d: status %d", round, s)
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: %d of two forks cosigned (%v), want exactly 1", round, ok, statuses)
		}
		w.Close()
	}
}

// mustCheckpointAt returns a's stored checkpoint note at size n.
func mustCheckpointAt(t *testing.T, a *archive.Archive, n int64) []byte {
	t.Helper()
	cps, err := logstore.Checkpoints(a.DB())
	if err != nil {
		t.Fatal(err)
	}
	for _, cp := range cps {
		if cp.Size == n {
			return cp.Note
		}
	}
	t.Fatalf("no checkpoint at size %d", n)
	return nil
}

func TestWitnessOfflineFiles(t *testing.T) {
	p := newWitnessPair(t)
	p.l.RemoveWitness("Paper B")
	if err := p.l.AddWitness("Paper B", "-", p.wkey); err != nil {
		t.Fatal(err)
	}
	if res := gather(t, p.l); res.Witnesses[0].Status != archive.WitnessOffline {
		t.Fatalf("offline witness: %+v", res.Witnesses)
	}
	req, err := p.l.WitnessRequest("")
	if err != nil {
		t.Fatal(err)
	}
	rep := p.w.AddCheckpoint(req)
	if rep.Status != http.StatusOK {
		t.Fatalf("cosign: %d %q", rep.Status, rep.Body)
	}
	names, err := p.l.AcceptCosignatures(rep.Body)
	if err != nil || len(names) != 1 || names[0] != "Paper B" {
		t.Fatalf("accept: %v %v", names, err)
	}
	if n := cosignedBy(t, p.l, p.wkey); n != 1 {
		t.Fatalf("%d cosignatures kept", n)
	}
	// An answer for another checkpoint is refused.
	importText(t, p.l, "more", 1)
	if _, err := p.l.AcceptCosignatures(rep.Body); err == nil {
		t.Fatal("an old answer was accepted for a newer checkpoint")
	}
}
