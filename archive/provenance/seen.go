package provenance

import "time"

// Seen is the newest checkpoint a receiving archive accepted from one
// origin. Remembering it makes the receiver a witness of that origin's
// history: every later checkpoint from the origin must extend it, and an
// older one must be a proven prefix of it.
type Seen struct {
	Origin     string `json:"origin"`
	Size       int64  `json:"size"`
	Checkpoint string `json:"checkpoint"` // the signed note, exactly as received
	Key        string `json:"key"`        // the verifier key it verified under
	// Earlier holds the consistency proofs that came with the checkpoint,
	// from each earlier size its sender had exported to Size. They let an
	// older bundle be checked later as a prefix of this checkpoint.
	Earlier []SeenProof `json:"earlier,omitempty"`
	Bundle  string      `json:"bundle,omitempty"`
	Time    time.Time   `json:"time"`
}

// SeenProof is a consistency proof from tree size From to the Seen size,
// as standard base64 hashes.
type SeenProof struct {
	From  int64    `json:"from"`
	Proof []string `json:"proof"`
}
