package provenance

import "fmt"

// checkArrayLengths bounds the arrays of a proof file before it is
// decoded: encoding/json fills a slice element by element before
// parseProof can count them, so a 64 MiB file of 21 million empty events
// ("{},{},…") cost about a gigabyte and most of a minute to refuse. An
// array directly in the top object (events, consistency) may hold
// MaxProofEvents values, any other (a proof) MaxProofHashes. It runs
// before strictjson.CheckKeys too, whose work per object and key it so
// bounds; on invalid JSON its counts may be off, which only changes the
// reason the file is refused. One pass that skips strings.
func checkArrayLengths(b []byte) error {
	type container struct {
		array  bool
		n, max int // values so far and the cap, for an array
	}
	var open []container // innermost last
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		case '{':
			open = append(open, container{})
		case '[':
			c := container{array: true, max: MaxProofHashes}
			if len(open) == 1 {
				c.max = MaxProofEvents
			}
			if j := skipBlank(b, i+1); j < len(b) && b[j] != ']' {
				c.n = 1
			}
			open = append(open, c)
		case ']', '}':
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		case ',':
			if n := len(open); n > 0 && open[n-1].array {
				c := &open[n-1]
				if c.n++; c.n > c.max {
					return fmt.Errorf("an array holds more than %d values", c.max)
				}
			}
		}
	}
	return nil
}

func skipBlank(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}
