package bundle

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/custody-app/custody/archive/bundleformat"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/archive/strictjson"
	"github.com/custody-app/custody/verify/bag"
	tlog "golang.org/x/mod/sumdb/tlog"
)

// The parsers below read custody/ tag files from anyone. Each is strict
// (one meaning per file: known fields only, no field twice, exact number
// forms) and bounded (sizes, line lengths, counts), and none panics.

// ProofSet is custody/proofs.json: one inclusion proof per event.
type ProofSet struct {
	CheckpointSize int64
	Proofs         map[int64]tlog.RecordProof
	Order          []int64 // indexes in file order (increasing)
}

// Earlier is one entry of custody/consistency.json.
type Earlier struct {
	Size       int64
	Checkpoint []byte // the earlier signed checkpoint
	Proof      tlog.TreeProof
}

// ConsistencySet is custody/consistency.json.
type ConsistencySet struct {
	CheckpointSize int64
	Earlier        []Earlier
}

// NameEntry is one line of custody/names.tsv.
type NameEntry struct {
	Line int
	Path string // in the bag, decoded
	Doc  string
	Name string // the original name, decoded (any bytes)
}

// ParseProofs reads custody/proofs.json.
func ParseProofs(b []byte) (*ProofSet, error) {
	if len(b) > bundleformat.MaxProofsFile {
		return nil, fmt.Errorf("it is %d bytes, more than the limit of %d", len(b), bundleformat.MaxProofsFile)
	}
	ps := &ProofSet{CheckpointSize: -1, Proofs: map[int64]tlog.RecordProof{}}
	var format string
	dec, err := strictjson.NewDecoder(b)
	if err != nil {
		return nil, err
	}
	err = strictjson.Object(dec, func(key string) error {
		switch key {
		case "format":
			return dec.Decode(&format)
		case "checkpoint_size":
			return strictjson.Count(dec, &ps.CheckpointSize)
		case "proofs":
			return strictjson.Array(dec, func(int) error {
				if len(ps.Order) >= bundleformat.MaxEvents {
					return fmt.Errorf("more than %d proofs", bundleformat.MaxEvents)
				}
				var idx int64 = -1
				var proof []tlog.Hash
				var have bool
				err := strictjson.Object(dec, func(k string) error {
					switch k {
					case "index":
						return strictjson.Count(dec, &idx)
					case "proof":
						have = true
						return strictjson.Hashes(dec, provenance.MaxProofHashes, &proof)
					}
					return fmt.Errorf("unknown field %q in a proof", k)
				})
				if err != nil {
					return err
				}
				if idx < 0 || !have {
					return errors.New(`a proof needs "index" and "proof"`)
				}
				if n := len(ps.Order); n > 0 && idx <= ps.Order[n-1] {
					return fmt.Errorf("proof indexes are not increasing at %d", idx)
				}
				ps.Order = append(ps.Order, idx)
				ps.Proofs[idx] = proof
				return nil
			})
		}
		return fmt.Errorf("unknown field %q", key)
	})
	if err != nil {
		return nil, err
	}
	if format != bundleformat.ProofsFormat {
		return nil, fmt.Errorf("format %q is not %q", quote.Clip(format), bundleformat.ProofsFormat)
	}
	if ps.CheckpointSize < 0 {
		return nil, errors.New(`missing field "checkpoint_size"`)
	}
	return ps, nil
}

// ParseConsistency reads custody/consistency.json.
func ParseConsistency(b []byte) (*ConsistencySet, error) {
	if len(b) > bundleformat.MaxConsistencyFile {
		return nil, fmt.Errorf("it is %d bytes, more than the limit of %d", len(b), bundleformat.MaxConsistencyFile)
	}
	cs := &ConsistencySet{CheckpointSize: -1}
	var format string
	dec, err := strictjson.NewDecoder(b)
	if err != nil {
		return nil, err
	}
	err = strictjson.Object(dec, func(key string) error {
		switch key {
		case "format":
			return dec.Decode(&format)
		case "checkpoint_size":
			return strictjson.Count(dec, &cs.CheckpointSize)
		case "earlier":
			return strictjson.Array(dec, func(int) error {
				if len(cs.Earlier) >= bundleformat.MaxEvents {
					return fmt.Errorf("more than %d earlier checkpoints", bundleformat.MaxEvents)
				}
				e := Earlier{Size: -1}
				var note string
				var have bool
				err := strictjson.Object(dec, func(k string) error {
					switch k {
					case "size":
						return strictjson.Count(dec, &e.Size)
					case "checkpoint":
						return dec.Decode(&note)
					case "proof":
						have = true
						return strictjson.Hashes(dec, provenance.MaxProofHashes, (*[]tlog.Hash)(&e.Proof))
					}
					return fmt.Errorf("unknown field %q in an earlier checkpoint", k)
				})
				if err != nil {
					return err
				}
				if e.Size < 1 || note == "" || !have {
					return errors.New(`an earlier checkpoint needs "size" (1 or more), "checkpoint" and "proof"`)
				}
				if len(note) > provenance.MaxCheckpointSize {
					return fmt.Errorf("the checkpoint of size %d is longer than %d bytes", e.Size, provenance.MaxCheckpointSize)
				}
				if n := len(cs.Earlier); n > 0 && e.Size <= cs.Earlier[n-1].Size {
					return fmt.Errorf("earlier sizes are not increasing at %d", e.Size)
				}
				e.Checkpoint = []byte(note)
				cs.Earlier = append(cs.Earlier, e)
				return nil
			})
		}
		return fmt.Errorf("unknown field %q", key)
	})
	if err != nil {
		return nil, err
	}
	if format != bundleformat.ConsistencyFormat {
		return nil, fmt.Errorf("format %q is not %q", quote.Clip(format), bundleformat.ConsistencyFormat)
	}
	if cs.CheckpointSize < 0 {
		return nil, errors.New(`missing field "checkpoint_size"`)
	}
	for _, e := range cs.Earlier {
		if e.Size >= cs.CheckpointSize {
			return nil, fmt.Errorf("earlier size %d is not below the checkpoint size %d", e.Size, cs.CheckpointSize)
		}
	}
	return cs, nil
}

