package ocfl

import (
	"strings"
)

var versionKeys = map[string]bool{"created": true, "state": true, "message": true, "user": true}

func (r *invReader) readVersions(top *object) {
	v, ok := top.get("versions")
	if !ok {
		r.bad("E041", "the inventory has no versions block")
		return
	}
	o, ok := v.(*object)
	if !ok {
		r.bad("E044", "versions is %s, not a JSON object", typeName(v))
		return
	}
	inv := r.inv
	inv.Versions = make(map[string]*Version, len(o.keys))
	if len(o.keys) == 0 {
		r.bad("E008", "the versions block is empty: an object needs at least one version")
	}
	for _, name := range o.keys {
		if _, ok := parseVersion(name); !ok {
			r.bad("E046", "the versions block has the key %q, which is not a version name (v1, v2, …)", name)
			continue
		}
		vo, ok := o.vals[name].(*object)
		if !ok {
			r.bad("E047", "version %s is %s, not a JSON object", name, typeName(o.vals[name]))
			continue
		}
		inv.Versions[name] = r.readVersion(name, vo)
	}
	for name := range inv.Versions {
		inv.VersionNames = append(inv.VersionNames, name)
	}
	inv.VersionNames = sortVersions(inv.VersionNames)
	r.checkSequence()
}

func (r *invReader) readVersion(name string, o *object) *Version {
	ver := &Version{}
	for _, k := range o.keys {
		if !versionKeys[k] {
			r.bad("E102", "version %s has the key %q, which the specification does not define", name, k)
		}
	}
	if c, ok := o.get("created"); !ok {
		r.bad("E048", "version %s has no created date", name)
	} else if s, ok := c.(string); !ok {
		r.bad("E049", "version %s: created is %s, not a date string", name, typeName(c))
	} else {
		ver.Created, ver.hasCreated = s, true
		if !rfc3339.MatchString(s) {
			r.bad("E049", "version %s: created %q is not an RFC 3339 date and time with seconds and a time zone", name, s)
		}
	}
	if st, ok := o.get("state"); !ok {
		r.bad("E048", "version %s has no state", name)
	} else if _, ok := st.(*object); !ok {
		r.bad("E050", "version %s: state is %s, not a JSON object", name, typeName(st))
	} else {
		ver.State = r.digestMap(st, "the state of "+name, "E050")
		r.checkLogical(name, ver.State)
	}
	_, hasMsg := o.get("message")
	_, hasUser := o.get("user")
	if m, ok := o.get("message"); ok {
		if s, ok := m.(string); ok {
			ver.Message = &s
		} else {
			r.bad("E094", "version %s: message is %s, not a string", name, typeName(m))
		}
	}
	if u, ok := o.get("user"); ok {
		ver.User = r.readUser(name, u)
	}
	switch {
	case !hasMsg && !hasUser:
		r.bad("W007", "version %s has neither message nor user", name)
	case !hasMsg:
		r.bad("W007", "version %s has no message", name)
	case !hasUser:
		r.bad("W007", "version %s has no user", name)
	}
	return ver
}

func (r *invReader) readUser(name string, v any) *User {
	o, ok := v.(*object)
	if !ok {
		r.bad("E054", "version %s: user is %s, not an object with a name", name, typeName(v))
		return nil
	}
	u := &User{}
	for _, k := range o.keys {
		if k != "name" && k != "address" {
			r.bad("E102", "version %s: user has the key %q, which the specification does not define", name, k)
		}
	}
	if n, ok := o.get("name"); !ok {
		r.bad("E054", "version %s: user has no name", name)
	} else if s, ok := n.(string); !ok {
		r.bad("E054", "version %s: the user's name is %s, not a string", name, typeName(n))
	} else {
		u.Name = s
	}
	if a, ok := o.get("address"); !ok {
		r.bad("W008", "version %s: user has no address", name)
	} else if s, ok := a.(string); !ok {
		r.bad("E054", "version %s: the user's address is %s, not a string", name, typeName(a))
	} else {
		u.Address = &s
		if !isURI(s) {
			r.bad("W009", "version %s: the user's address %q is not a URI (mailto: or a URL)", name, s)
		}
	}
	return u
}

