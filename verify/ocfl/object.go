package ocfl

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/verify/report"
)

// Object is what a validated object holds, as far as it could be read;
// trust it only together with the report.
type Object struct {
	// Path is the object's folder within the fs.FS ("." for its root).
	Path string `json:"path"`
	// Spec is the OCFL version the object declares ("1.0", "1.1").
	Spec            string `json:"spec"`
	ID              string `json:"id"`
	Head            string `json:"head"`
	DigestAlgorithm string `json:"digest_algorithm"`
	// Files are the head version's files.
	Files []File `json:"files"`
	// Extensions names the folders under extensions/.
	Extensions []string `json:"extensions,omitempty"`
	// Inventory is the root inventory (nil when it could not be read).
	Inventory *Inventory `json:"-"`
}

// File is one file of the object's head version.
type File struct {
	Logical string `json:"logical"` // its logical path
	Content string `json:"content"` // where its bytes are, from the object root
	Digest  string `json:"digest"`  // the manifest digest, lower-case
	// SHA256 is its SHA-256, lower-case, when the manifest or a fixity
	// block gives one and it matched.
	SHA256   string `json:"sha256,omitempty"`
	Size     int64  `json:"size"`
	Verified bool   `json:"verified"` // every digest given for it matched its bytes
}

// objCheck validates one object.
type objCheck struct {
	ctx      context.Context
	fsys     fs.FS
	dir      string // the object's folder in fsys
	opt      Options
	rep      *report.Report
	spec     string
	obj      *Object
	root     *Inventory
	rootRaw  []byte
	counter  *progress.Counter
	tampered bool
	failed   map[string]int // findings per check name
	inRoot   bool           // one of a storage root's objects: totals are the root's
	cap      *findingCap
}

// ValidateObject validates the OCFL object whose root is the root of fsys.
func ValidateObject(ctx context.Context, fsys fs.FS, opt Options) (*Object, *report.Report) {
	opt.defaults()
	rep := &report.Report{Subject: opt.Subject}
	c := newObjCheck(ctx, fsys, ".", opt, rep, nil)
	stop := c.counter.Report(ctx, opt.Progress)
	c.run()
	stop()
	c.cap.summarize(rep, c.spec)
	c.finish()
	return c.obj, rep
}

func newObjCheck(ctx context.Context, fsys fs.FS, dir string, opt Options, rep *report.Report, counter *progress.Counter) *objCheck {
	if counter == nil {
		counter = progress.NewCounter()
	}
	return &objCheck{ctx: ctx, fsys: fsys, dir: dir, opt: opt, rep: rep, spec: "1.1",
		obj: &Object{Path: dir}, counter: counter, failed: map[string]int{}, cap: newFindingCap()}
}

// rel makes a path inside the object a path in fsys.
func (c *objCheck) rel(p string) string {
	if c.dir == "." {
		return p
	}
	return path.Join(c.dir, p)
}

// add records a finding about the object file p (in the object).
func (c *objCheck) add(check string, f report.Finding) {
	if c.dir != "." {
		if f.Path == "" {
			f.Path = c.dir
		} else {
			f.Path = path.Join(c.dir, f.Path)
		}
	}
	if f.Severity != report.Warning {
		c.failed[check]++
	}
	if c.cap.keep(f.Code) {
		c.rep.Add(f)
	}
}

func (c *objCheck) bad(check, code, p, format string, args ...any) {
	c.add(check, finding(c.spec, code, p, format, args...))
}

func (c *objCheck) ioErr(check, p string, err error) {
	c.add(check, finding(c.spec, ReadError, p, "could not read %s: %v", p, cause(err)))
}

func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func (c *objCheck) run() {
	entries, err := fs.ReadDir(c.fsys, c.dir)
	if err != nil {
		c.ioErr(CheckDeclaration, ".", err)
		return
	}
	c.declaration(entries)
	c.rootInventory(entries)
	c.rootEntries(entries)
	if c.root == nil {
		return
	}
	c.versions(entries)
	c.content()
}

var declName = regexp.MustCompile(`^0=ocfl_object_(\d+\.\d+)$`)

