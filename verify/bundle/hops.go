package bundle

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/custody-app/custody/archive/bundleformat"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/verify/report"
)

// Hop is one upstream log a bundle carries (custody/hops/N): the proof
// material of an archive the documents passed through before the sender.
type Hop struct {
	N int `json:"n"`
	// Signer is the key that signed the hop's checkpoint (nil when none
	// did); Trusted when the receiving archive's trust store holds it.
	Signer *Signer `json:"signer,omitempty"`
	Origin string  `json:"origin,omitempty"`
	Size   int64   `json:"size"`
	Events int     `json:"events"`
	// ReceivedBy says whose receive event links the hop: 0 for the
	// bundle's own signer, M for hop M; -1 when none does.
	ReceivedBy int `json:"received_by"`
	// Depth is 1 for a log the sender received from, 2 for one that log
	// received from, …; 0 when the hop is not linked.
	Depth int `json:"depth"`
}

// hopFS shows one hop's folder under the top-level custody/ names, so
// that a hop is checked by the very code that checks the bundle's own log.
type hopFS struct {
	fsys fs.FS
	dir  string // "custody/hops/N/"
}

func (h hopFS) Open(name string) (fs.File, error) {
	if rest, ok := strings.CutPrefix(name, bundleformat.CustodyDir); ok && !strings.Contains(rest, "/") {
		return h.fsys.Open(h.dir + rest)
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// hopExists says whether the bundle has a custody/hops/n folder.
func hopExists(fsys fs.FS, n int) bool {
	for _, f := range []string{bundleformat.FileCheckpoint, bundleformat.FileEvents, bundleformat.FileKeys, bundleformat.FileProofs} {
		if _, err := fs.Stat(fsys, bundleformat.HopFile(n, f)); err == nil || !errors.Is(err, fs.ErrNotExist) {
			return true
		}
	}
	return false
}

// checkHops checks each upstream log's signature, events, proofs and
// openings as the bundle's own are checked; the findings name the hop's
// files. Linking the hops to the bundle needs every log read: linkHops.
func (p *prover) checkHops() {
	for n := 1; hopExists(p.fsys, n); n++ {
		if n > bundleformat.MaxHops {
			p.addTo(report.Finding{Code: FileMalformed, Path: bundleformat.HopsDir + strconv.Itoa(n),
				Expected: fmt.Sprintf("at most %d hops", bundleformat.MaxHops),
				Message:  fmt.Sprintf("the bundle carries more than %d upstream logs; the others were not read", bundleformat.MaxHops)}, CheckHops)
			return
		}
		if p.ctx.Err() != nil {
			return
		}
		dir := bundleformat.HopsDir + strconv.Itoa(n) + "/"
		hp := newProver(p.ctx, hopFS{p.fsys, dir}, p.opt, &Result{Report: &report.Report{}})
		hp.hop = n
		hp.checkProofs()
		rename := func(s string) string { return strings.ReplaceAll(s, bundleformat.CustodyDir, dir) }
		for _, f := range append(hp.rep.Findings, hp.rep.Warnings...) {
			f.Path, f.Message, f.Expected = rename(f.Path), rename(f.Message), rename(f.Expected)
			p.addTo(f, CheckHops)
		}
		p.hops = append(p.hops, hp)
	}
}

// linkHops checks that every hop is the checkpoint a proven receive
// event (of the bundle's own log or of another hop) names, and that the
// payload documents that event received are introduced in the hop; it
// fills Result.Hops.
func (p *prover) linkHops() {
	if len(p.hops) == 0 {
		return
	}
	logs := append([]*prover{p}, p.hops...)
	inPayload := map[string]bool{}
	for _, f := range p.res.Files {
		if f.Doc != "" {
			inPayload[f.Doc] = true
		}
	}
	p.res.Hops = make([]Hop, len(p.hops))
	for k, hp := range p.hops {
		h := &p.res.Hops[k]
		*h = Hop{N: hp.hop, Signer: hp.res.Signer, Events: hp.events, ReceivedBy: -1}
		if hp.cp != nil {
			h.Origin, h.Size = hp.cp.Origin, hp.cp.Size
		}
		if hp.note == nil {
			continue // unreadable: already a finding
		}
		for m, lp := range logs {
			if m == hp.hop {
				continue
			}
			for _, e := range lp.proven {
				if e.v.Type != provenance.Receive || e.v.Checkpoint != string(hp.note) {
					continue
				}
				if h.ReceivedBy < 0 {
					h.ReceivedBy = m
				}
				for _, d := range e.v.Docs {
					if _, ok := hp.introduced[d]; inPayload[d] && !ok && hp.eventsRead {
						p.addTo(report.Finding{Code: HopDocMissing, Path: bundleformat.HopFile(hp.hop, bundleformat.FileEvents), Doc: d,
							Expected: "an event introducing the document in the upstream log",
							Found:    "none",
							Message: fmt.Sprintf("%s event %d received document %s from the log of hop %d, but no proven event of that log introduces it: the hop's events were removed or replaced",
								logName(m), e.pe.Index, short(d), hp.hop)}, CheckHops)
					}
				}
			}
		}
		if h.ReceivedBy < 0 {
			p.addTo(report.Finding{Code: HopUnlinked, Path: bundleformat.HopFile(hp.hop, bundleformat.FileCheckpoint),
				Expected: "the checkpoint named by a proven receive event of the bundle",
				Found:    "a checkpoint no proven receive event names",
				Message: fmt.Sprintf("upstream log %d is not linked to the bundle: no proven receive event names its checkpoint, so it was put in or swapped after the bundle was made",
					hp.hop)}, CheckHops)
		}
	}
	// Depths: a hop one receive away from the sender is 1, and so on.
	depth := make([]int, len(logs))
	for range logs {
		for k := range p.res.Hops {
			h := &p.res.Hops[k]
			if by := h.ReceivedBy; by == 0 || (by > 0 && depth[by] > 0) {
				depth[h.N] = depth[by] + 1
				h.Depth = depth[h.N]
			}
		}
	}
}

func logName(m int) string {
	if m == 0 {
		return "the bundle's own"
	}
	return fmt.Sprintf("hop %d's", m)
}

// hopsSummary describes the hops for the report's checks.
func (p *prover) hopsSummary() string {
	var parts []string
	for _, h := range p.res.Hops {
		who := "no valid signature"
		if s := h.Signer; s != nil {
			who = fmt.Sprintf("signed by %s (fingerprint %s, %s)", s.KeyName, s.Fingerprint, trustWord(s))
		}
		by := "not linked"
		switch {
		case h.ReceivedBy == 0:
			by = "received by the bundle's signer"
		case h.ReceivedBy > 0:
			by = fmt.Sprintf("received by hop %d", h.ReceivedBy)
		}
		parts = append(parts, fmt.Sprintf("hop %d: log %s at size %d, %s, %s", h.N, h.Origin, h.Size, who, by))
	}
	return strings.Join(parts, "; ")
}

func trustWord(s *Signer) string {
	if s.Trusted {
		return fmt.Sprintf("trusted as %q", s.TrustedAs)
	}
	return "not in your trust store"
}
