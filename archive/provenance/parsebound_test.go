package provenance

import (
	"bytes"
	"encoding/json"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Adversarial proof files: each fills the size limit with what costs a
// parser most per byte. ParseProof must refuse or read every one within a
// time and memory bound proportional to its size; a file of millions of
// tiny events once took most of a minute and a gigabyte (the fuzzer's
// stall at 5 executions).

func adversarialProofs(size int) map[string][]byte {
	head := `{"format":"custody-proof-v1","doc":"` + strings.Repeat("0", 64) + `","checkpoint":"x","key":"k",`
	fill := func(field, unit string) []byte {
		var b bytes.Buffer
		b.Grow(size)
		b.WriteString(head + `"` + field + `":[`)
		for b.Len()+2*len(unit)+4 < size {
			b.WriteString(unit)
			b.WriteByte(',')
		}
		b.WriteString(unit + `]}`)
		return b.Bytes()
	}
	// One event whose proof holds unit again and again.
	many := func(unit string) []byte {
		var b bytes.Buffer
		b.Grow(size)
		b.WriteString(head + `"events":[{"index":0,"event":"x","proof":[`)
		for b.Len()+2*len(unit)+6 < size {
			b.WriteString(unit)
			b.WriteByte(',')
		}
		b.WriteString(unit + `]}]}`)
		return b.Bytes()
	}
	// As many events as are allowed, each as large as fits: every byte is
	// read by the key check and decoded.
	allowed := func() []byte {
		hash := `"` + strings.Repeat("A", 43) + `="`
		per := size / MaxProofEvents
		proof := strings.TrimSuffix(strings.Repeat(hash+",", min(MaxProofHashes, max(1, per/48))), ",")
		var b bytes.Buffer
		b.WriteString(head + `"events":[`)
		for i := 0; i < MaxProofEvents && b.Len() < size-200-len(proof); i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`{"ind\u0065x":` + strconv.Itoa(i) + `,"event":"x","proof":[` + proof + `]}`)
		}
		b.WriteString(`]}`)
		return b.Bytes()
	}
	return map[string][]byte{
		"allowed events":    allowed(),
		"empty events":      fill("events", `{}`),
		"small events":      fill("events", `{"index":1,"event":"x","proof":[]}`),
		"numbers as events": fill("events", `1e999999`),
		"escaped keys":      fill("events", `{"\u0065vent":"x"}`),
		"empty consistency": fill("consistency", `{}`),
		"nested arrays":     fill("events", `[[[[[[1]]]]]]`),
		"empty hashes":      many(`""`),
		"long string":       []byte(head + `"events":[{"event":"` + strings.Repeat(`\u0041`, (size-len(head)-40)/6) + `"}]}`),
		"long checkpoint":   []byte(strings.Replace(head, `"x"`, `"`+strings.Repeat(`o\n`, (size-len(head)-20)/3)+`"`, 1) + `"events":[]}`),
	}
}

// checkParseBound parses each input and fails when one takes longer than
// perMiB for every MiB of input, or allocates more than 8 bytes per byte
// and 64 MiB (what the allowed events and consistency proofs cost as
// objects).
func checkParseBound(t *testing.T, size int, perMiB time.Duration) {
	for name, b := range adversarialProofs(size) {
		if len(b) > MaxProofSize {
			t.Fatalf("%s: %d bytes, over the limit", name, len(b))
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		_, err := ParseProof(b)
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%-17s %8d bytes: %8v, %5d MiB allocated: %v", name, len(b), took.Round(time.Millisecond), alloc>>20, err)
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
		// The bound is relative to what the standard library takes to
		// read the same bytes as JSON, measured now: on a loaded machine
		// both slow down alike, and super-linear work still shows.
		baseStart := time.Now()
		var anything any
		json.Unmarshal(b, &anything)
		base := time.Since(baseStart)
		if limit := max(40*base, perMiB/10*time.Duration(len(b)>>20+1)); took > limit {
			t.Errorf("%s: %v, more than %v (encoding/json read it in %v)", name, took, limit, base)
		}
		if alloc > 8*uint64(len(b))+64<<20 {
			t.Errorf("%s: %d bytes allocated for %d of input", name, alloc, len(b))
		}
	}
}

// TestParseProofBounded runs the adversarial inputs at 4 MiB.
func TestParseProofBounded(t *testing.T) {
	checkParseBound(t, 4<<20, time.Second)
}

// TestParseProofBoundedLong runs them at the size limit, 64 MiB
// (CUSTODY_LONG_TESTS, make test-long).
func TestParseProofBoundedLong(t *testing.T) {
	if os.Getenv("CUSTODY_LONG_TESTS") == "" {
		t.Skip("set CUSTODY_LONG_TESTS=1 (make test-long)")
	}
	checkParseBound(t, MaxProofSize, time.Second)
}

// TestParseEventBounds: an event over MaxEventSize, or nested deeper than
// strictjson allows, is refused before it is decoded.
func TestParseEventBounds(t *testing.T) {
	big := []byte(`{"v":1,"type":"ingest","note":"` + strings.Repeat("x", MaxEventSize) + `"}`)
	if _, err := ParseEvent(big); err == nil || !strings.Contains(err.Error(), "4194304") {
		t.Errorf("an event of %d bytes: %v", len(big), err)
	}
	deep := []byte(`{"v":1,"type":"ingest","tags":` + strings.Repeat("[", 9) + strings.Repeat("]", 9) + `}`)
	if _, err := ParseEvent(deep); err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Errorf("an event nested 10 deep: %v", err)
	}
}
