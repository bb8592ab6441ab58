package cosign

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/quote"
)

// Limits of a policy file (c2sp.org/tlog-policy recommends supporting
// at least 32 of each).
const (
	MaxPolicySize = 64 << 10
	maxPolicyItem = 64
)

// Policy is a witness policy in the c2sp.org/tlog-policy format: the
// logs it accepts, named witnesses, groups with thresholds, and the one
// quorum a checkpoint's cosignatures must meet.
type Policy struct {
	Logs      []*keys.KeyInfo
	Witnesses []*Witness // in file order; Label is the policy's name
	Quorum    string     // the quorum's name ("none" for no cosignature)
	nodes     map[string]*node
}

// node is a witness (witness set) or a group (k of members).
type node struct {
	witness *Witness
	k       int
	members []*node
}

// ParsePolicy reads a policy file strictly: every rule of the format
// (names defined before use, each member once, 1 <= k <= n, exactly one
// quorum line, no duplicate keys, only tab, newline and printable bytes).
func ParsePolicy(data []byte) (*Policy, error) {
	if len(data) > MaxPolicySize {
		return nil, fmt.Errorf("the policy is %d bytes, more than the limit of %d", len(data), MaxPolicySize)
	}
	for _, c := range data {
		if c < 0x20 && c != '\t' && c != '\n' || c == 0x7f {
			return nil, fmt.Errorf("the policy holds the control character 0x%02x", c)
		}
	}
	p := &Policy{nodes: map[string]*node{"none": nil}}
	seenKey := map[string]bool{}
	for i, raw := range bytes.Split(data, []byte("\n")) {
		f := strings.FieldsFunc(string(raw), func(r rune) bool { return r == ' ' || r == '\t' })
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if err := p.line(f, seenKey); err != nil {
			return nil, fmt.Errorf("policy line %d: %v", i+1, err)
		}
	}
	if p.Quorum == "" {
		return nil, fmt.Errorf("the policy has no quorum line")
	}
	return p, nil
}

func (p *Policy) line(f []string, seenKey map[string]bool) error {
	switch f[0] {
	case "log":
		if len(f) < 2 || len(f) > 3 {
			return fmt.Errorf("use: log <vkey> [<url>]")
		}
		_, k, err := keys.ParseVerifierKey(f[1])
		if err != nil {
			return fmt.Errorf("the log key: %v", err)
		}
		if seenKey[string(k.PublicKey)] {
			return fmt.Errorf("the log key is listed twice")
		}
		seenKey[string(k.PublicKey)] = true
		if len(p.Logs) >= maxPolicyItem {
			return fmt.Errorf("more than %d logs", maxPolicyItem)
		}
		p.Logs = append(p.Logs, k)
	case "witness":
		if len(f) < 3 || len(f) > 4 {
			return fmt.Errorf("use: witness <name> <vkey> [<url>]")
		}
		if err := p.newName(f[1]); err != nil {
			return err
		}
		w, err := NewWitness(f[1], f[2])
		if err != nil {
			return fmt.Errorf("the key of witness %q: %v", quote.Clip(f[1]), err)
		}
		if seenKey[string(w.Key.PublicKey)] {
			return fmt.Errorf("the key of witness %q is listed twice", quote.Clip(f[1]))
		}
		seenKey[string(w.Key.PublicKey)] = true
		if len(p.Witnesses) >= maxPolicyItem {
			return fmt.Errorf("more than %d witnesses", maxPolicyItem)
		}
		p.Witnesses = append(p.Witnesses, w)
		p.nodes[f[1]] = &node{witness: w}
	case "group":
		if len(f) < 4 {
			return fmt.Errorf("use: group <name> all, any or <k>, then its members")
		}
		if err := p.newName(f[1]); err != nil {
			return err
		}
		if len(p.nodes) >= 3*maxPolicyItem {
			return fmt.Errorf("too many groups")
		}
		g := &node{}
		used := map[string]bool{}
		for _, m := range f[3:] {
			n, ok := p.nodes[m]
			if !ok || n == nil {
				return fmt.Errorf("group %q names %q, which is not defined above it", quote.Clip(f[1]), quote.Clip(m))
			}
			if used[m] {
				return fmt.Errorf("group %q lists %q twice", quote.Clip(f[1]), quote.Clip(m))
			}
			used[m] = true
			g.members = append(g.members, n)
		}
		switch f[2] {
		case "all":
			g.k = len(g.members)
		case "any":
			g.k = 1
		default:
			k, err := strconv.Atoi(f[2])
			if err != nil || k < 1 || k > len(g.members) || strconv.Itoa(k) != f[2] {
				return fmt.Errorf("group %q: the threshold %q is not all, any or 1..%d", quote.Clip(f[1]), quote.Clip(f[2]), len(g.members))
			}
			g.k = k
		}
		p.nodes[f[1]] = g
	case "quorum":
		if len(f) != 2 {
			return fmt.Errorf("use: quorum <name>")
		}
		if p.Quorum != "" {
			return fmt.Errorf("a second quorum line")
		}
		if _, ok := p.nodes[f[1]]; !ok {
			return fmt.Errorf("the quorum %q is not defined above it", quote.Clip(f[1]))
		}
		p.Quorum = f[1]
	default:
		return fmt.Errorf("unknown line %q (expected log, witness, group or quorum)", quote.Clip(f[0]))
	}
	return nil
}

func (p *Policy) newName(name string) error {
	if _, dup := p.nodes[name]; dup {
		return fmt.Errorf("the name %q is defined twice (or is the reserved name none)", quote.Clip(name))
	}
	return nil
}

// Met reports whether the witnesses with a valid cosignature (keyed by
// their verifier keys) meet the quorum.
func (p *Policy) Met(cosigned map[string]bool) bool {
	return p.met(p.nodes[p.Quorum], cosigned)
}

func (p *Policy) met(n *node, cosigned map[string]bool) bool {
	if n == nil { // quorum none
		return true
	}
	if n.witness != nil {
		return cosigned[n.witness.Key.VerifierKey]
	}
	got := 0
	for _, m := range n.members {
		if p.met(m, cosigned) {
			got++
		}
	}
	return got >= n.k
}
