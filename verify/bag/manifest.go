package bag

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/custody-app/custody/archive/bagdigest"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/report"
)

// manifestName splits "manifest-sha256.txt" or "tagmanifest-md5.txt".
func manifestName(p string) (alg string, tag, ok bool) {
	if strings.Contains(p, "/") || !strings.HasSuffix(p, ".txt") {
		return "", false, false
	}
	base := strings.TrimSuffix(p, ".txt")
	if a, found := strings.CutPrefix(base, "tagmanifest-"); found && a != "" {
		return a, true, true
	}
	if a, found := strings.CutPrefix(base, "manifest-"); found && a != "" {
		return a, false, true
	}
	return "", false, false
}

// readManifests parses every payload and tag manifest in the top folder.
func (v *validator) readManifests() {
	var unsupported []string
	refused := false
	for _, p := range v.tags {
		alg, tag, ok := manifestName(p)
		if !ok {
			continue
		}
		m := v.readManifest(p, alg, tag)
		_, known := bagdigest.Lookup(alg)
		switch {
		case m == nil:
			refused = true // over a limit: reported, not read
		case !known && tag:
			v.add(report.Finding{Code: ManifestAlgorithmUnsupported, Severity: report.Warning, Path: p, Found: alg,
				Message: fmt.Sprintf("%s uses the algorithm %q, which this verifier cannot compute; its entries were not checked", p, alg)})
		case !known:
			unsupported = append(unsupported, p)
		case tag:
			v.tagMans = append(v.tagMans, m)
		default:
			v.manifests = append(v.manifests, m)
		}
	}
	for _, p := range unsupported {
		alg, _, _ := manifestName(p)
		sev, tail := report.Warning, "; the other manifests were checked"
		if len(v.manifests) == 0 {
			sev, tail = report.Problem, "; no other payload manifest can be checked, so the payload cannot be verified"
		}
		v.add(report.Finding{Code: ManifestAlgorithmUnsupported, Severity: sev, Path: p, Found: alg,
			Message: fmt.Sprintf("%s uses the algorithm %q, which this verifier cannot compute (it knows %s)%s", p, alg, strings.Join(bagdigest.Names(), ", "), tail)})
	}
	if len(v.manifests) == 0 && len(unsupported) == 0 && !refused {
		v.add(report.Finding{Code: ManifestMissing, Path: "manifest-sha256.txt",
			Message: "the bag has no payload manifest (manifest-ALGORITHM.txt), so nothing in it can be verified"})
	}
	weak := len(v.manifests) > 0
	var names []string
	for _, m := range v.manifests {
		a, _ := bagdigest.Lookup(m.alg)
		weak = weak && a.Weak
		names = append(names, m.alg)
		v.bag.Algorithms = append(v.bag.Algorithms, m.alg)
	}
	if weak {
		v.add(report.Finding{Code: ManifestWeakAlgorithm, Severity: report.Warning, Found: strings.Join(names, ", "),
			Message: fmt.Sprintf("the payload is protected only by %s, which a deliberate forger can defeat; ask the sender for a sha256 or sha512 manifest", strings.Join(names, " and "))})
	}
	var tagNames []string
	for _, m := range v.tagMans {
		tagNames = append(tagNames, m.name)
	}
	v.details[CheckManifests] = fmt.Sprintf("payload: %s; tag manifests: %s", orNone(strings.Join(names, ", ")), orNone(strings.Join(tagNames, ", ")))
	v.wants = collect(v.manifests)
	v.checkManifestsAgree()
}

