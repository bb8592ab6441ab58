package gui

import (
	"math"
	"strings"
	"unicode"
)

// strength is a rough guess of how hard a passphrase is to guess, for the
// hint under the field. It never refuses a passphrase: the archivist
// decides. Several random words beat a short string of symbols, and the
// hint says so.
type strength struct {
	Level int // 0 empty, 1 weak, 2 fair, 3 good, 4 strong
	Word  string
	Hint  string
}

func passphraseStrength(p string) strength {
	if p == "" {
		return strength{0, "", "Several random words are easy to remember and hard to guess."}
	}
	bits := estimateBits(p)
	switch {
	case bits < 40:
		return strength{1, "weak", "Easy to guess. Use four or more words that have nothing to do with each other."}
	case bits < 60:
		return strength{2, "fair", "Add another word or two."}
	case bits < 80:
		return strength{3, "good", "Good. Write it down and keep it somewhere safe: it cannot be recovered."}
	}
	return strength{4, "strong", "Strong. Write it down and keep it somewhere safe: it cannot be recovered."}
}

// estimateBits counts the size of the alphabet the passphrase draws from
// and its length, discounting repeated characters and runs.
func estimateBits(p string) float64 {
	var lower, upper, digit, space, other bool
	seen := map[rune]int{}
	n := 0
	prev := rune(-1)
	for _, r := range p {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsSpace(r):
			space = true
		default:
			other = true
		}
		seen[r]++
		// A character repeated or continuing a run (abc, 123) adds little.
		if seen[r] <= 2 && r != prev && r != prev+1 {
			n++
		}
		prev = r
	}
	alphabet := 0
	for _, c := range []struct {
		on   bool
		size int
	}{{lower, 26}, {upper, 26}, {digit, 10}, {space, 1}, {other, 33}} {
		if c.on {
			alphabet += c.size
		}
	}
	bits := float64(n) * math.Log2(float64(alphabet))
	// Words from a dictionary carry about 13 bits each (a word list of
	// 8,000), whatever their
	// length; several words separated by spaces are counted as such when
	// that is the smaller figure.
	if words := len(strings.Fields(p)); words >= 3 {
		if w := float64(words) * 13; w < bits {
			bits = w
		}
	}
	return bits
}
