package ocfl

import (
	"bytes"
	"io/fs"
	"strings"
)

// versions checks every version folder and its inventory against the
// root inventory.
func (c *objCheck) versions(rootEntries []fs.DirEntry) {
	root := c.root
	prevSpec := ""
	for _, v := range root.VersionNames {
		if !hasDir(rootEntries, v) {
			c.bad(CheckVersions, "E010", v, "the inventory has version %s, but the object has no folder %s", v, v)
			continue
		}
		entries, err := fs.ReadDir(c.fsys, c.rel(v))
		if err != nil {
			c.ioErr(CheckVersions, v, err)
			continue
		}
		for _, e := range entries {
			n, p := e.Name(), v+"/"+e.Name()
			switch {
			case n == "inventory.json" || strings.HasPrefix(n, "inventory.json.") && !e.IsDir():
			case n == root.ContentDirectory && e.IsDir():
			case e.Type()&fs.ModeSymlink != 0 || !e.Type().IsRegular() && !e.IsDir():
				c.bad(CheckVersions, "E090", p, "%q is a link or special file", p)
			case e.IsDir():
				c.bad(CheckVersions, "W002", p, "version %s holds the folder %q besides its content directory; it is ignored", v, n)
			default:
				c.bad(CheckVersions, "E015", p, "version %s holds the file %q; a version folder may hold only its inventory and sidecar", v, n)
			}
		}
		if !hasEntry(entries, "inventory.json") {
			c.bad(CheckVersions, "W010", v, "version %s has no inventory of its own", v)
			continue
		}
		p := v + "/inventory.json"
		inv, raw := c.readInv(p, entries)
		if inv == nil {
			continue
		}
		if inv.spec != "" {
			if prevSpec != "" && inv.spec < prevSpec || c.obj.Spec != "" && inv.spec > c.obj.Spec {
				c.bad(CheckVersions, "E103", p, "version %s's inventory is of OCFL %s, earlier than a version before it or later than the object", v, inv.spec)
			}
			prevSpec = inv.spec
		}
		if v == root.Head {
			if !bytes.Equal(raw, c.rootRaw) {
				c.bad(CheckVersions, "E064", p, "the inventory of the latest version %s is not the same as the root inventory", v)
			}
			continue
		}
		c.compare(v, p, inv)
	}
}

func hasDir(entries []fs.DirEntry, name string) bool {
	for _, e := range entries {
		if e.Name() == name && e.IsDir() {
			return true
		}
	}
	return false
}

// compare checks an older version's inventory against the root's.
func (c *objCheck) compare(v, p string, inv *Inventory) {
	root := c.root
	if inv.Head != v {
		c.bad(CheckVersions, "E040", p, "the inventory in %s gives head %q; it must be %s", v, inv.Head, v)
	}
	if inv.ID != root.ID {
		c.bad(CheckVersions, "E037", p, "the inventory in %s gives the id %q, the root inventory %q", v, inv.ID, root.ID)
	}
	if inv.contentDirSet != root.contentDirSet || inv.ContentDirectory != root.ContentDirectory {
		c.bad(CheckVersions, "E019", p, "the inventory in %s gives contentDirectory %q, the root inventory %q", v, inv.ContentDirectory, root.ContentDirectory)
	}
	sameAlg := inv.DigestAlgorithm == root.DigestAlgorithm
	if sameAlg {
		for cp, d := range inv.byPath {
			if rd, ok := root.byPath[cp]; ok && rd != d {
				c.tampered = true
				c.bad(CheckVersions, "E092", p, "the inventory in %s gives %q a different digest than the root inventory does", v, cp)
			}
		}
	}
	for _, name := range inv.VersionNames {
		old, cur := inv.Versions[name], root.Versions[name]
		if cur == nil {
			c.bad(CheckVersions, "E066", p, "the inventory in %s has version %s, which the root inventory does not", v, name)
			continue
		}
		if !sameState(old, inv, cur, root, sameAlg) {
			c.bad(CheckVersions, "E066", p, "the inventory in %s gives version %s a different state than the root inventory", v, name)
		}
		if old.Created != cur.Created || !sameStr(old.Message, cur.Message) || !sameUser(old.User, cur.User) {
			c.bad(CheckVersions, "W011", p, "the inventory in %s gives version %s a different created, message or user than the root inventory", v, name)
		}
	}
}

// sameState compares two states: logical path to digest when both
// inventories use one algorithm, else logical path to content paths.
func sameState(a *Version, ai *Inventory, b *Version, bi *Inventory, sameAlg bool) bool {
	ma, mb := stateMap(a, ai, sameAlg), stateMap(b, bi, sameAlg)
	if len(ma) != len(mb) {
		return false
	}
	for k, v := range ma {
		if w, ok := mb[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func stateMap(v *Version, inv *Inventory, byDigest bool) map[string]string {
	m := map[string]string{}
	for d, paths := range v.State {
		val := strings.ToLower(d)
		if !byDigest {
			val = strings.Join(inv.Manifest[d], "\x00")
		}
		for _, p := range paths {
			m[p] = val
		}
	}
	return m
}

func sameStr(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func sameUser(a, b *User) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Name == b.Name && sameStr(a.Address, b.Address)
}
