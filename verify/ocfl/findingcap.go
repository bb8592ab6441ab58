package ocfl

import (
	"sort"

	"github.com/custody-app/custody/verify/report"
)

// maxPerCode bounds the findings listed per code: a hostile inventory of
// a million bad paths must not become a million findings in memory. The
// rest are counted, and one finding says how many were left out.
const maxPerCode = 1000

type findingCap struct {
	listed, dropped map[string]int
}

func newFindingCap() *findingCap {
	return &findingCap{listed: map[string]int{}, dropped: map[string]int{}}
}

// keep reports whether a finding of this code may still be listed.
func (c *findingCap) keep(code string) bool {
	if c.listed[code] >= maxPerCode {
		c.dropped[code]++
		return false
	}
	c.listed[code]++
	return true
}

// summarize adds one finding per code that was cut short.
func (c *findingCap) summarize(rep *report.Report, spec string) {
	codes := make([]string, 0, len(c.dropped))
	for code := range c.dropped {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		f := finding(spec, code, "", "%d more findings with the code %s were found but not listed", c.dropped[code], code)
		rep.Add(f)
	}
}
