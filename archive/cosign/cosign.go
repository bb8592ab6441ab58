// Package cosign reads, writes and checks witness cosignatures in the
// C2SP cosignature/v1 format (c2sp.org/tlog-cosignature): a signed-note
// signature line
//
//	— <witness name> base64(key ID || 8-byte time || Ed25519 signature)
//
// over "cosignature/v1\ntime <T>\n" followed by the checkpoint's body. A
// cosignature says: at time T, this is the largest tree the witness has
// seen for the log, and it extends everything the witness saw before.
//
// golang.org/x/mod/sumdb/note, which the archive uses for its own
// checkpoints, knows only its own Ed25519 type, so the few lines of the
// cosignature type live here. The package is pure (no store, no network):
// the witness server, the log's client and the recipient's checker share
// it. Witness policies (c2sp.org/tlog-policy) are in policy.go.
package cosign

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/quote"
)

// Limits on cosignature lines from strangers.
const (
	MaxLines    = 64       // lines in one set (a bundle's file, a witness's answer)
	MaxLineSize = 512      // bytes of one line
	MaxSetSize  = 32 << 10 // bytes of one set
)

// sigSize is the decoded signature of a line: key ID, time, Ed25519.
const sigSize = 4 + 8 + ed25519.SignatureSize

// ErrMalformed is wrapped by every parse error.
var ErrMalformed = errors.New("malformed cosignature")

// Line is one cosignature line.
type Line struct {
	Name    string // the witness's key name
	KeyHash uint32
	Time    uint64 // POSIX seconds when the witness signed
	Sig     []byte // the Ed25519 signature
}

// String is the line as written, with its final newline.
func (l Line) String() string {
	b := make([]byte, 0, sigSize)
	b = binary.BigEndian.AppendUint32(b, l.KeyHash)
	b = binary.BigEndian.AppendUint64(b, l.Time)
	b = append(b, l.Sig...)
	return "— " + l.Name + " " + base64.StdEncoding.EncodeToString(b) + "\n"
}

// When is the line's time.
func (l Line) When() time.Time { return time.Unix(int64(l.Time), 0).UTC() }

// Message is what a cosignature/v1 signs: the header line, the time line
// and the checkpoint's body (its text up to and including the line
// before the blank line).
func Message(body []byte, t uint64) []byte {
	var b bytes.Buffer
	b.WriteString("cosignature/v1\ntime ")
	b.WriteString(strconv.FormatUint(t, 10))
	b.WriteByte('\n')
	b.Write(body)
	return b.Bytes()
}

// Body returns a signed note's text: everything before the blank line
// that separates it from its signatures, with its final newline.
func Body(note []byte) ([]byte, error) {
	i := bytes.Index(note, []byte("\n\n"))
	if i < 0 {
		return nil, fmt.Errorf("%w: the checkpoint has no blank line before its signatures", ErrMalformed)
	}
	return note[:i+1], nil
}

// Sign makes the witness's cosignature line over the checkpoint note at t.
func Sign(w *keys.WitnessKey, note []byte, t time.Time) (Line, error) {
	body, err := Body(note)
	if err != nil {
		return Line{}, err
	}
	ts := uint64(t.Unix())
	return Line{Name: w.Name, KeyHash: w.KeyHash, Time: ts, Sig: w.Sign(Message(body, ts))}, nil
}

// ParseLines reads cosignature lines, each "— name base64\n". Lines
// whose signature is not the size of a cosignature/v1 (another type, or
// the log's own signature) are skipped, as signed-note readers skip
// unknown keys; anything not a signature line at all is an error.
func ParseLines(data []byte) ([]Line, error) {
	if len(data) > MaxSetSize {
		return nil, fmt.Errorf("%w: %d bytes, more than the limit of %d", ErrMalformed, len(data), MaxSetSize)
	}
	if len(data) == 0 {
		return nil, nil
	}
	if data[len(data)-1] != '\n' {
		return nil, fmt.Errorf("%w: the last line does not end with a newline", ErrMalformed)
	}
	var out []Line
	for i, text := range strings.Split(string(data[:len(data)-1]), "\n") {
		if i >= MaxLines {
			return nil, fmt.Errorf("%w: more than %d lines", ErrMalformed, MaxLines)
		}
		l, ok, err := parseLine(text)
		if err != nil {
			return nil, fmt.Errorf("%w: line %d: %v", ErrMalformed, i+1, err)
		}
		if ok {
			out = append(out, l)
		}
	}
	return out, nil
}

func parseLine(text string) (Line, bool, error) {
	if len(text) > MaxLineSize {
		return Line{}, false, fmt.Errorf("longer than %d bytes", MaxLineSize)
	}
	rest, ok := strings.CutPrefix(text, "— ")
	if !ok {
		return Line{}, false, fmt.Errorf("%q is not a signature line (it should start with \"— \")", quote.Clip(text))
	}
	name, b64, ok := strings.Cut(rest, " ")
	if !ok || name == "" || strings.ContainsAny(name, "+\t") || strings.Contains(b64, " ") {
		return Line{}, false, fmt.Errorf("%q is not a name and a signature", quote.Clip(text))
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(b64)
	if err != nil || len(sig) < 4 {
		return Line{}, false, fmt.Errorf("the signature of %q is not base64", quote.Clip(name))
	}
	if len(sig) != sigSize {
		return Line{}, false, nil
	}
	l := Line{Name: name, KeyHash: binary.BigEndian.Uint32(sig), Time: binary.BigEndian.Uint64(sig[4:]),
		Sig: bytes.Clone(sig[12:])}
	if l.Time > 1<<63-1 {
		return Line{}, false, fmt.Errorf("the time of %q is out of range", quote.Clip(name))
	}
	return l, true, nil
}

// Witness is a witness known by its verifier key, under a local label
// (the name the person gave it: "Paper B").
type Witness struct {
	Label string
	Key   *keys.KeyInfo
}

// NewWitness parses a cosignature/v1 verifier key.
func NewWitness(label, vkey string) (*Witness, error) {
	k, err := keys.ParseWitnessKey(vkey)
	if err != nil {
		return nil, err
	}
	if label == "" {
		label = k.Name
	}
	return &Witness{Label: label, Key: k}, nil
}

// Matches reports whether the line names this witness's key.
func (w *Witness) Matches(l Line) bool { return l.Name == w.Key.Name && l.KeyHash == w.Key.KeyHash }

// Verify reports whether the line is this witness's valid cosignature
// of the checkpoint whose body is given.
func (w *Witness) Verify(body []byte, l Line) bool {
	return w.Matches(l) && ed25519.Verify(w.Key.PublicKey, Message(body, l.Time), l.Sig)
}

// Outcome is what one line said about a checkpoint.
type Outcome struct {
	Line    Line
	Witness *Witness // nil when no known witness has the line's key
	Valid   bool     // Witness's signature verifies
}

// Check checks every line against the known witnesses. A line of a
// known witness that does not verify is an Outcome with Valid false; a
// line of an unknown key is one with Witness nil.
func Check(body []byte, lines []Line, known []*Witness) []Outcome {
	out := make([]Outcome, 0, len(lines))
	for _, l := range lines {
		o := Outcome{Line: l}
		for _, w := range known {
			if w.Matches(l) {
				o.Witness, o.Valid = w, w.Verify(body, l)
				break
			}
		}
		out = append(out, o)
	}
	return out
}

// Format writes lines as one set, in the order given.
func Format(lines []Line) []byte {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.String())
	}
	return []byte(b.String())
}
