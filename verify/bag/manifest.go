package bag

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/custody-app/custody/archive/bagdigest"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/report"
)

// manifest is one parsed manifest-ALG.txt or tagmanifest-ALG.txt.
type manifest struct {
	name     string
	alg      string
	entries  map[string]string // path in the bag → lowercase hex
	raw      map[string]string // path → as written, when that differs
	conflict map[string]bool   // listed twice with different checksums
}

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
	for _, p := range v.tags {
		alg, tag, ok := manifestName(p)
		if !ok {
			continue
		}
		m := v.readManifest(p, alg, tag)
		_, known := bagdigest.Lookup(alg)
		switch {
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
	if len(v.manifests) == 0 && len(unsupported) == 0 {
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
	v.checkManifestsAgree()
}

// readManifest parses one manifest. Every malformed line is reported; an
// unsafe path is reported and its entry dropped, so that nothing outside
// the bag is ever opened.
func (v *validator) readManifest(name, alg string, tag bool) *manifest {
	m := &manifest{name: name, alg: alg, entries: map[string]string{}, raw: map[string]string{}, conflict: map[string]bool{}}
	algo, known := bagdigest.Lookup(alg)
	var issues []issue
	v.readTag(name, maxManifest, func(r io.Reader) error {
		return lines(r, func(n int, line string) {
			if n == 1 {
				var bom bool
				if line, bom = stripBOM(line); bom {
					issues = append(issues, warning(TagFileBOM, 1, "starts with a byte-order mark (BOM); it was ignored"))
				}
			}
			if strings.TrimSpace(line) == "" {
				return
			}
			sum, raw, ok := cutSpace(line)
			if !ok || raw == "" {
				issues = append(issues, problem(ManifestLineMalformed, n, "line %d %q is not \"CHECKSUM PATH\"", n, quote.Clip(line)))
				return
			}
			if !isHex(sum) || (known && len(sum) != algo.HexLen) {
				is := problem(ManifestLineMalformed, n, "line %d: %q is not a %s checksum (%d hex digits)", n, quote.Clip(sum), alg, algo.HexLen)
				if !known {
					is = problem(ManifestLineMalformed, n, "line %d: %q is not a checksum in hex", n, quote.Clip(sum))
				}
				is.found = quote.Clip(sum)
				issues = append(issues, is)
				return
			}
			p, ok := v.cleanPath(name, n, raw)
			if !ok {
				return
			}
			v.addEntry(m, tag, n, p, raw, strings.ToLower(sum))
		})
	})
	v.addIssues(name, issues)
	return m
}

// addEntry records one manifest line, checking its place and duplicates.
func (v *validator) addEntry(m *manifest, tag bool, n int, p, raw, sum string) {
	inData := strings.HasPrefix(p, "data/")
	switch {
	case tag && inData:
		v.add(report.Finding{Code: TagManifestListsPayload, Path: p,
			Message: fmt.Sprintf("%s line %d lists the payload file %s; tag manifests may list only tag files", m.name, n, display(p))})
		return
	case !tag && !inData:
		v.add(report.Finding{Code: ManifestPathOutsideData, Path: p,
			Message: fmt.Sprintf("%s line %d lists %s, which is outside data/; payload manifests may list only payload files", m.name, n, display(p))})
		return
	}
	old, dup := m.entries[p]
	switch {
	case !dup:
		m.entries[p] = sum
		if raw != p {
			m.raw[p] = raw
		}
	case old != sum:
		m.conflict[p] = true
		v.add(report.Finding{Code: ManifestConflictingEntries, Path: p, Expected: old, Found: sum,
			Message: fmt.Sprintf("%s lists %s twice with different checksums (line %d gives another than before); which one holds cannot be told", m.name, display(p), n)})
	default:
		sev, rule := report.Warning, "tolerated before BagIt 1.0"
		if v.atLeast1() {
			sev, rule = report.Problem, "BagIt 1.0 forbids this"
		}
		v.add(report.Finding{Code: ManifestDuplicateEntry, Severity: sev, Path: p, Expected: old, Found: sum,
			Message: fmt.Sprintf("%s lists %s twice with the same checksum (again on line %d); %s", m.name, display(p), n, rule)})
	}
}

// checkManifestsAgree reports payload files listed in some payload
// manifests but not in all: each manifest must list every payload file.
func (v *validator) checkManifestsAgree() {
	if len(v.manifests) < 2 {
		return
	}
	union := map[string]bool{}
	for _, m := range v.manifests {
		for p := range m.entries {
			union[p] = true
		}
	}
	paths := make([]string, 0, len(union))
	for p := range union {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		var lacking, having []string
		for _, m := range v.manifests {
			if _, ok := m.entries[p]; ok {
				having = append(having, m.name)
			} else {
				lacking = append(lacking, m.name)
			}
		}
		if len(lacking) > 0 {
			v.add(report.Finding{Code: ManifestsDisagree, Path: p, Expected: strings.Join(lacking, ", "),
				Message: fmt.Sprintf("%s is listed in %s but not in %s; every payload manifest must list every payload file", display(p), strings.Join(having, ", "), strings.Join(lacking, ", "))})
		}
	}
}

func isHex(s string) bool {
	if s == "" {
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
