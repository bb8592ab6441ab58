package fixity

import (
	"cmp"
	"encoding/hex"
	"fmt"
	"math"
	"slices"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/humansize"
	"github.com/custody-app/custody/verify/report"
)

// A rolling check spreads a full check over several runs, as an archivist
// who checks fixity on a schedule does: each run reads the least recently
// checked documents until it has read Rolling percent of the archive's
// bytes and Rolling percent of its documents. Documents checked during a
// cycle are newer than every one not yet checked, so ceil(100/Rolling)
// runs read every byte at least once. Documents the last check found
// damaged come first in every run, so a rolling check keeps saying
// CORRUPT until they are repaired instead of passing over them.

// Coverage is what one check covered.
type Coverage struct {
	Docs, TotalDocs   int
	Bytes, TotalBytes int64
	// Partial is true for a rolling check or one of named documents.
	Partial bool
	// Checked is every document read, with its outcome; Damaged the IDs
	// of the damaged ones. Both are empty for a cancelled check.
	Checked []archive.Checked
	Damaged [][32]byte
}

// choose returns the records the check reads.
func choose(recs []*catalog.Record, total int64, opt Options, rep *report.Report) []*catalog.Record {
	if len(opt.Docs) > 0 {
		byID := make(map[[32]byte]*catalog.Record, len(recs))
		for _, r := range recs {
			byID[r.Sum()] = r
		}
		var out []*catalog.Record
		seen := map[[32]byte]bool{}
		for _, id := range opt.Docs {
			if seen[id] {
				continue
			}
			seen[id] = true
			if r := byID[id]; r != nil {
				out = append(out, r)
			} else {
				rep.Add(report.Finding{Code: RecordMissing, Doc: hex.EncodeToString(id[:]),
					Message: "the archive holds no record of this document"})
			}
		}
		return out
	}
	if opt.Rolling <= 0 || opt.Rolling >= 100 {
		return recs
	}
	return Rolling(recs, total, opt.Rolling, opt.Last)
}

// Rolling returns the documents a rolling check of pct percent reads:
// those last found damaged (beyond the share), then the least recently checked (never
// checked first, then in the order their bytes were stored), until both
// pct percent of the bytes and pct percent of the documents are taken.
func Rolling(recs []*catalog.Record, total int64, pct float64, last map[[32]byte]archive.LastCheck) []*catalog.Record {
	type cand struct {
		r  *catalog.Record
		lc archive.LastCheck
	}
	cs := make([]cand, len(recs))
	for i, r := range recs {
		lc, ok := last[r.Sum()]
		if !ok {
			lc.OK = true // never checked: not known to be damaged
		}
		cs[i] = cand{r, lc}
	}
	slices.SortFunc(cs, func(x, y cand) int {
		if x.lc.OK != y.lc.OK {
			if !x.lc.OK {
				return -1
			}
			return 1
		}
		if c := x.lc.Time.Compare(y.lc.Time); c != 0 {
			return c
		}
		return cmp.Compare(x.r.Blob, y.r.Blob)
	})
	needBytes := int64(math.Ceil(float64(total) * pct / 100))
	needDocs := int(math.Ceil(float64(len(recs)) * pct / 100))
	var out []*catalog.Record
	var got int64
	docs := 0
	for _, c := range cs {
		if !c.lc.OK {
			// Extra: found damaged last time, checked again every run
			// without taking the share of the rest.
			out = append(out, c.r)
			continue
		}
		if got >= needBytes && docs >= needDocs {
			break
		}
		out = append(out, c.r)
		got += c.r.Size
		docs++
	}
	return out
}

func fixityDetail(ok, n, all int, chosen, total int64, opt Options) string {
	s := fmt.Sprintf("%d of %d documents re-hashed and match their SHA-256", ok, n)
	switch {
	case len(opt.Docs) > 0:
		s += " (the documents named)"
	case opt.Rolling > 0 && opt.Rolling < 100:
		s += fmt.Sprintf(" (rolling %s%%: the least recently checked %s of %s, %d of %d documents)",
			Percent(opt.Rolling), humansize.Bytes(chosen), humansize.Bytes(total), n, all)
	}
	return s
}

// Percent writes a percentage without needless decimals ("25", "12.5").
func Percent(p float64) string {
	return fmt.Sprintf("%g", math.Round(p*1000)/1000)
}
