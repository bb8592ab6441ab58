package cli

import (
	"fmt"
	"github.com/custody-app/custody/archive/quote"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/custody-app/custody/archive/humansize"
	"github.com/custody-app/custody/archive/progress"
)

// bar returns a progress function that draws one line on w, or nil when
// the terminal is not interactive (scripts get no bars).
func (env *Env) bar(verb string) progress.Func {
	if !env.Interactive {
		return nil
	}
	w := env.Stderr
	plain := env.PlainBar
	return func(p progress.Progress) {
		drawBar(w, verb, p, plain)
		if p.Done {
			if plain {
				fmt.Fprint(w, "\r"+strings.Repeat(" ", plainWidth)+"\r")
			} else {
				fmt.Fprint(w, "\r\033[K")
			}
		}
	}
}

// plainWidth is the width a bar without escape codes always fills, so
// that each line covers the one before it.
const plainWidth = 79

// drawBar writes one bar line. With plain set it uses no escape codes (a
// console that does not understand them would print them): it returns
// to the line's start with a carriage return and pads the line to
// plainWidth instead of erasing it.
func drawBar(w io.Writer, verb string, p progress.Progress, plain bool) {
	frac := 0.0
	if p.TotalBytes > 0 {
		frac = float64(p.Bytes) / float64(p.TotalBytes)
	} else if p.TotalFiles > 0 {
		frac = float64(p.Files) / float64(p.TotalFiles)
	}
	frac = min(max(frac, 0), 1)
	const width = 24
	fill := int(frac * width)
	eta := ""
	if frac > 0.01 && frac < 1 {
		left := time.Duration(float64(p.Elapsed) * (1 - frac) / frac).Round(time.Second)
		eta = " ETA " + left.String()
	}
	cur := quote.Safe(p.Current) // a name from a bundle can hold escapes
	if utf8.RuneCountInString(cur) > 30 {
		r := []rune(cur)
		cur = "…" + string(r[len(r)-29:])
	}
	line := fmt.Sprintf("%s [%s%s] %3.0f%% %d/%d files %s/%s%s %s", verb,
		strings.Repeat("#", fill), strings.Repeat(".", width-fill), frac*100,
		p.Files, p.TotalFiles, humanBytes(p.Bytes), humanBytes(p.TotalBytes), eta, cur)
	if !plain {
		fmt.Fprint(w, "\r\033[K"+line)
		return
	}
	r := []rune(line)
	if len(r) > plainWidth {
		r = r[:plainWidth]
	}
	fmt.Fprint(w, "\r"+string(r)+strings.Repeat(" ", plainWidth-len(r)))
}

// humanBytes writes a size for people: 1.6 GB, 512 kB, 12 bytes. The
// window writes sizes the same way (archive/humansize).
func humanBytes(n int64) string { return humansize.Bytes(n) }
