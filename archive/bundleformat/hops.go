package bundleformat

import (
	"strconv"
	"strings"

	"github.com/custody-app/custody/archive/provenance"
)

// Custody across hops: when B sends on a document it received from A, B's
// bundle carries, besides B's own log, A's proof material as B received
// it, one folder per upstream log:
//
//	custody/hops/<n>/checkpoint    A's signed checkpoint note
//	custody/hops/<n>/keys.txt      the verifier key that signed it
//	custody/hops/<n>/events.jsonl  A's events of the documents' chains
//	custody/hops/<n>/proofs.json   their inclusion proofs in A's checkpoint
//
// in the formats of the top-level files, n = 1, 2, … (at most MaxHops).
// Each hop is linked to the bundle by a receive event (of the bundle's
// own log or of another hop) whose disclosed checkpoint is the hop's note.
const (
	HopsDir = "custody/hops/"
	// MaxHops bounds the upstream logs one bundle carries.
	MaxHops = 16
)

// HopFile returns the path inside hop n of the top-level custody/ file
// file (FileCheckpoint, FileKeys, FileEvents or FileProofs).
func HopFile(n int, file string) string {
	return HopsDir + strconv.Itoa(n) + "/" + strings.TrimPrefix(file, CustodyDir)
}

// HeldLog is one signed log's proof material as a bundle carried it and a
// receiving archive keeps it: the signed checkpoint note, the verifier key
// line that signed it, and the proven events (leaf bytes, the openings
// received, the inclusion proof), sorted by index.
type HeldLog struct {
	Checkpoint []byte
	Key        string
	// Depth is 0 for the sending archive's own log, 1 for a log it had
	// received from, and so on: it orders the hops of a later bundle.
	Depth  int
	Events []provenance.ProvenEvent
}

// HeldChain lists the events of one document's chain in Incoming.Held[Log].
type HeldChain struct {
	Log    int
	Events []int64
}
