package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/provenance"
)

// signerText names an upstream log's signer: key name and fingerprint,
// and whether this archive trusts it.
func signerText(u *archive.Upstream) string {
	trust := "not in your trust store"
	if u.Trusted {
		trust = fmt.Sprintf("trusted as %q", u.TrustedAs)
	}
	return fmt.Sprintf("%q (fingerprint %s, %s), log %q at size %d", u.KeyName, u.Fingerprint, trust, u.Origin, u.Size)
}

// upstreamJSON names the log of an upstream event in "custody log --json".
type upstreamJSON struct {
	Origin      string `json:"origin"`
	Fingerprint string `json:"fingerprint"`
	Depth       int    `json:"depth"`
}

// printUpstream writes, after a received document's own events, those
// of the archives it passed through before, as kept on receipt: each
// under its signer's fingerprint.
func printUpstream(w io.Writer, ups []archive.Upstream, asJSON bool) {
	for k := range ups {
		u := &ups[k]
		if asJSON {
			for _, e := range u.Events {
				head, _ := json.Marshal(upstreamJSON{u.Origin, u.Fingerprint, u.Depth})
				open, _ := json.Marshal(e.Open)
				if e.Open == nil {
					open = []byte("[]")
				}
				// The leaf bytes exactly as received: they are what the
				// signer's checkpoint covers.
				leaf := e.Leaf
				if !json.Valid(leaf) {
					leaf, _ = json.Marshal(string(leaf))
				}
				fmt.Fprintf(w, "{\"upstream\":%s,\"index\":%d,\"event\":%s,\"open\":%s}\n", head, e.Index, leaf, open)
			}
			continue
		}
		hop := "Received from the archive of"
		if u.Depth > 0 {
			hop = fmt.Sprintf("%d hop(s) further upstream, the archive of", u.Depth)
		}
		fmt.Fprintf(w, "\n%s %s:\n", hop, signerText(u))
		if u.Bad != "" {
			fmt.Fprintf(w, "  WARNING: %s\n", u.Bad)
		}
		for _, e := range u.Events {
			fmt.Fprintln(w, describeUpstream(e))
		}
	}
}

// describeUpstream writes one kept event of another archive's log: what
// it discloses, withheld fields said to be withheld.
func describeUpstream(e archive.UpstreamEvent) string {
	if e.Bad != "" {
		return fmt.Sprintf("%6d  (unreadable event: %s)", e.Index, e.Bad)
	}
	v := e.View
	short := func(id string) string {
		if len(id) > 12 {
			return id[:12]
		}
		return id
	}
	doc := "(not disclosed)"
	if v.Doc != "" {
		doc = short(v.Doc)
	}
	var what string
	switch v.Type {
	case provenance.Ingest:
		what = doc
		if n := v.Path; n != "" || v.Name != "" {
			if n == "" {
				n = v.Name
			}
			what += fmt.Sprintf("  %q", n)
		}
		if v.Source != "" {
			what += fmt.Sprintf("  source %q", v.Source)
		}
	case provenance.Derive:
		var ps []string
		for i, p := range v.ParentIDs {
			switch {
			case p != "":
				ps = append(ps, short(p))
			case i < len(v.ParentEvents):
				ps = append(ps, fmt.Sprintf("a document recorded at index %d (not disclosed)", v.ParentEvents[i]))
			}
		}
		what = fmt.Sprintf("%s  %s of %s  %q", doc, v.Kind, strings.Join(ps, ", "), v.Name)
	case provenance.Annotate:
		what = fmt.Sprintf("%s  tags %q", doc, v.Tags)
	case provenance.Export, provenance.Receive:
		what = fmt.Sprintf("bundle %q  %d of %d document(s) disclosed", v.Bundle, len(v.Docs), v.Total["docs"])
		if v.Origin != "" {
			what += fmt.Sprintf("  from %q", v.Origin)
		}
	case provenance.Verify:
		what = fmt.Sprintf("%q: %q", v.What, v.Verdict)
	case provenance.DKIM:
		what = fmt.Sprintf("%s  DKIM %q (%q)", doc, v.Verdict, v.What)
	case provenance.Repair:
		what = fmt.Sprintf("%s  repaired", doc)
		if v.What != "" {
			what += fmt.Sprintf(" (%q) from %q", v.What, v.Source)
		}
	}
	if v.Note != "" {
		what += fmt.Sprintf("  note %q", v.Note)
	}
	if len(v.Withheld) > 0 {
		what += "  (recorded, not disclosed: " + strings.Join(v.Withheld, ", ") + ")"
	}
	return fmt.Sprintf("%6d  %s  %-8s  %s", e.Index, v.Time, v.Type, what)
}

// printUpstreamShort writes, for "custody show", the signers a received
// document passed through and the derivations they disclose.
func printUpstreamShort(w io.Writer, ups []archive.Upstream) {
	if len(ups) == 0 {
		return
	}
	fmt.Fprintf(w, "Received through:\n")
	for k := range ups {
		u := &ups[k]
		fmt.Fprintf(w, "  %s: %d event(s)\n", signerText(u), len(u.Events))
		for _, e := range u.Events {
			if v := e.View; v != nil && v.Type == provenance.Derive {
				fmt.Fprintf(w, "    %s at index %d, signed by fingerprint %s\n", v.Kind, e.Index, u.Fingerprint)
			}
		}
	}
}