// ParseKeys reads custody/keys.txt: one verifier key per line, each line
// ending in LF. It checks the shape only; each key is then parsed with
// keys.ParseVerifierKey.
func ParseKeys(b []byte) ([]string, error) {
	if len(b) > bundleformat.MaxKeysFile {
		return nil, fmt.Errorf("it is %d bytes, more than the limit of %d", len(b), bundleformat.MaxKeysFile)
	}
	if !utf8.Valid(b) {
		return nil, errors.New("it is not valid UTF-8")
	}
	if len(b) == 0 {
		return nil, errors.New("it is empty")
	}
	if b[len(b)-1] != '\n' {
		return nil, errors.New("its last line does not end with a line feed")
	}
	lines := strings.Split(string(b[:len(b)-1]), "\n")
	if len(lines) > bundleformat.MaxKeys {
		return nil, fmt.Errorf("it lists %d keys; at most %d are read", len(lines), bundleformat.MaxKeys)
	}
	for i, l := range lines {
		if l == "" || strings.ContainsAny(l, " \t\r") {
			return nil, fmt.Errorf("line %d is empty or holds spaces", i+1)
		}
	}
	return lines, nil
}

// ReadEvents reads custody/events.jsonl line by line, calling fn with each
// event's index and exact bytes. It stops at the first malformed line and
// at fn's first error.
func ReadEvents(r io.Reader, fn func(line int, index int64, event []byte, open []provenance.Opening) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var buf []byte
	last := int64(-1)
	for n := 1; ; n++ {
		line, err := readLine(br, bundleformat.MaxEventLine, buf[:0])
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		buf = line
		if n > bundleformat.MaxEvents {
			return fmt.Errorf("line %d: more than %d events", n, bundleformat.MaxEvents)
		}
		idx, ev, open, err := ParseEventLine(line)
		if err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		if idx <= last {
			return fmt.Errorf("line %d: index %d is not above the previous line's %d", n, idx, last)
		}
		last = idx
		if err := fn(n, idx, ev, open); err != nil {
			return err
		}
	}
}

// ParseEventLine reads one line of events.jsonl (without its LF):
// {"index":N,"event":"<exact leaf bytes>","open":[…]}, "open" optional
// (the openings of a sealed event's disclosed fields).
func ParseEventLine(line []byte) (int64, []byte, []provenance.Opening, error) {
	if !utf8.Valid(line) {
		return 0, nil, nil, errors.New("not valid UTF-8")
	}
	dec, err := strictjson.NewDecoder(line)
	if err != nil {
		return 0, nil, nil, err
	}
	var idx int64 = -1
	var ev *string
	var open []provenance.Opening
	seenOpen := false
	err = strictjson.Object(dec, func(key string) error {
		switch key {
		case "index":
			return strictjson.Count(dec, &idx)
		case "event":
			return dec.Decode(&ev)
		case "open":
			if seenOpen {
				return errors.New(`"open" is given twice`)
			}
			seenOpen = true
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return err
			}
			open, err = provenance.ParseOpenings(raw)
			return err
		}
		return fmt.Errorf("unknown field %q", key)
	})
	if err != nil {
		return 0, nil, nil, err
	}
	if idx < 0 || ev == nil {
		return 0, nil, nil, errors.New(`a line needs "index" and "event"`)
	}
	if len(*ev) == 0 || len(*ev) > provenance.MaxEventSize {
		return 0, nil, nil, fmt.Errorf("event %d is empty or longer than %d bytes", idx, provenance.MaxEventSize)
	}
	return idx, []byte(*ev), open, nil
}

// ReadNames reads custody/names.tsv, calling fn per line: the payload
// path (percent-decoded as in a manifest), the document and the original
// name.
func ReadNames(r io.Reader, fn func(NameEntry) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var buf []byte
	for n := 1; ; n++ {
		line, err := readLine(br, bundleformat.MaxNameLine, buf[:0])
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		buf = line
		e, err := ParseNameLine(line)
		if err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		e.Line = n
		if err := fn(e); err != nil {
			return err
		}
	}
}

// ParseNameLine reads one line of names.tsv (without its LF).
func ParseNameLine(line []byte) (NameEntry, error) {
	if !utf8.Valid(line) {
		return NameEntry{}, errors.New("not valid UTF-8")
	}
	f := strings.Split(string(line), "\t")
	if len(f) != 3 {
		return NameEntry{}, fmt.Errorf("has %d tab-separated fields; expected path, document and name", len(f))
	}
	if f[0] == "" || strings.ContainsRune(f[0], '\r') {
		return NameEntry{}, errors.New("the path is empty or holds a carriage return")
	}
	if _, err := provenance.ParseDocID(f[1]); err != nil {
		return NameEntry{}, err
	}
	name, err := bundleformat.DecodeName(f[2])
	if err != nil {
		return NameEntry{}, err
	}
	if name == "" {
		return NameEntry{}, errors.New("the name is empty")
	}
	return NameEntry{Path: bag.DecodePath(f[0]), Doc: f[1], Name: name}, nil
}
