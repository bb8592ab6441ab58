package bag

import (
	"fmt"
	"sort"
	"strings"

	"github.com/custody-app/custody/archive/pathsafe"
	"github.com/custody-app/custody/verify/report"
)

// want is one path the manifests list, with what they say about it.
type want struct {
	path    string            // in the bag, decoded
	raw     string            // as written, when that differs
	digests map[string]string // algorithm → checksum (conflicting ones left out)
	disk    string            // the file it was matched to, or ""
}

// collect merges manifests into one want per listed path.
func collect(ms []*manifest) map[string]*want {
	out := map[string]*want{}
	for _, m := range ms {
		for p, sum := range m.entries {
			w := out[p]
			if w == nil {
				w = &want{path: p, digests: map[string]string{}}
				out[p] = w
			}
			if !m.conflict[p] {
				w.digests[m.alg] = sum
			}
			if r, ok := m.raw[p]; ok && w.raw == "" {
				w.raw = r
			}
		}
	}
	return out
}

func sortedWants(ws map[string]*want) []*want {
	out := make([]*want, 0, len(ws))
	for _, w := range ws {
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// find matches a listed path to a file on disk: exactly; else as written
// before percent-decoding (bags made by tools that did not encode "%");
// else through Unicode normalisation (a bag copied through macOS). The
// match kind is "", "literal" or "normalization".
func (v *validator) find(w *want, candidates []string, nfc map[string][]string) (string, string) {
	if inSet(candidates, w.path) {
		return w.path, ""
	}
	if w.raw != "" {
		lit := w.raw
		for strings.HasPrefix(lit, "./") {
			lit = lit[2:]
		}
		if lit != w.path && inSet(candidates, lit) {
			return lit, "literal"
		}
	}
	if c := nfc[pathsafe.NFC(w.path)]; len(c) == 1 && c[0] != w.path {
		return c[0], "normalization"
	}
	return "", ""
}

func inSet(sorted []string, p string) bool {
	i := sort.SearchStrings(sorted, p)
	return i < len(sorted) && sorted[i] == p
}

func nfcIndex(paths []string) map[string][]string {
	out := map[string][]string{}
	for _, p := range paths {
		k := pathsafe.NFC(p)
		out[k] = append(out[k], p)
	}
	return out
}

// matchPayload pairs manifest entries with payload files, before anything
// is hashed, and reports what is absent, extra or ambiguous.
func (v *validator) matchPayload() {
	v.wants = collect(v.manifests)
	nfc := nfcIndex(v.payload)
	for _, w := range sortedWants(v.wants) {
		disk, how := v.find(w, v.payload, nfc)
		switch how {
		case "literal":
			v.add(report.Finding{Code: PathPercentLiteral, Severity: report.Warning, Path: disk, Found: w.raw,
				Message: fmt.Sprintf("the manifest writes %s, which decodes to %s, but the file is named %s; it was matched as written (the bag's maker did not percent-encode)", display(w.raw), display(w.path), display(disk))})
		case "normalization":
			v.add(report.Finding{Code: PathNormalization, Severity: report.Warning, Path: disk, Expected: w.path, Found: disk,
				Message: fmt.Sprintf("the manifest lists %s and the file on disk is %s: the same name in another Unicode form (NFC/NFD, as macOS writes it); they were matched", display(w.path), display(disk))})
		}
		if disk == "" {
			if v.fetch[w.path] {
				v.add(report.Finding{Code: FetchIncomplete, Path: w.path,
					Message: fmt.Sprintf("%s is listed in fetch.txt but is not in the bag: the bag is incomplete. Custody never downloads files; fetch them with another tool, then verify again", display(w.path))})
			} else {
				v.missing = append(v.missing, w)
			}
			continue
		}
		w.disk = disk
		v.claims[disk] = append(v.claims[disk], w)
	}
	for _, p := range v.payload {
		if len(v.claims[p]) == 0 {
			v.extra = append(v.extra, p)
		}
		if ws := v.claims[p]; len(ws) > 1 {
			var names []string
			for _, w := range ws {
				names = append(names, display(w.path))
			}
			v.add(report.Finding{Code: PathCaseCollision, Severity: report.Warning, Path: p,
				Message: fmt.Sprintf("the manifests list %s, which all name the one file %s", strings.Join(names, " and "), display(p))})
		}
	}
	v.manifestCollisions()
	for p := range v.fetch {
		if v.wants[p] == nil {
			v.add(report.Finding{Code: FetchNotInManifest, Path: p,
				Message: fmt.Sprintf("fetch.txt lists %s, which no payload manifest lists; every fetched file must be in the manifests", display(p))})
		}
	}
	if len(v.wants) == 0 && len(v.payload) == 0 && len(v.manifests) > 0 {
		v.add(report.Finding{Code: PayloadEmpty, Severity: report.Warning, Path: "data",
			Message: "the bag's payload is empty: it holds no files"})
	}
	present := len(v.wants) - len(v.missing)
	v.details[CheckCompleteness] = fmt.Sprintf("%d of %d listed files present, %d not listed", present, len(v.wants), len(v.extra))
}

// manifestCollisions warns about listed paths that differ only in case or
// normalisation and were not already matched to one file.
func (v *validator) manifestCollisions() {
	groups := map[string][]*want{}
	for _, w := range sortedWants(v.wants) {
		k := pathsafe.FoldKey(w.path)
		groups[k] = append(groups[k], w)
	}
	for _, g := range groups {
		if len(g) < 2 || (g[0].disk != "" && allSameDisk(g)) {
			continue
		}
		var names []string
		for _, w := range g[1:] {
			names = append(names, display(w.path))
		}
		v.add(report.Finding{Code: PathCaseCollision, Severity: report.Warning, Path: g[0].path, Found: strings.Join(names, ", "),
			Message: fmt.Sprintf("the manifest lists %s and %s, which differ only in letter case or accents: one file on macOS and Windows, two on Linux", display(g[0].path), strings.Join(names, ", "))})
	}
}

func allSameDisk(g []*want) bool {
	for _, w := range g {
		if w.disk != g[0].disk {
			return false
		}
	}
	return true
}

// checkOxum compares Payload-Oxum with the payload on disk before any file
// is hashed, so a wrong count shows at once.
func (v *validator) checkOxum() {
	if v.oxum == nil {
		return
	}
	var n, size int64
	for _, p := range v.payload {
		n++
		size += v.files[p]
	}
	if len(v.fetch) > 0 && n < v.oxum.files {
		for p := range v.fetch {
			if _, ok := v.files[p]; !ok {
				v.details[CheckCompleteness] += "; Payload-Oxum not compared: files listed in fetch.txt are absent"
				return
			}
		}
	}
	if n != v.oxum.files || size != v.oxum.bytes {
		v.add(report.Finding{Code: OxumMismatch, Path: v.bag.InfoFile,
			Expected: fmt.Sprintf("%d.%d", v.oxum.bytes, v.oxum.files), Found: fmt.Sprintf("%d.%d", size, n),
			Message: fmt.Sprintf("Payload-Oxum says %s in %s; the payload has %s in %s",
				plural(int(v.oxum.files), "file"), bytesText(v.oxum.bytes), plural(int(n), "file"), bytesText(size))})
	}
}

func bytesText(n int64) string {
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

// matchTags pairs tag manifest entries with tag files.
func (v *validator) matchTags() {
	v.tagWants = collect(v.tagMans)
	nfc := nfcIndex(v.tags)
	covered := map[string]bool{}
	for _, w := range sortedWants(v.tagWants) {
		disk, how := v.find(w, v.tags, nfc)
		if how == "normalization" {
			v.add(report.Finding{Code: PathNormalization, Severity: report.Warning, Path: disk, Expected: w.path, Found: disk,
				Message: fmt.Sprintf("the tag manifest lists %s and the file is %s: the same name in another Unicode form; they were matched", display(w.path), display(disk))})
		}
		if disk == "" {
			v.add(report.Finding{Code: TagFileMissing, Path: w.path,
				Message: fmt.Sprintf("the tag manifest lists %s, but the bag has no such file", display(w.path))})
			continue
		}
		w.disk = disk
		covered[disk] = true
	}
	if len(v.tagMans) == 0 {
		v.details[CheckTags] = "no tag manifest (it is optional)"
		return
	}
	for _, t := range v.tags {
		if _, tag, ok := manifestName(t); (ok && tag) || covered[t] {
			continue
		}
		v.add(report.Finding{Code: TagNotInTagManifest, Severity: report.Warning, Path: t,
			Message: fmt.Sprintf("the tag file %s is not listed in any tag manifest, so a change to it would go unnoticed", display(t))})
	}
}