// readManifest parses one manifest into compact records. Every malformed
// line is reported; an unsafe path is reported and its entry dropped, so
// that nothing outside the bag is ever opened. The lines are counted
// first: a manifest over its line cap is reported (LIMIT_EXCEEDED) and not
// parsed, and nil is returned.
func (v *validator) readManifest(name, alg string, tag bool) *manifest {
	var count int
	if !v.readTag(name, maxManifest, func(r io.Reader) (err error) {
		count, err = countLines(r)
		return err
	}) {
		return nil
	}
	limit := v.maxFiles()
	if budget := manifestsPerFileCap*v.maxFiles() - v.manifestLines; budget < limit {
		limit = budget
	}
	if count > limit {
		v.add(report.Finding{Code: LimitExceeded, Path: name, Expected: fmt.Sprintf("at most %d lines", limit), Found: fmt.Sprintf("%d lines", count),
			Message: fmt.Sprintf("%s has %d lines; the limit is %d (as many as a bag may hold files, and %d for all manifests together), so it was not read", name, count, limit, manifestsPerFileCap*v.maxFiles())})
		return nil
	}
	v.manifestLines += count
	algo, known := bagdigest.Lookup(alg)
	m := &manifest{name: name, alg: alg, known: known, size: unknownSumSize, raw: map[string]string{}}
	if known {
		m.size = algo.HexLen / 2
	}
	m.recs = make([]record, 0, count)
	m.sums = make([]byte, 0, count*m.size)
	addIssue := func(is issue) { v.addIssues(name, []issue{is}) }
	v.readTag(name, maxManifest, func(r io.Reader) error {
		return lineBytes(r, func(n int, line []byte) bool {
			if n == 1 {
				if rest, bom := bytes.CutPrefix(line, []byte("\ufeff")); bom {
					addIssue(warning(TagFileBOM, 1, "starts with a byte-order mark (BOM); it was ignored"))
					line = rest
				}
			}
			if len(bytes.TrimSpace(line)) == 0 {
				return true
			}
			if len(m.recs) == count {
				return false // the file grew since it was counted
			}
			sum, rawBytes, ok := cutSpaceBytes(line)
			if !ok || len(rawBytes) == 0 {
				addIssue(problem(ManifestLineMalformed, n, "line %d %q is not \"CHECKSUM PATH\"", n, quote.Clip(string(line))))
				return true
			}
			if !isHex(sum) || (known && len(sum) != algo.HexLen) {
				s := quote.Clip(string(sum))
				is := problem(ManifestLineMalformed, n, "line %d: %q is not a %s checksum (%d hex digits)", n, s, alg, algo.HexLen)
				if !known {
					is = problem(ManifestLineMalformed, n, "line %d: %q is not a checksum in hex", n, s)
				}
				is.found = s
				addIssue(is)
				return true
			}
			raw := string(rawBytes)
			p, ok := v.cleanPath(name, n, raw)
			if !ok || !v.placeOK(m.name, tag, n, p) {
				return true
			}
			if raw != p {
				m.raw[p] = raw
			}
			m.recs = append(m.recs, record{path: p, line: uint32(n), sum: m.putSum(sum)})
			return true
		})
	})
	for _, d := range m.sortRecords() {
		v.duplicate(m, d)
	}
	return m
}

// placeOK checks that a payload manifest lists only payload files and a
// tag manifest only tag files.
func (v *validator) placeOK(name string, tag bool, n int, p string) bool {
	inData := strings.HasPrefix(p, "data/")
	switch {
	case tag && inData:
		v.add(report.Finding{Code: TagManifestListsPayload, Path: p,
			Message: fmt.Sprintf("%s line %d lists the payload file %s; tag manifests may list only tag files", name, n, display(p))})
		return false
	case !tag && !inData:
		v.add(report.Finding{Code: ManifestPathOutsideData, Path: p,
			Message: fmt.Sprintf("%s line %d lists %s, which is outside data/; payload manifests may list only payload files", name, n, display(p))})
		return false
	}
	return true
}

// duplicate reports a path a manifest lists twice.
func (v *validator) duplicate(m *manifest, d dupe) {
	p, n := d.later.path, d.later.line
	if d.differs {
		v.add(report.Finding{Code: ManifestConflictingEntries, Path: p, Expected: m.digest(d.first), Found: m.digest(d.later),
			Message: fmt.Sprintf("%s lists %s twice with different checksums (line %d gives another than before); which one holds cannot be told", m.name, display(p), n)})
		return
	}
	sev, rule := report.Warning, "tolerated before BagIt 1.0"
	if v.atLeast1() {
		sev, rule = report.Problem, "BagIt 1.0 forbids this"
	}
	v.add(report.Finding{Code: ManifestDuplicateEntry, Severity: sev, Path: p, Expected: m.digest(d.first), Found: m.digest(d.later),
		Message: fmt.Sprintf("%s lists %s twice with the same checksum (again on line %d); %s", m.name, display(p), n, rule)})
}

// checkManifestsAgree reports payload files listed in some payload
// manifests but not in all: each manifest must list every payload file.
func (v *validator) checkManifestsAgree() {
	if len(v.manifests) < 2 {
		return
	}
	for _, w := range v.wants {
		var lacking, having []string
		for _, m := range v.manifests {
			if _, ok := m.find(w.path); ok {
				having = append(having, m.name)
			} else {
				lacking = append(lacking, m.name)
			}
		}
		if len(lacking) > 0 {
			v.add(report.Finding{Code: ManifestsDisagree, Path: w.path, Expected: strings.Join(lacking, ", "),
				Message: fmt.Sprintf("%s is listed in %s but not in %s; every payload manifest must list every payload file", display(w.path), strings.Join(having, ", "), strings.Join(lacking, ", "))})
		}
	}
}

func isHex(s []byte) bool {
	if len(s) == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c|0x20 < 'a' || c|0x20 > 'f') {
			return false
		}
	}
	return true
}
