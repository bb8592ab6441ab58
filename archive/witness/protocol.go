// Package witness is the C2SP tlog-witness protocol (c2sp.org/tlog-witness)
// without its storage: the add-checkpoint request body, the witness's
// decision on it given what it cosigned last for the log, its answers,
// and the client's reading of them. The archive keeps the witness's state
// in its store and serves it (archive/witnessing.go); the log's side asks
// witnesses through Post. Offline, the same bytes travel as files.
package witness

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/custody-app/custody/archive/provenance"
	"golang.org/x/mod/sumdb/tlog"
)

// Limits of the protocol.
const (
	MaxProofLines  = 63 // the specification's bound
	MaxRequestSize = provenance.MaxCheckpointSize + 8<<10
	MaxAnswerSize  = 64 << 10
	// SizeType is the content type of a 409 answer.
	SizeType = "text/x.tlog.size"
)

// ErrMalformed is wrapped by every parse error of this package.
var ErrMalformed = errors.New("malformed witness message")

// Request is an add-checkpoint request: the size the client believes the
// witness cosigned last, a consistency proof from it, and the new signed
// checkpoint.
type Request struct {
	Old        int64
	Proof      tlog.TreeProof
	Checkpoint []byte
}

// Bytes is the request body (and the offline request file).
func (r *Request) Bytes() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "old %d\n", r.Old)
	for _, h := range r.Proof {
		b.WriteString(base64.StdEncoding.EncodeToString(h[:]))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.Write(r.Checkpoint)
	return b.Bytes()
}

// ParseRequest reads a request body strictly. The checkpoint is returned
// as bytes; its signature is the caller's to check.
func ParseRequest(data []byte) (*Request, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, a...)...)
	}
	if len(data) > MaxRequestSize {
		return nil, bad("the request is %d bytes, more than the limit of %d", len(data), MaxRequestSize)
	}
	line, rest, ok := bytes.Cut(data, []byte("\n"))
	if !ok {
		return nil, bad("no old size line")
	}
	n, ok := strings.CutPrefix(string(line), "old ")
	if !ok {
		return nil, bad("the first line should be \"old <size>\"")
	}
	old, err := ParseSize([]byte(n + "\n"))
	if err != nil {
		return nil, err
	}
	r := &Request{Old: old}
	for {
		line, rest, ok = bytes.Cut(rest, []byte("\n"))
		if !ok {
			return nil, bad("no blank line before the checkpoint")
		}
		if len(line) == 0 {
			break
		}
		if len(r.Proof) == MaxProofLines {
			return nil, bad("more than %d proof lines", MaxProofLines)
		}
		h, err := base64.StdEncoding.Strict().DecodeString(string(line))
		if err != nil || len(h) != tlog.HashSize || base64.StdEncoding.EncodeToString(h) != string(line) {
			return nil, bad("proof line %d is not a 32-byte hash in standard base64", len(r.Proof)+1)
		}
		r.Proof = append(r.Proof, tlog.Hash(h))
	}
	if len(rest) == 0 {
		return nil, bad("no checkpoint after the blank line")
	}
	r.Checkpoint = bytes.Clone(rest)
	return r, nil
}

// ParseSize reads a tree size line: decimal, no leading zeros, newline.
func ParseSize(data []byte) (int64, error) {
	s, ok := strings.CutSuffix(string(data), "\n")
	if !ok || s == "" || len(s) > 19 || (len(s) > 1 && s[0] == '0') {
		return 0, fmt.Errorf("%w: %q is not a tree size line", ErrMalformed, clip(data))
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: %q is not a tree size line", ErrMalformed, clip(data))
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q is not a tree size line", ErrMalformed, clip(data))
	}
	return n, nil
}

func clip(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}

// State is what a witness keeps per log origin: the checkpoint it
// cosigned last (its size, root and the signed note as received).
type State struct {
	Size int64     `json:"size"`
	Root tlog.Hash `json:"root"`
	Note []byte    `json:"note"`
}

// Decision is the witness's answer to a request whose log signature
// verified: Status is the HTTP status, Reason says why in words.
type Decision struct {
	Status int
	Reason string
}

// OK reports whether the witness cosigns.
func (d Decision) OK() bool { return d.Status == http.StatusOK }

// Decide applies the protocol's checks to a request whose checkpoint cp
// verified under a trusted key, given what the witness cosigned last
// for cp's origin (nil: nothing yet).
func Decide(req *Request, cp *provenance.Checkpoint, last *State) Decision {
	var lastSize int64
	if last != nil {
		lastSize = last.Size
	}
	switch {
	case req.Old > cp.Size:
		return Decision{http.StatusBadRequest, fmt.Sprintf("the old size %d is larger than the checkpoint's size %d", req.Old, cp.Size)}
	case req.Old != lastSize:
		return Decision{http.StatusConflict, fmt.Sprintf("this witness cosigned size %d last, not %d", lastSize, req.Old)}
	case req.Old == 0:
		if len(req.Proof) != 0 {
			return Decision{http.StatusUnprocessableEntity, "a request from size 0 must carry no proof"}
		}
	case req.Old == cp.Size:
		if cp.Root != last.Root {
			return Decision{http.StatusConflict, fmt.Sprintf("the checkpoint at size %d has another root than the one this witness cosigned at that size", cp.Size)}
		}
	default:
		if err := tlog.CheckTree(req.Proof, cp.Size, cp.Root, req.Old, last.Root); err != nil {
			return Decision{http.StatusUnprocessableEntity, fmt.Sprintf("the consistency proof from size %d does not lead to this checkpoint from the one this witness cosigned", req.Old)}
		}
	}
	return Decision{Status: http.StatusOK, Reason: "consistent"}
}
