package ocfl

import (
	"errors"
	"sort"
	"strings"

	"github.com/custody-app/custody/verify/report"
)

// Inventory is an inventory.json as far as it could be read. Digests are
// kept as written; lookups that must ignore case use the lower-cased
// forms in byPath.
type Inventory struct {
	ID, Type, DigestAlgorithm, Head string
	ContentDirectory                string // "content" when not given
	contentDirSet                   bool
	Manifest                        map[string][]string // digest -> content paths
	Versions                        map[string]*Version
	Fixity                          map[string]map[string][]string // algorithm -> digest -> content paths
	// VersionNames are the versions' keys in number order.
	VersionNames []string
	// byPath maps each content path to its manifest digest, lower-cased.
	byPath map[string]string
	// spec is the specification version the type names ("1.0", "1.1"), "" if none.
	spec string
}

// Version is one entry of an inventory's versions block.
type Version struct {
	Created    string
	State      map[string][]string // digest -> logical paths
	Message    *string
	User       *User
	hasCreated bool
}

// User is a version's user block.
type User struct {
	Name    string
	Address *string
}

// invReader reads one inventory, adding a finding for every rule broken.
type invReader struct {
	spec  string // the object's declared specification version
	where string // the inventory's path in the object, for findings
	add   func(report.Finding)
	inv   *Inventory
}

func (r *invReader) bad(code, format string, args ...any) {
	r.add(finding(r.spec, code, r.where, format, args...))
}

var topKeys = map[string]bool{"id": true, "type": true, "digestAlgorithm": true, "head": true,
	"contentDirectory": true, "manifest": true, "versions": true, "fixity": true}

// readInventory reads and checks the inventory in b. It returns nil when
// b is not a JSON object at all.
func readInventory(b []byte, spec, where string, maxValues int, add func(report.Finding)) *Inventory {
	r := &invReader{spec: spec, where: where, add: add}
	v, err := parseJSON(b, maxValues)
	if err != nil {
		if errors.Is(err, errTooMany) {
			add(finding(spec, TooLarge, where, "the inventory holds more than %d JSON values, beyond this validator's limit", maxValues))
			return nil
		}
		r.bad("E033", "the inventory is not valid JSON: %v", err)
		return nil
	}
	top, ok := v.(*object)
	if !ok {
		r.bad("E033", "the inventory is %s, not a JSON object", typeName(v))
		return nil
	}
	r.inv = &Inventory{ContentDirectory: "content"}
	for _, k := range top.keys {
		if !topKeys[k] {
			r.bad("E102", "the inventory has the key %q, which the specification does not define", k)
		}
	}
	r.readHeader(top)
	r.readManifest(top)
	r.readVersions(top)
	r.readFixity(top)
	r.crossCheck()
	return r.inv
}

// str reads a required (or optional) string key; ok is false when it is
// missing or not a string (a finding is added either way as the caller says).
func (r *invReader) str(o *object, key, missingCode, typeCode string) (string, bool) {
	v, present := o.get(key)
	if !present {
		if missingCode != "" {
			r.bad(missingCode, "the inventory has no %q", key)
		}
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		r.bad(typeCode, "%q is %s, not a string", key, typeName(v))
		return "", false
	}
	return s, true
}

func (r *invReader) readHeader(top *object) {
	inv := r.inv
	if id, ok := r.str(top, "id", "E036", "E036"); ok {
		inv.ID = id
		if !isURI(id) {
			r.bad("W005", "the id %q is not a URI", id)
		}
	}
	if t, ok := r.str(top, "type", "E036", "E038"); ok {
		inv.Type = t
		switch t {
		case "https://ocfl.io/1.0/spec/#inventory":
			inv.spec = "1.0"
		case "https://ocfl.io/1.1/spec/#inventory":
			inv.spec = "1.1"
		default:
			r.bad("E038", "type is %q, not the inventory section of an OCFL specification", t)
		}
	}
	if a, ok := r.str(top, "digestAlgorithm", "E036", "E025"); ok {
		inv.DigestAlgorithm = a
		switch {
		case a == "sha256":
			r.bad("W004", "the inventory uses sha256; sha512 is recommended")
		case !manifestAlg(a):
			r.bad("E025", "digestAlgorithm is %q; it must be sha512 or sha256", a)
		}
	}
	if h, ok := r.str(top, "head", "E036", "E040"); ok {
		inv.Head = h
	}
	if cd, ok := r.str(top, "contentDirectory", "", "E017"); ok {
		inv.ContentDirectory, inv.contentDirSet = cd, true
		switch {
		case strings.Contains(cd, "/"):
			r.bad("E017", "contentDirectory %q contains /", cd)
		case cd == "." || cd == ".." || cd == "":
			r.bad("E018", "contentDirectory is %q", cd)
		}
	}
}

