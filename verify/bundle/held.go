package bundle

import (
	"slices"

	"github.com/custody-app/custody/archive/bundleformat"
	"github.com/custody-app/custody/archive/provenance"
)

// heldMaterial is what a receive keeps of a verified bundle: its own
// log's and its linked hops' proof material, each payload document's
// chain in them, and the derivations the sender disclosed.
type heldMaterial struct {
	logs    []bundleformat.HeldLog
	chains  map[string][]bundleformat.HeldChain // payload doc → its chains
	derived map[string]derivation               // payload doc → a derivation whose parents are all in the payload
}

// collectHeld gathers the material to keep, from the logs whose
// signature verified and whose events were all read (the bundle's own,
// and every hop that is linked).
func (p *prover) collectHeld() {
	if !p.sigOK || !p.eventsRead || p.res.Signer == nil {
		return
	}
	logs := []*prover{p}
	depths := []int{0}
	for k, hp := range p.hops {
		h := p.res.Hops[k]
		if hp.sigOK && hp.eventsRead && hp.res.Signer != nil && h.Depth > 0 {
			logs = append(logs, hp)
			depths = append(depths, h.Depth)
		}
	}
	// Per log, the positions of the events naming each document.
	index := make([]map[string][]int, len(logs))
	for k, lp := range logs {
		index[k] = map[string][]int{}
		for pos, e := range lp.proven {
			for _, d := range named(e.v) {
				index[k][d] = append(index[k][d], pos)
			}
		}
	}
	used := make([]map[int]bool, len(logs))
	for k := range used {
		used[k] = map[int]bool{}
	}
	m := &heldMaterial{chains: map[string][]bundleformat.HeldChain{}, derived: map[string]derivation{}}
	for _, f := range p.res.Files {
		if f.Doc == "" || f.Event == nil || m.chains[f.Doc] != nil {
			continue
		}
		sel := chainIn(f.Doc, logs, index)
		for k, positions := range sel {
			if len(positions) == 0 {
				continue
			}
			c := bundleformat.HeldChain{Log: k}
			for _, pos := range positions {
				used[k][pos] = true
				c.Events = append(c.Events, logs[k].proven[pos].pe.Index)
			}
			m.chains[f.Doc] = append(m.chains[f.Doc], c)
		}
	}
	for k, lp := range logs {
		l := bundleformat.HeldLog{Checkpoint: lp.note, Key: lp.res.Signer.VerifierKey, Depth: depths[k]}
		for pos, e := range lp.proven {
			if used[k][pos] {
				l.Events = append(l.Events, e.pe)
			}
		}
		m.logs = append(m.logs, l)
	}
	// A derivation goes into the record when its parents came along.
	inPayload := map[string]bool{}
	for _, f := range p.res.Files {
		inPayload[f.Doc] = f.Doc != ""
	}
	for _, d := range p.derives {
		whole := len(d.parents) > 0
		for _, par := range d.parents {
			whole = whole && inPayload[par]
		}
		if _, seen := m.derived[d.doc]; whole && !seen {
			m.derived[d.doc] = d
		}
	}
	p.res.held = m
}

// named lists the documents an event discloses it concerns.
func named(v *provenance.View) []string {
	out := v.Docs
	if v.Doc != "" {
		out = append([]string{v.Doc}, out...)
	}
	return out
}

// chainIn returns, per log, the positions (ascending) of the events of
// doc's chain: every event naming doc or an ancestor whose ID a
// derivation discloses, and the sealed event a derivation points to for
// a withheld parent.
func chainIn(doc string, logs []*prover, index []map[string][]int) [][]int {
	picked := make([]map[int]bool, len(logs))
	for k := range picked {
		picked[k] = map[int]bool{}
	}
	docs := map[string]bool{doc: true}
	queue := []string{doc}
	for len(queue) > 0 && len(docs) <= 10000 {
		d := queue[0]
		queue = queue[1:]
		for k, lp := range logs {
			for _, pos := range index[k][d] {
				picked[k][pos] = true
				v := lp.proven[pos].v
				if v.Type != provenance.Derive || v.Doc != d {
					continue
				}
				for i, parent := range v.ParentIDs {
					if parent != "" {
						if !docs[parent] {
							docs[parent] = true
							queue = append(queue, parent)
						}
						continue
					}
					if i < len(v.ParentEvents) {
						if at, ok := lp.position(v.ParentEvents[i]); ok {
							picked[k][at] = true
						}
					}
				}
			}
		}
	}
	out := make([][]int, len(logs))
	for k := range logs {
		for pos := range picked[k] {
			out[k] = append(out[k], pos)
		}
		slices.Sort(out[k])
	}
	return out
}

// position returns where event idx is in p.proven.
func (p *prover) position(idx int64) (int, bool) {
	lo, hi := 0, len(p.proven)
	for lo < hi {
		mid := (lo + hi) / 2
		switch x := p.proven[mid].pe.Index; {
		case x == idx:
			return mid, true
		case x < idx:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return 0, false
}

// admitHeld adds to in the proof material and derivations a receive
// keeps with each document.
func (r *Result) admitHeld(in *bundleformat.Incoming) {
	m := r.held
	if m == nil || in.Origin == "" {
		return
	}
	in.Held = m.logs
	for i := range in.Files {
		f := &in.Files[i]
		doc := f.SHA256
		f.Held = m.chains[doc]
		if d, ok := m.derived[doc]; ok {
			f.Kind, f.Parents = d.kind, d.parents
		}
	}
}