// declaration checks the 0=ocfl_object_1.x file and sets the spec.
func (c *objCheck) declaration(entries []fs.DirEntry) {
	var decls []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "0=") {
			decls = append(decls, e.Name())
		}
	}
	switch len(decls) {
	case 0:
		c.bad(CheckDeclaration, "E003", "", "the object has no declaration file (0=ocfl_object_1.1)")
		return
	case 1:
	default:
		c.bad(CheckDeclaration, "E003", "", "the object has %d declaration files (%s); it must have one", len(decls), strings.Join(decls, ", "))
	}
	name := decls[0]
	m := declName.FindStringSubmatch(name)
	if m == nil || (m[1] != "1.0" && m[1] != "1.1") {
		c.bad(CheckDeclaration, "E004", name, "the declaration file is named %q, not 0=ocfl_object_1.0 or 0=ocfl_object_1.1", name)
		return
	}
	c.spec, c.obj.Spec = m[1], m[1]
	b, err := c.readSmall(name, 64)
	if err != nil {
		c.ioErr(CheckDeclaration, name, err)
		return
	}
	if want := "ocfl_object_" + m[1] + "\n"; string(b) != want {
		c.bad(CheckDeclaration, "E007", name, "the declaration holds %q, not %q", clipText(b), want)
	}
}

func clipText(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}

// readSmall reads a file of at most max bytes; a larger one is an error.
func (c *objCheck) readSmall(p string, max int64) ([]byte, error) {
	f, err := c.fsys.Open(c.rel(p))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, &limitError{p, max}
	}
	return b, nil
}

type limitError struct {
	path string
	max  int64
}

func (e *limitError) Error() string {
	return fmt.Sprintf("%s is larger than %d bytes, this validator's limit", e.path, e.max)
}

// readInv reads and checks the inventory at p (in the object) and its
// sidecar; it returns the inventory (nil if unreadable) and its bytes.
func (c *objCheck) readInv(p string, siblings []fs.DirEntry) (*Inventory, []byte) {
	b, err := c.readSmall(p, c.opt.MaxInventoryBytes)
	var le *limitError
	if errors.As(err, &le) {
		c.bad(CheckInventory, TooLarge, p, "%v", err)
		return nil, nil
	}
	if err != nil {
		c.ioErr(CheckInventory, p, err)
		return nil, nil
	}
	inv := readInventory(b, c.spec, p, c.opt.MaxValues, func(f report.Finding) {
		f.Path = p
		c.add(CheckInventory, f)
	})
	c.sidecar(p, b, inv, siblings)
	return inv, b
}

var sidecarLine = regexp.MustCompile(`^([0-9A-Fa-f]+)[ \t]+inventory\.json\r?\n?$`)

// sidecar checks inventory.json.ALG beside the inventory at p.
func (c *objCheck) sidecar(p string, raw []byte, inv *Inventory, siblings []fs.DirEntry) {
	alg := ""
	if inv != nil && manifestAlg(inv.DigestAlgorithm) {
		alg = inv.DigestAlgorithm
	}
	var found []string
	for _, e := range siblings {
		if strings.HasPrefix(e.Name(), "inventory.json.") {
			found = append(found, e.Name())
		}
	}
	want := "inventory.json." + alg
	side := ""
	for _, n := range found {
		if n == want {
			side = n
		}
	}
	if side == "" {
		switch {
		case len(found) == 0:
			c.bad(CheckInventory, "E058", p, "the inventory has no sidecar file with its digest (%s)", orDefault(want, "inventory.json.sha512"))
		case alg != "":
			c.bad(CheckInventory, "E059", path.Join(path.Dir(p), found[0]), "the sidecar is %s, but the inventory's digestAlgorithm is %s", found[0], alg)
		}
		return
	}
	sp := path.Join(path.Dir(p), side)
	b, err := c.readSmall(sp, 1024)
	if err != nil {
		c.ioErr(CheckInventory, sp, err)
		return
	}
	m := sidecarLine.FindSubmatch(b)
	if m == nil {
		c.bad(CheckInventory, "E061", sp, "the sidecar does not read \"DIGEST inventory.json\": %q", clipText(b))
		return
	}
	h := digestAlgs[alg].newHash()
	h.Write(raw)
	got := hex.EncodeToString(h.Sum(nil))
	if !strings.EqualFold(string(m[1]), got) {
		c.tampered = true
		f := finding(c.spec, "E060", sp, "the inventory's %s digest is not the one its sidecar gives", alg)
		f.Expected, f.Found = string(m[1]), got
		c.add(CheckInventory, f)
	}
}

