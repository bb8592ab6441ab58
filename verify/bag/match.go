package bag

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"slices"
	"sort"
	"strings"

	"github.com/custody-app/custody/archive/pathsafe"
	"github.com/custody-app/custody/verify/report"
)

// find matches a listed path to a file on disk: exactly; else as written
// before percent-decoding (bags made by tools that did not encode "%");
// else through Unicode normalisation (a bag copied through macOS). The
// match kind is "", "literal" or "normalization".
func (v *validator) find(w *want, raw string, candidates []string, nfc map[string][]string) (string, string) {
	if inSet(candidates, w.path) {
		return w.path, ""
	}
	if raw != "" {
		lit := raw
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
	nfc := nfcIndex(v.payload)
	for i := range v.wants {
		w := &v.wants[i]
		raw := rawOf(v.manifests, w.path)
		disk, how := v.find(w, raw, v.payload, nfc)
		switch how {
		case "literal":
			v.add(report.Finding{Code: PathPercentLiteral, Severity: report.Warning, Path: disk, Found: raw,
				Message: fmt.Sprintf("the manifest writes %s, which decodes to %s, but the file is named %s; it was matched as written (the bag's maker did not percent-encode)", display(raw), display(w.path), display(disk))})
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
		if findWant(v.wants, p) == nil {
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
// normalisation and were not already matched to one file. The wants are
// grouped by a 64-bit hash of their folded form, so that no folded string
// is kept per listed path; paths whose hashes agree are compared in full.
func (v *validator) manifestCollisions() {
	type ref struct {
		h uint64
		i int
	}
	refs := make([]ref, len(v.wants))
	for i := range v.wants {
		h := fnv.New64a()
		h.Write([]byte(pathsafe.FoldKey(v.wants[i].path)))
		refs[i] = ref{h.Sum64(), i}
	}
	slices.SortFunc(refs, func(a, b ref) int { return cmp.Or(cmp.Compare(a.h, b.h), cmp.Compare(a.i, b.i)) })
	for start := 0; start < len(refs); {
		end := start + 1
		for end < len(refs) && refs[end].h == refs[start].h {
			end++
		}
		if end-start > 1 {
			groups := map[string][]*want{}
			var keys []string
			for _, r := range refs[start:end] {
				k := pathsafe.FoldKey(v.wants[r.i].path)
				if groups[k] == nil {
					keys = append(keys, k)
				}
				groups[k] = append(groups[k], &v.wants[r.i])
			}
			for _, k := range keys {
				v.collision(groups[k])
			}
		}
		start = end
	}
}

// collision reports listed paths that are one file on macOS and Windows.
func (v *validator) collision(g []*want) {
	if len(g) < 2 || (g[0].disk != "" && allSameDisk(g)) {
		return
	}
	var names []string
	for _, w := range g[1:] {
		names = append(names, display(w.path))
	}
	v.add(report.Finding{Code: PathCaseCollision, Severity: report.Warning, Path: g[0].path, Found: strings.Join(names, ", "),
		Message: fmt.Sprintf("the manifest lists %s and %s, which differ only in letter case or accents: one file on macOS and Windows, two on Linux", display(g[0].path), strings.Join(names, ", "))})
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
	for i := range v.tagWants {
		w := &v.tagWants[i]
		disk, how := v.find(w, rawOf(v.tagMans, w.path), v.tags, nfc)
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
