package archive

// Anchors: evidence about the archive's checkpoints from outside it.
// A time-stamping authority's token says a checkpoint existed no later
// than the TSA's clock says (archive/tsa); the tokens are kept next to
// their checkpoints (archive/tsastore) and travel in bundles and proofs.
//
// The front ends call AnchorCheckpoints after every command that signs a
// checkpoint. Stamping is best effort: a TSA that does not answer leaves
// its checkpoints for the next chance, and never fails the command that
// made them.

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/tsa"
	"github.com/custody-app/custody/archive/tsaclient"
	"github.com/custody-app/custody/archive/tsastore"
)

// retryAfter is how long an open archive leaves a TSA that did not
// answer alone: one command pays its timeout once, not at every hook.
const retryAfter = time.Minute

// unreachedTSAs remembers when each TSA last failed, by URL.
type unreachedTSAs struct {
	mu   sync.Mutex
	when map[string]time.Time
}

func (u *unreachedTSAs) recent(url string) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	t, ok := u.when[url]
	return ok && time.Since(t) < retryAfter
}

func (u *unreachedTSAs) set(url string, failed bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if !failed {
		delete(u.when, url)
		return
	}
	if u.when == nil {
		u.when = map[string]time.Time{}
	}
	u.when[url] = time.Now()
}

// maxStampsPerRun bounds the requests one AnchorCheckpoints makes to each
// TSA; the rest wait for the next run.
const maxStampsPerRun = 64

// TSA is one configured time-stamping authority.
type TSA = tsastore.TSA

// AnchorResult says what AnchorCheckpoints did.
type AnchorResult struct {
	// Stamped lists the tokens obtained.
	Stamped []Stamped
	// Unreached lists the TSAs that did not give a token; their
	// checkpoints are asked again at the next chance.
	Unreached []Unreached
	// Pending counts the (checkpoint, TSA) pairs still without a token.
	Pending int
	// Witnesses says what each configured witness did with the latest
	// checkpoint (nothing when none is configured); WitnessErr is the
	// archive's own failure to ask them.
	Witnesses  WitnessResult
	WitnessErr error
}

// Stamped is one token obtained.
type Stamped struct {
	Size int64     // the checkpoint's size
	TSA  string    // the TSA's local name
	Time time.Time // the TSA's time
	// Accuracy and Issuer are what the token says: the TSA's stated
	// accuracy and its name in its certificate.
	Accuracy time.Duration
	Issuer   string
}

// Unreached is a TSA that did not give a token.
type Unreached struct {
	TSA string
	URL string
	Err error
}

// errRecentlyUnreached stands for a TSA not asked again so soon.
var errRecentlyUnreached = fmt.Errorf("it did not answer less than %v ago; it is asked again later", retryAfter)

// AnchorCheckpoints asks every configured TSA to stamp each checkpoint
// signed since it was added and not yet stamped by it (at most
// maxStampsPerRun per TSA). It needs a writable archive and does nothing
// otherwise. Errors are reported in the result, never returned: an
// unreachable TSA must not fail the command that signed the checkpoint.
func (a *Archive) AnchorCheckpoints(ctx context.Context) AnchorResult {
	res := a.anchor(ctx, -1)
	if !a.Writable() || a.cfg.ReadOnly {
		return res
	}
	// Then the witnesses' cosignatures of the latest checkpoint, each
	// asked for at most hookWitnessWait here: a witness that does not
	// answer costs a command that little, and custody checkpoint asks
	// again with the full time.
	wctx, cancel := context.WithTimeout(ctx, hookWitnessWait)
	defer cancel()
	res.Witnesses, res.WitnessErr = a.GatherCosignatures(wctx)
	if errors.Is(res.WitnessErr, context.DeadlineExceeded) && ctx.Err() == nil {
		res.WitnessErr = nil // the slow witnesses are reported as outcomes
	}
	return res
}

// hookWitnessWait bounds the witnesses' answers after an ordinary command.
const hookWitnessWait = 5 * time.Second

// StampCheckpoint has every configured TSA that has not yet stamped the
// checkpoint of size do so now (bundle create stamps the checkpoint its
// bundle quotes before writing it).
func (a *Archive) StampCheckpoint(ctx context.Context, size int64) AnchorResult {
	return a.anchor(ctx, size)
}

func (a *Archive) anchor(ctx context.Context, only int64) AnchorResult {
	var res AnchorResult
	if !a.Writable() || a.cfg.ReadOnly {
		return res
	}
	list, err := tsastore.List(a.db)
	if err != nil || len(list) == 0 {
		if err != nil {
			res.Unreached = append(res.Unreached, Unreached{Err: err})
		}
		return res
	}
	cps, err := logstore.Checkpoints(a.db)
	if err != nil {
		res.Unreached = append(res.Unreached, Unreached{Err: err})
		return res
	}
	stamped, err := tsastore.Index(a.db)
	if err != nil {
		res.Unreached = append(res.Unreached, Unreached{Err: err})
		return res
	}
	for _, t := range list {
		asked, pendingBefore := 0, res.Pending
		var failed error
		if a.unreached.recent(t.URL) {
			failed = errRecentlyUnreached
		}
		for _, cp := range cps {
			if cp.Size < t.From || only >= 0 && cp.Size != only {
				continue
			}
			if stamped[cp.Size][t.Name] {
				continue
			}
			if failed != nil || asked >= maxStampsPerRun || ctx.Err() != nil {
				res.Pending++
				continue
			}
			asked++
			st, err := a.stampOne(ctx, t, cp)
			a.unreached.set(t.URL, err != nil && ctx.Err() == nil)
			if err != nil {
				failed = err
				res.Unreached = append(res.Unreached, Unreached{TSA: t.Name, URL: t.URL, Err: err})
				res.Pending++
				continue
			}
			res.Stamped = append(res.Stamped, st)
		}
		if failed == errRecentlyUnreached && res.Pending > pendingBefore {
			res.Unreached = append(res.Unreached, Unreached{TSA: t.Name, URL: t.URL, Err: failed})
		}
	}
	return res
}

