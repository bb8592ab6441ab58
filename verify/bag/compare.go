package bag

import (
	"archive/zip"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/custody-app/custody/archive/bagdigest"
	"github.com/custody-app/custody/archive/pathsafe"
	"github.com/custody-app/custody/verify/report"
)

// hashAndCompare hashes every matched payload and tag file (and, when some
// listed files are missing, the unlisted ones, to spot renames) and
// compares the checksums with the manifests.
func (v *validator) hashAndCompare() {
	var jobs []job
	index := map[string]int{}
	addJob := func(p string, algs map[string]bool) {
		if len(algs) == 0 {
			return
		}
		list := make([]string, 0, len(algs))
		for a := range algs {
			list = append(list, a)
		}
		sort.Strings(list)
		index[p] = len(jobs)
		jobs = append(jobs, job{path: p, size: v.files[p], algs: list})
	}
	for _, p := range v.payload {
		algs := map[string]bool{}
		for _, w := range v.claims[p] {
			for a := range digestsOf(v.manifests, w.path) {
				algs[a] = true
			}
		}
		if len(v.claims[p]) == 0 && len(v.missing) > 0 {
			for _, m := range v.manifests {
				algs[m.alg] = true
			}
		}
		addJob(p, algs)
	}
	for _, w := range v.tagWants {
		if w.disk == "" {
			continue
		}
		algs := map[string]bool{}
		for a := range digestsOf(v.tagMans, w.path) {
			algs[a] = true
		}
		if i, ok := index[w.disk]; ok {
			for _, a := range jobs[i].algs {
				algs[a] = true
			}
			jobs[i].algs = nil
		}
		addJob(w.disk, algs)
	}
	results := hashAll(v.ctx, v.fsys, jobs, v.opt.Workers, v.opt.Progress)
	if v.ctx.Err() != nil {
		return
	}
	sums := map[string]map[string]string{}
	for i, j := range jobs {
		if j.algs == nil {
			continue
		}
		r := results[i]
		switch {
		case r.err != nil:
			v.hashError(j.path, r.err)
			continue
		case r.retried != nil:
			v.add(report.Finding{Code: ReadRetried, Severity: report.Warning, Path: j.path,
				Message: fmt.Sprintf("reading %s failed once (%v) and succeeded when tried again; check the disk or connection", display(j.path), cause(r.retried))})
		}
		sums[j.path] = r.sums
	}
	v.comparePayload(sums)
	v.compareTags(sums)
	v.reportMissingAndExtra(sums)
	v.details[CheckPayload] = fmt.Sprintf("%s hashed with %s", plural(len(v.claims), "file"), orNone(strings.Join(v.bag.Algorithms, ", ")))
}

func (v *validator) hashError(p string, err error) {
	switch {
	case errors.Is(err, zip.ErrChecksum):
		v.add(report.Finding{Code: ZipChecksum, Path: p,
			Message: fmt.Sprintf("%s does not match the CRC-32 checksum stored in the zip: its bytes were damaged or changed", display(p))})
	case errors.Is(err, zip.ErrFormat):
		v.add(report.Finding{Code: ZipInvalid, Path: p,
			Message: fmt.Sprintf("%s could not be read from the zip: %v (its stored sizes do not match its data)", display(p), cause(err))})
	default:
		v.readError(p, err)
	}
}

// mismatch compares expected with computed checksums; it returns the
// strongest mismatching algorithm ("" if all match) and all that differ.
func mismatch(want, got map[string]string) (string, []string) {
	var bad []string
	best := ""
	for a, sum := range want {
		g, ok := got[a]
		if !ok || g == sum {
			continue
		}
		bad = append(bad, a)
		if best == "" || rank(a) > rank(best) {
			best = a
		}
	}
	sort.Strings(bad)
	return best, bad
}

// rank is an algorithm's strength; 0 for one bagdigest does not know.
func rank(alg string) int {
	a, _ := bagdigest.Lookup(alg)
	return a.Rank
}

// sumWords says which checksums differ: "sha256 checksum differs" or "md5
// and sha256 checksums differ".
func sumWords(algs []string) string {
	if len(algs) == 1 {
		return algs[0] + " checksum differs"
	}
	return strings.Join(algs, " and ") + " checksums differ"
}

// manifestFiles names the manifests of the given algorithms.
func manifestFiles(prefix string, algs []string) string {
	names := make([]string, len(algs))
	for i, a := range algs {
		names[i] = prefix + a + ".txt"
	}
	return strings.Join(names, " and ")
}

func (v *validator) comparePayload(sums map[string]map[string]string) {
	for _, p := range v.payload {
		got, ok := sums[p]
		if !ok {
			continue
		}
		for _, w := range v.claims[p] {
			digests := digestsOf(v.manifests, w.path)
			best, bad := mismatch(digests, got)
			if best == "" {
				continue
			}
			note := ""
			if len(bad) < len(digests) {
				note = " Other manifests agree with the file, so a manifest was edited too."
			}
			v.add(report.Finding{Code: PayloadHashMismatch, Path: p, Expected: digests[best], Found: got[best],
				Message: fmt.Sprintf("%s has changed: its %s from %s.%s", display(p), sumWords(bad), manifestFiles("manifest-", bad), note)})
		}
	}
}

