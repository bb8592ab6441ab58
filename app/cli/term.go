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
	return func(p progress.Progress) {
		drawBar(w, verb, p)
		if p.Done {
			fmt.Fprint(w, "\r\033[K")
		}
	}
}

func drawBar(w io.Writer, verb string, p progress.Progress) {
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
	fmt.Fprintf(w, "\r\033[K%s [%s%s] %3.0f%% %d/%d files %s/%s%s %s", verb,
		strings.Repeat("#", fill), strings.Repeat(".", width-fill), frac*100,
		p.Files, p.TotalFiles, humanBytes(p.Bytes), humanBytes(p.TotalBytes), eta, cur)
}

// humanBytes writes a size for people: 1.6 GB, 512 kB, 12 bytes. The
// window writes sizes the same way (archive/humansize).
func humanBytes(n int64) string { return humansize.Bytes(n) }