func (a *Archive) stampOne(ctx context.Context, t TSA, cp *provenance.Checkpoint) (Stamped, error) {
	ctx, cancel := context.WithTimeout(ctx, tsaclient.Timeout)
	defer cancel()
	tok, err := tsaclient.Fetch(ctx, nil, t.URL, cp.Note)
	if err != nil {
		return Stamped{}, err
	}
	st, err := tsa.Check(tok, cp.Note, nil)
	if err != nil {
		return Stamped{}, err
	}
	if err := tsastore.Put(a.db, cp.Size, t.Name, tok); err != nil {
		return Stamped{}, fmt.Errorf("keeping the time stamp: %w", err)
	}
	return Stamped{Size: cp.Size, TSA: t.Name, Time: st.Time, Accuracy: st.Accuracy, Issuer: st.TSA}, nil
}

// AddTSA remembers the TSA at address under name (the address's host
// when name is empty) and has it stamp the current checkpoint at once.
// When it does not answer with a valid token, nothing is remembered: an
// address that never worked would otherwise be asked forever.
func (a *Archive) AddTSA(ctx context.Context, name, address string) (Stamped, error) {
	if err := tsastore.CheckURL(address); err != nil {
		return Stamped{}, err
	}
	if name == "" {
		u, _ := url.Parse(address)
		name = u.Host
	}
	cp, err := a.CurrentCheckpoint()
	if err != nil {
		return Stamped{}, err
	}
	if cp == nil {
		return Stamped{}, errors.New("the archive's log is empty; there is no checkpoint to stamp yet: import something first")
	}
	t := TSA{Name: name, URL: address, From: cp.Size, Added: time.Now().UTC()}
	for _, o := range mustList(a) {
		if o.Name == name && o.URL != address {
			return Stamped{}, tsastore.Add(a.db, t) // says the name is taken
		}
	}
	st, err := a.stampOne(ctx, t, cp)
	if err != nil {
		return Stamped{}, fmt.Errorf("%s did not give a valid time stamp, so it was not added: %w", name, err)
	}
	return st, tsastore.Add(a.db, t)
}

func mustList(a *Archive) []TSA {
	list, _ := tsastore.List(a.db)
	return list
}

// RemoveTSA forgets a TSA; the tokens it gave stay.
func (a *Archive) RemoveTSA(name string) error { return tsastore.Remove(a.db, name) }

// TSAList returns the configured TSAs in name order.
func (a *Archive) TSAList() ([]TSA, error) { return tsastore.List(a.db) }

// CheckpointStamps returns the tokens kept for the checkpoint of size.
func (a *Archive) CheckpointStamps(size int64) ([]tsastore.Stored, error) {
	return tsastore.Stamps(a.db, size)
}

// TrustTSARoot keeps the PEM root certificates under name: tokens that
// chain to them are trusted by this archive's checks.
func (a *Archive) TrustTSARoot(name string, pem []byte) error {
	return tsastore.TrustRoot(a.db, name, pem)
}

// UntrustTSARoot forgets the roots kept under name.
func (a *Archive) UntrustTSARoot(name string) error { return tsastore.UntrustRoot(a.db, name) }

// TSARoots returns the trusted TSA roots in name order.
func (a *Archive) TSARoots() ([]tsastore.Root, error) { return tsastore.Roots(a.db) }

// TSARootCerts returns the certificates of every trusted TSA root, for
// checking tokens (verify/bundle's TSARootsKnower).
func (a *Archive) TSARootCerts() ([]*x509.Certificate, error) {
	list, err := tsastore.Roots(a.db)
	if err != nil {
		return nil, err
	}
	var out []*x509.Certificate
	for _, r := range list {
		certs, err := tsa.RootCerts([]byte(r.PEM))
		if err != nil {
			return nil, fmt.Errorf("the TSA root record %s: %w", r.Name, err)
		}
		out = append(out, certs...)
	}
	return out, nil
}

// withStamps adds the time stamps kept for the proof's checkpoint (of
// size) to the proof file b (parsed as p); b is returned as it was when
// there are none.
func (a *Archive) withStamps(b []byte, p *provenance.Proof, size int64) ([]byte, error) {
	stored, err := tsastore.Stamps(a.db, size)
	if err != nil || len(stored) == 0 {
		return b, err
	}
	for _, s := range stored {
		if len(p.Timestamps) == provenance.MaxProofTimestamps {
			break
		}
		p.Timestamps = append(p.Timestamps, s.Token)
	}
	return provenance.MarshalProof(p)
}

// DocumentStamps returns the time stamps of the first stamped checkpoint
// that covers the event introducing doc (its size and note too): the
// earliest "recorded before" this archive can show for the document.
// None is not an error.
func (a *Archive) DocumentStamps(doc [32]byte) (int64, []tsastore.Stored, []byte, error) {
	chain, err := a.Chain(doc)
	if err != nil || len(chain) == 0 {
		return 0, nil, nil, err
	}
	cps, err := logstore.Checkpoints(a.db)
	if err != nil {
		return 0, nil, nil, err
	}
	for _, cp := range cps {
		if cp.Size <= chain[0] {
			continue
		}
		stored, err := tsastore.Stamps(a.db, cp.Size)
		if err != nil {
			return 0, nil, nil, err
		}
		if len(stored) > 0 {
			return cp.Size, stored, cp.Note, nil
		}
	}
	return 0, nil, nil, nil
}
