package bundlewriter

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/bundleformat"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/errcode"
	"github.com/custody-app/custody/archive/heldstore"
	"github.com/custody-app/custody/archive/provenance"
)

// hopLogs returns the upstream proof material of the bundle's documents
// as it leaves (custody/hops/N): the logs the archive kept when it
// received them (archive/heldstore), with the events of their chains
// only, and of each event the openings the choices allow of those
// received. Each event is checked against its checkpoint first: damaged
// material must not go out looking tampered.
func hopLogs(a *archive.Archive, recs []*catalog.Record, choices provenance.Choices, shown func(string) bool) ([]bundleformat.HeldLog, error) {
	docs := make([][32]byte, len(recs))
	for i, r := range recs {
		docs[i] = r.Sum()
	}
	logs, err := heldstore.ForDocs(a.DB(), docs)
	if err != nil {
		return nil, errcode.Wrap(errcode.ArchiveDamaged, err, "the proof material kept from senders cannot be read")
	}
	if len(logs) > bundleformat.MaxHops {
		return nil, fmt.Errorf("these documents came through %d signed logs, more than the %d one bundle may carry; bundle fewer documents at a time", len(logs), bundleformat.MaxHops)
	}
	for k := range logs {
		l := &logs[k]
		cp, err := provenance.ParseUnverified(l.Checkpoint)
		if err != nil {
			return nil, errcode.Wrap(errcode.ArchiveDamaged, err, "a sender's checkpoint kept by the archive cannot be read")
		}
		if len(l.Events) > bundleformat.MaxEvents || proofsEstimate(len(l.Events), cp.Size) > bundleformat.MaxProofsFile {
			return nil, fmt.Errorf("these documents' events in the log of %s are more than one bundle may carry; bundle fewer documents at a time", cp.Origin)
		}
		for i := range l.Events {
			e := &l.Events[i]
			if err := provenance.CheckEvent(cp, e.Index, e.Event, e.Proof); err != nil {
				return nil, errcode.Wrap(errcode.ArchiveDamaged, err, fmt.Sprintf("event %d kept from %s does not match its checkpoint", e.Index, cp.Origin))
			}
			if e.Open, err = choices.Refilter(e.Event, e.Open, shown); err != nil {
				return nil, errcode.Wrap(errcode.ArchiveDamaged, err, fmt.Sprintf("event %d kept from %s cannot be opened", e.Index, cp.Origin))
			}
		}
	}
	return logs, nil
}

// hopSteps returns the tag files of the hops, in the order written.
func hopSteps(ctx context.Context, logs []bundleformat.HeldLog) []tagStep {
	var out []tagStep
	for k := range logs {
		l, n := &logs[k], k+1
		out = append(out,
			tagStep{bundleformat.HopFile(n, bundleformat.FileCheckpoint), func(w io.Writer) error { _, err := w.Write(l.Checkpoint); return err }},
			tagStep{bundleformat.HopFile(n, bundleformat.FileKeys), func(w io.Writer) error { _, err := io.WriteString(w, l.Key+"\n"); return err }},
			tagStep{bundleformat.HopFile(n, bundleformat.FileProofs), func(w io.Writer) error { return writeHeldProofs(w, l) }},
			tagStep{bundleformat.HopFile(n, bundleformat.FileEvents), func(w io.Writer) error { return writeEvents(ctx, w, l.Events) }},
		)
	}
	return out
}

// writeHeldProofs writes a hop's proofs.json from the proofs kept.
func writeHeldProofs(out io.Writer, l *bundleformat.HeldLog) error {
	cp, err := provenance.ParseUnverified(l.Checkpoint)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(out, "{\"format\":%q,\"checkpoint_size\":%d,\"proofs\":[", bundleformat.ProofsFormat, cp.Size); err != nil {
		return err
	}
	for k, e := range l.Events {
		line, _ := json.Marshal(proofLine{e.Index, hashes(e.Proof)})
		sep := ",\n"
		if k == 0 {
			sep = "\n"
		}
		if _, err := fmt.Fprintf(out, "%s%s", sep, line); err != nil {
			return err
		}
	}
	_, err = io.WriteString(out, "\n]}\n")
	return err
}