func orDefault(s, d string) string {
	if strings.HasSuffix(s, ".") {
		return d
	}
	return s
}

func (c *objCheck) rootInventory(entries []fs.DirEntry) {
	if !hasEntry(entries, "inventory.json") {
		c.bad(CheckInventory, "E063", "", "the object has no inventory.json in its root")
		return
	}
	inv, raw := c.readInv("inventory.json", entries)
	if inv == nil {
		return
	}
	if c.obj.Spec == "" && inv.spec != "" {
		c.spec = inv.spec // no declaration: follow the inventory
	}
	if inv.spec != "" && c.obj.Spec != "" && inv.spec != c.obj.Spec {
		c.bad(CheckInventory, "E038", "inventory.json", "the inventory's type is of OCFL %s, but the object declares %s", inv.spec, c.obj.Spec)
	}
	c.root, c.rootRaw = inv, raw
	c.obj.Inventory, c.obj.ID, c.obj.Head, c.obj.DigestAlgorithm = inv, inv.ID, inv.Head, inv.DigestAlgorithm
}

func hasEntry(entries []fs.DirEntry, name string) bool {
	for _, e := range entries {
		if e.Name() == name {
			return true
		}
	}
	return false
}

// rootEntries checks that the object root holds only what OCFL allows.
func (c *objCheck) rootEntries(entries []fs.DirEntry) {
	for _, e := range entries {
		n := e.Name()
		switch {
		case e.Type()&fs.ModeSymlink != 0 || !e.Type().IsRegular() && !e.IsDir():
			c.bad(CheckVersions, "E090", n, "%q in the object root is a link or special file, not a file or folder", n)
		case strings.HasPrefix(n, "0=") || n == "inventory.json" || strings.HasPrefix(n, "inventory.json.") && !e.IsDir():
			// declaration, inventory, sidecars: checked above
		case n == "extensions" && e.IsDir():
			c.extensions()
		case n == "logs" && e.IsDir():
			// a record of actions taken on the object, free in form
		case e.IsDir() && c.root != nil && c.root.Versions[n] != nil:
			// a version: checked by versions
		case e.IsDir():
			if _, ok := parseVersion(n); ok && c.root != nil {
				c.bad(CheckVersions, "E046", n, "the folder %s looks like a version, but the inventory has no version %s", n, n)
			} else {
				c.bad(CheckVersions, "E001", n, "the object root holds the folder %q, which OCFL does not allow there", n)
			}
		default:
			c.bad(CheckVersions, "E001", n, "the object root holds the file %q, which OCFL does not allow there", n)
		}
	}
}

// extensions checks the extensions folder: only folders, named for
// registered extensions (others are a warning).
func (c *objCheck) extensions() {
	entries, err := fs.ReadDir(c.fsys, c.rel("extensions"))
	if err != nil {
		c.ioErr(CheckVersions, "extensions", err)
		return
	}
	for _, e := range entries {
		p := "extensions/" + e.Name()
		if !e.IsDir() {
			c.bad(CheckVersions, "E067", p, "the extensions folder holds the file %q; it may hold only extension folders", e.Name())
			continue
		}
		c.obj.Extensions = append(c.obj.Extensions, e.Name())
		if !registered[e.Name()] {
			c.bad(CheckVersions, "W013", p, "the extension folder %q is not a registered extension's name", e.Name())
		}
	}
}

// registered are the extensions the OCFL community has published.
var registered = map[string]bool{
	"0001-digest-algorithms": true, "0002-flat-direct-storage-layout": true,
	"0003-hash-and-id-n-tuple-storage-layout": true, "0004-hashed-n-tuple-storage-layout": true,
	"0005-mutable-head": true, "0006-flat-omit-prefix-storage-layout": true,
	"0007-n-tuple-omit-prefix-storage-layout": true, "0008-schema-registry": true,
	"0009-digest-algorithms":        true,
	"0011-direct-clean-path-layout": true, "0012-hash-and-no-prefix-id-n-tuple-storage-layout": true,
}