// checkLogical checks a state's logical paths.
func (r *invReader) checkLogical(name string, state map[string][]string) {
	var all []string
	for _, paths := range state {
		for _, p := range paths {
			switch pathProblem(p) {
			case "edge":
				r.bad("E053", "version %s has the logical path %q, which begins or ends with /", name, p)
			case "element":
				r.bad("E052", "version %s has the logical path %q, with an element that is ., .. or empty", name, p)
			}
			all = append(all, p)
		}
	}
	for _, c := range conflicts(all) {
		if c[0] == c[1] {
			r.bad("E095", "version %s gives the logical path %q more than once", name, c[0])
		} else {
			r.bad("E095", "in version %s, the logical path %q is also a folder of %q", name, c[0], c[1])
		}
	}
}

// checkSequence checks the version names: start at 1, no gaps, one
// padding.
func (r *invReader) checkSequence() {
	names := r.inv.VersionNames
	if len(names) == 0 {
		return
	}
	first, _ := parseVersion(names[0])
	if first.num != 1 {
		r.bad("E009", "the versions start at %s, not at version 1", names[0])
	}
	padded := false
	width := 0
	for _, n := range names {
		vn, _ := parseVersion(n)
		if vn.padded {
			padded, width = true, vn.digits
		}
	}
	for i, n := range names {
		vn, _ := parseVersion(n)
		if i > 0 {
			prev, _ := parseVersion(names[i-1])
			if vn.num != prev.num+1 {
				r.bad("E010", "the versions jump from %s to %s", names[i-1], n)
			}
		}
		if padded {
			switch {
			case vn.digits != width:
				r.bad("E012", "the version %s is not zero-padded like the others (%d digits)", n, width)
			case !vn.padded:
				r.bad("E011", "the version %s does not start with v0 like the other zero-padded versions", n)
			}
		}
	}
	if padded {
		r.bad("W001", "the version names are zero-padded (%s…); v1, v2, … is recommended", names[0])
	}
}

// crossCheck checks what relates the blocks: head, state digests in the
// manifest, manifest digests used, content paths inside versions.
func (r *invReader) crossCheck() {
	inv := r.inv
	if inv.Head != "" && inv.Versions != nil {
		last := ""
		if n := len(inv.VersionNames); n > 0 {
			last = inv.VersionNames[n-1]
		}
		switch {
		case inv.Versions[inv.Head] == nil:
			if _, ok := parseVersion(inv.Head); ok {
				r.bad("E040", "head is %s, which is not in the versions block", inv.Head)
			} else {
				r.bad("E040", "head %q is not a version name", inv.Head)
			}
		case inv.Head != last:
			r.bad("E040", "head is %s, but the most recent version is %s", inv.Head, last)
		}
		if padHead, ok := parseVersion(inv.Head); ok && last != "" {
			if pl, _ := parseVersion(last); pl.digits != padHead.digits && inv.Versions[inv.Head] == nil {
				r.bad("E013", "head %s does not follow the naming of the versions before it", inv.Head)
			}
		}
	}
	if inv.Manifest == nil {
		return
	}
	used := map[string]bool{}
	for _, name := range inv.VersionNames {
		for d := range inv.Versions[name].State {
			if _, ok := inv.Manifest[d]; !ok {
				r.bad("E050", "version %s's state has the digest %s, which is not a key of the manifest", name, clip(d))
			}
			used[d] = true
		}
	}
	if r.spec != "1.0" {
		for d := range inv.Manifest {
			if !used[d] {
				r.bad("E107", "the manifest has the digest %s, which no version's state uses", clip(d))
			}
		}
	}
	for p := range inv.byPath {
		v, rest, ok := strings.Cut(p, "/")
		vn, okV := parseVersion(v)
		cd, _, okC := strings.Cut(rest, "/")
		switch {
		case !ok || !okV || inv.Versions[v] == nil:
			r.bad("E042", "the content path %q is not in a version folder of the object", p)
		case !okC || cd != inv.ContentDirectory:
			r.bad("E042", "the content path %q is not in version %s's content directory %q", p, v, inv.ContentDirectory)
		default:
			if head, ok := parseVersion(inv.Head); ok && vn.num > head.num {
				r.bad("E042", "the content path %q is in a version after head %s", p, inv.Head)
			}
		}
	}
}