// digestMap reads a JSON object of digest -> array of paths; bad is the
// code for a value of the wrong shape.
func (r *invReader) digestMap(v any, what, shapeCode string) map[string][]string {
	o, ok := v.(*object)
	if !ok {
		return nil
	}
	out := make(map[string][]string, len(o.keys))
	for _, d := range o.keys {
		arr, ok := o.vals[d].([]any)
		if !ok {
			r.bad(shapeCode, "in %s, the value of %s is %s, not an array of paths", what, clip(d), typeName(o.vals[d]))
			continue
		}
		paths := make([]string, 0, len(arr))
		for _, e := range arr {
			s, ok := e.(string)
			if !ok {
				r.bad(shapeCode, "in %s, a path of %s is %s, not a string", what, clip(d), typeName(e))
				continue
			}
			paths = append(paths, s)
		}
		out[d] = paths
	}
	return out
}

func clip(d string) string {
	if len(d) > 20 {
		return d[:16] + "…"
	}
	return d
}

func (r *invReader) readManifest(top *object) {
	inv := r.inv
	v, ok := top.get("manifest")
	if !ok {
		r.bad("E041", "the inventory has no manifest")
		return
	}
	if _, ok := v.(*object); !ok {
		code := "E106"
		if r.spec == "1.0" {
			code = "E041"
		}
		r.bad(code, "the manifest is %s, not a JSON object", typeName(v))
		return
	}
	inv.Manifest = r.digestMap(v, "the manifest", "E092")
	inv.byPath = map[string]string{}
	seen := map[string]string{}
	var all []string
	alg := digestAlgs[inv.DigestAlgorithm]
	for d, paths := range inv.Manifest {
		ld := strings.ToLower(d)
		if other, dup := seen[ld]; dup {
			r.bad("E096", "the manifest gives the digest %s twice (as %s and %s)", clip(ld), clip(other), clip(d))
		}
		seen[ld] = d
		if alg.hexLen > 0 && manifestAlg(inv.DigestAlgorithm) && !isHex(d, alg.hexLen) {
			r.bad("E039", "the manifest key %q is not a %s digest", clip(d), inv.DigestAlgorithm)
		}
		for _, p := range paths {
			r.contentPath(p, "the manifest")
			inv.byPath[p] = ld
			all = append(all, p)
		}
	}
	for _, c := range conflicts(all) {
		if c[0] == c[1] {
			r.bad("E101", "the manifest lists the content path %q more than once", c[0])
		} else {
			r.bad("E101", "the content path %q is a folder of the content path %q", c[0], c[1])
		}
	}
}

// contentPath checks one content path's form.
func (r *invReader) contentPath(p, where string) {
	switch pathProblem(p) {
	case "edge":
		r.bad("E100", "%s has the content path %q, which begins or ends with /", where, p)
	case "element":
		r.bad("E099", "%s has the content path %q, with an element that is ., .. or empty", where, p)
	}
}

func (r *invReader) readFixity(top *object) {
	v, ok := top.get("fixity")
	if !ok {
		return
	}
	o, ok := v.(*object)
	if !ok {
		r.bad("E111", "fixity is %s, not a JSON object", typeName(v))
		return
	}
	r.inv.Fixity = map[string]map[string][]string{}
	for _, alg := range o.keys {
		if _, known := digestAlgs[alg]; !known {
			r.bad("E056", "the fixity block names the algorithm %q, which is neither in the specification nor in a registered extension", alg)
			continue
		}
		if _, isObj := o.vals[alg].(*object); !isObj {
			r.bad("E057", "fixity %q is %s, not a JSON object", alg, typeName(o.vals[alg]))
			continue
		}
		m := r.digestMap(o.vals[alg], "fixity "+alg, "E057")
		seen := map[string]bool{}
		for d, paths := range m {
			if seen[strings.ToLower(d)] {
				r.bad("E097", "fixity %q gives the digest %s twice", alg, clip(d))
			}
			seen[strings.ToLower(d)] = true
			for _, p := range paths {
				r.contentPath(p, "fixity "+alg)
				if r.inv.byPath != nil {
					if _, ok := r.inv.byPath[p]; !ok {
						r.bad("E057", "fixity %q lists %q, which the manifest does not", alg, p)
					}
				}
			}
		}
		r.inv.Fixity[alg] = m
	}
}

// sortVersions returns the version keys in number order (invalid names last).
func sortVersions(names []string) []string {
	out := append([]string(nil), names...)
	sort.SliceStable(out, func(i, j int) bool {
		a, okA := parseVersion(out[i])
		b, okB := parseVersion(out[j])
		if okA != okB {
			return okA
		}
		return a.num < b.num
	})
	return out
}
