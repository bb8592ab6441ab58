package archive

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/custody-app/custody/archive/cosign"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/witness"
)

// What a witness did with the latest checkpoint.
const (
	WitnessCosigned    = "cosigned"    // a valid cosignature is kept
	WitnessRefused     = "refused"     // the witness saw another history of this log: a fork
	WitnessUnreachable = "unreachable" // no answer, or an answer that could not be used
	WitnessDeclined    = "declined"    // it answered, but does not witness this log (403, 404, …)
	WitnessOffline     = "offline"     // no URL: asked by files (witness request / accept)
)

// WitnessOutcome is one witness's part in GatherCosignatures.
type WitnessOutcome struct {
	Name   string
	URL    string
	Status string
	Line   *cosign.Line // the kept cosignature, when cosigned
	Detail string       // why, in words
	// Evidence is the witness's answer when it refused, as received.
	Evidence string
}

// WitnessResult is what GatherCosignatures did.
type WitnessResult struct {
	Checkpoint *provenance.Checkpoint // nil when the log is empty
	Witnesses  []WitnessOutcome
}

// Count returns how many witnesses ended with status.
func (r *WitnessResult) Count(status string) int {
	n := 0
	for _, w := range r.Witnesses {
		if w.Status == status {
			n++
		}
	}
	return n
}

// Forked reports whether a witness refused the checkpoint because it
// cosigned another history of this log.
func (r *WitnessResult) Forked() bool { return r.Count(WitnessRefused) > 0 }

// AllCosigned reports whether every witness asked over the network
// cosigned.
func (r *WitnessResult) AllCosigned() bool {
	return r.Count(WitnessCosigned) == len(r.Witnesses)-r.Count(WitnessOffline)
}

// GatherCosignatures asks every witness with a URL to cosign the latest
// checkpoint (those that already did are not asked again), in parallel,
// and keeps the cosignatures. A witness that cosigned a larger size is
// asked again from that size; one that refuses on consistency grounds
// is reported with its answer. It returns an error only when the archive
// itself fails; witnesses' failures are outcomes.
func (a *Archive) GatherCosignatures(ctx context.Context) (WitnessResult, error) {
	return a.GatherCosignaturesWith(ctx, nil)
}

// GatherCosignaturesWith is GatherCosignatures through client (nil: the
// default client).
func (a *Archive) GatherCosignaturesWith(ctx context.Context, client *http.Client) (WitnessResult, error) {
	var res WitnessResult
	peers, err := a.Witnesses()
	if err != nil || len(peers) == 0 {
		return res, err
	}
	cp, err := a.LatestCheckpoint()
	if err != nil || cp == nil {
		return res, err
	}
	res.Checkpoint = cp
	have, err := a.Cosignatures(cp)
	if err != nil {
		return res, err
	}
	kept, _ := cosign.ParseLines(have)
	res.Witnesses = make([]WitnessOutcome, len(peers))
	var wg sync.WaitGroup
	for i := range peers {
		p := &peers[i]
		out := &res.Witnesses[i]
		*out = WitnessOutcome{Name: p.Name, URL: p.URL}
		if w, err := p.Witness(); err == nil {
			for _, l := range kept {
				if w.Matches(l) {
					l := l
					out.Status, out.Line, out.Detail = WitnessCosigned, &l, "cosigned before"
				}
			}
		}
		if out.Status != "" {
			continue
		}
		if p.URL == "" {
			out.Status, out.Detail = WitnessOffline, "asked by files: custody witness request / accept"
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.askWitness(ctx, client, p, cp, out)
		}()
	}
	wg.Wait()
	return res, ctx.Err()
}

// askWitness runs add-checkpoint with one witness, retrying once from
// the size a 409 names.
func (a *Archive) askWitness(ctx context.Context, client *http.Client, p *Peer, cp *provenance.Checkpoint, out *WitnessOutcome) {
	old := p.Size
	var evidence []string
	for try := 0; try < 2; try++ {
		if old > cp.Size {
			out.Status = WitnessRefused
			out.Detail = fmt.Sprintf("the witness cosigned size %d of this log, more than this archive's %d: another copy of this archive went further (a fork), or this one was rolled back", old, cp.Size)
			out.Evidence = strings.Join(evidence, "\n")
			return
		}
		req, err := a.requestFrom(old, cp)
		if err != nil {
			out.Status, out.Detail = WitnessUnreachable, fmt.Sprintf("could not make the request: %v", err)
			return
		}
		ans, err := witness.Post(ctx, client, p.URL, req)
		if err != nil {
			out.Status, out.Detail = WitnessUnreachable, err.Error()
			return
		}
		evidence = append(evidence, fmt.Sprintf("old %d: HTTP %d %s\n%s", old, ans.Status, http.StatusText(ans.Status), ans.Body))
		switch ans.Status {
		case http.StatusOK:
			line, err := a.keepCosignature(p, cp, ans.Lines)
			if err != nil {
				out.Status, out.Detail = WitnessUnreachable, err.Error()
				return
			}
			out.Status, out.Line, out.Detail = WitnessCosigned, &line, "cosigned now"
			return
		case http.StatusConflict:
			if ans.Size >= 0 && ans.Size != old && try == 0 {
				old = ans.Size
				continue
			}
			out.Status = WitnessRefused
			out.Detail = "the witness cosigned another checkpoint of this log at the same size: another copy of this archive signed a different history (a fork)"
		case http.StatusUnprocessableEntity:
			out.Status = WitnessRefused
			out.Detail = fmt.Sprintf("this log's history from size %d does not extend what the witness cosigned at that size: another copy of this archive signed a different history (a fork)", old)
		case http.StatusNotFound, http.StatusForbidden:
			out.Status = WitnessDeclined
			out.Detail = fmt.Sprintf("the witness does not witness this log (HTTP %d): it must trust this archive's key", ans.Status)
			return
		default:
			out.Status = WitnessUnreachable
			out.Detail = fmt.Sprintf("the witness answered HTTP %d", ans.Status)
			return
		}
		out.Evidence = strings.Join(evidence, "\n")
		return
	}
}