func (v *validator) compareTags(sums map[string]map[string]string) {
	for _, w := range v.tagWants {
		got, ok := sums[w.disk]
		if w.disk == "" || !ok {
			continue
		}
		digests := digestsOf(v.tagMans, w.path)
		best, bad := mismatch(digests, got)
		if best == "" {
			continue
		}
		hint := ""
		if _, tag, isMan := manifestName(w.disk); isMan && !tag {
			hint = " A manifest was edited after the bag was made."
		}
		v.add(report.Finding{Code: TagHashMismatch, Path: w.disk, Expected: digests[best], Found: got[best],
			Message: fmt.Sprintf("the tag file %s has changed: its %s from %s.%s", display(w.disk), sumWords(bad), manifestFiles("tagmanifest-", bad), hint)})
	}
}

// reportMissingAndExtra reports listed files that are absent and payload
// files that no manifest lists, pointing out renames and case changes.
// Unlisted files are indexed by checksum and folded name first, so that
// the work grows with the number of files, not with missing × present.
func (v *validator) reportMissingAndExtra(sums map[string]map[string]string) {
	bySum := map[string]string{} // algorithm + ":" + checksum → first unlisted file
	fold := map[string][]string{}
	for _, p := range v.extra {
		for a, s := range sums[p] {
			if _, seen := bySum[a+":"+s]; !seen {
				bySum[a+":"+s] = p
			}
		}
		fold[pathsafe.FoldKey(p)] = append(fold[pathsafe.FoldKey(p)], p)
	}
	var payloadFold map[string][]string
	hints := map[string]string{}
	for _, w := range v.missing {
		if v.perCode[PayloadMissing] >= maxPerCode {
			v.add(report.Finding{Code: PayloadMissing, Path: w.path}) // counted, not listed
			continue
		}
		hint, renamed := "", ""
		for a, s := range digestsOf(v.manifests, w.path) {
			if p, ok := bySum[a+":"+s]; ok && (renamed == "" || p < renamed) {
				renamed = p
			}
		}
		if renamed != "" {
			hint = fmt.Sprintf(" The unlisted file %s has the same content: renamed or moved?", display(renamed))
			hints[renamed] = fmt.Sprintf(" It has the same content as %s, which the manifest lists but is missing: renamed or moved?", display(w.path))
		}
		key := pathsafe.FoldKey(w.path)
		if c := fold[key]; hint == "" && len(c) > 0 {
			hint = fmt.Sprintf(" A file whose name differs only in letter case is present: %s.", display(c[0]))
		}
		if hint == "" {
			if payloadFold == nil {
				payloadFold = map[string][]string{}
				for _, p := range v.payload {
					payloadFold[pathsafe.FoldKey(p)] = append(payloadFold[pathsafe.FoldKey(p)], p)
				}
			}
			for _, p := range payloadFold[key] {
				if p != w.path {
					hint = fmt.Sprintf(" Its name differs only in letter case from %s; on macOS and Windows they would be one file.", display(p))
					break
				}
			}
		}
		v.add(report.Finding{Code: PayloadMissing, Path: w.path,
			Message: fmt.Sprintf("%s is listed in the manifest but is not in the bag.%s", display(w.path), hint)})
	}
	for _, p := range v.extra {
		v.add(report.Finding{Code: PayloadNotInManifest, Path: p,
			Message: fmt.Sprintf("%s is in the payload but no manifest lists it.%s%s", display(p), hints[p], junkHint(p))})
	}
	for _, p := range v.payload {
		if isJunk(p) && len(v.claims[p]) > 0 {
			v.add(report.Finding{Code: JunkFile, Severity: report.Warning, Path: p,
				Message: fmt.Sprintf("%s is listed in the manifest.%s", display(p), junkHint(p))})
		}
	}
}

// fillBag records what was read, for the layers that build on it.
func (v *validator) fillBag() {
	bad := map[string]bool{}
	for _, f := range v.rep.Findings {
		switch f.Code {
		case PayloadHashMismatch, TagHashMismatch, ReadFailed, ZipChecksum, ZipInvalid, ManifestConflictingEntries:
			bad[f.Path] = true
		}
	}
	for _, p := range v.payload {
		f := &File{Path: p, Size: v.files[p]}
		for _, w := range v.claims[p] {
			if f.Digests == nil {
				f.Digests = map[string]string{}
			}
			for a, s := range digestsOf(v.manifests, w.path) {
				f.Digests[a] = s
			}
			if w.path != p && f.ManifestPath == "" {
				f.ManifestPath = w.path
			}
		}
		f.Verified = len(f.Digests) > 0 && !bad[p]
		v.bag.Payload[p] = f
	}
	tagDigests := map[string]*want{}
	for i := range v.tagWants {
		if w := &v.tagWants[i]; w.disk != "" {
			tagDigests[w.disk] = w
		}
	}
	for _, p := range v.tags {
		f := &File{Path: p, Size: v.files[p]}
		if w := tagDigests[p]; w != nil {
			f.Digests = digestsOf(v.tagMans, w.path)
			if w.path != p {
				f.ManifestPath = w.path
			}
			f.Verified = len(f.Digests) > 0 && !bad[p]
		}
		v.bag.Tags = append(v.bag.Tags, f)
		if strings.HasPrefix(p, "custody/") {
			v.bag.Custody = true
		}
	}
}
