package ocfl

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/verify/report"
)

// Root is what a validated storage root holds.
type Root struct {
	Spec    string    `json:"spec"`
	Layout  string    `json:"layout,omitempty"` // the extension ocfl_layout.json names
	Objects []*Object `json:"objects"`
}

var rootDecl = regexp.MustCompile(`^0=ocfl_(\d+\.\d+)$`)

// rootCheck validates a storage root.
type rootCheck struct {
	ctx      context.Context
	fsys     fs.FS
	opt      Options
	rep      *report.Report
	spec     string
	root     *Root
	counter  *progress.Counter
	tampered bool
	failed   int
	dirs     int
	cap      *findingCap
}

func (r *rootCheck) bad(code, p, format string, args ...any) {
	f := finding(r.spec, code, p, format, args...)
	if f.Severity != report.Warning {
		r.failed++
	}
	if r.cap.keep(f.Code) {
		r.rep.Add(f)
	}
}

// ValidateRoot validates the OCFL storage root at the top of fsys and
// every object in it. Progress names the object being checked ("object 3
// of 40: …") and counts the content files and bytes hashed so far.
func ValidateRoot(ctx context.Context, fsys fs.FS, opt Options) (*Root, *report.Report) {
	opt.defaults()
	r := &rootCheck{ctx: ctx, fsys: fsys, opt: opt, rep: &report.Report{Subject: opt.Subject},
		spec: "1.1", root: &Root{}, counter: progress.NewCounter(), cap: newFindingCap()}
	stop := r.counter.Report(ctx, opt.Progress)
	objects := r.structure()
	failedObjects := 0
	for i, dir := range objects {
		if ctx.Err() != nil {
			break
		}
		r.counter.SetCurrent(fmt.Sprintf("object %d of %d: %s", i+1, len(objects), dir))
		c := newObjCheck(ctx, fsys, dir, opt, r.rep, r.counter)
		c.inRoot, c.cap = true, r.cap
		c.run()
		if c.obj.Spec != "" && c.obj.Spec > r.root.Spec && r.root.Spec != "" {
			r.bad("E081", dir, "the object declares OCFL %s, later than its storage root's %s", c.obj.Spec, r.root.Spec)
		}
		r.tampered = r.tampered || c.tampered
		n := 0
		for _, v := range c.failed {
			n += v
		}
		if n > 0 {
			failedObjects++
		}
		r.root.Objects = append(r.root.Objects, c.obj)
	}
	stop()
	r.cap.summarize(r.rep, r.spec)
	r.rep.Sort()
	r.rep.AddCheck(CheckRoot, r.failed == 0, plural(r.failed, "problem")+" in the storage root's own files and folders")
	r.rep.AddCheck("OCFL objects", failedObjects == 0, fmt.Sprintf("%s checked, %d with problems", plural(len(objects), "object"), failedObjects))
	r.rep.Verdict = verdict(ctx, r.rep, r.tampered)
	return r.root, r.rep
}

// structure checks the root's own files and returns the object folders.
func (r *rootCheck) structure() []string {
	entries, err := fs.ReadDir(r.fsys, ".")
	if err != nil {
		r.bad(ReadError, ".", "could not read the storage root: %v", cause(err))
		return nil
	}
	var decls []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "0=") {
			decls = append(decls, e.Name())
		}
	}
	switch {
	case len(decls) == 0:
		r.bad("E069", "", "the storage root has no declaration file (0=ocfl_1.1)")
	case len(decls) > 1:
		r.bad("E076", "", "the storage root has %d declaration files; it must have one", len(decls))
	}
	if len(decls) > 0 {
		if m := rootDecl.FindStringSubmatch(decls[0]); m == nil || m[1] != "1.0" && m[1] != "1.1" {
			r.bad("E076", decls[0], "the declaration is named %q, not 0=ocfl_1.0 or 0=ocfl_1.1", decls[0])
		} else {
			r.spec, r.root.Spec = m[1], m[1]
			c := &objCheck{fsys: r.fsys, dir: "."}
			b, err := c.readSmall(decls[0], 64)
			if err != nil {
				r.bad(ReadError, decls[0], "could not read the declaration: %v", cause(err))
			} else if want := "ocfl_" + m[1] + "\n"; string(b) != want {
				r.bad("E080", decls[0], "the declaration holds %q, not %q", clipText(b), want)
			}
		}
	}
	var objects []string
	for _, e := range entries {
		n := e.Name()
		switch {
		case !e.IsDir():
			if n == "ocfl_layout.json" {
				r.layout()
			}
			// other files in the root itself are for people (ocfl_1.1.md …): ignored
		case n == "extensions":
			r.extensions()
		default:
			r.walk(n, 1, &objects)
		}
	}
	return objects
}

// layout checks ocfl_layout.json: a JSON object with extension and
// description strings.
func (r *rootCheck) layout() {
	c := &objCheck{fsys: r.fsys, dir: "."}
	b, err := c.readSmall("ocfl_layout.json", 1<<20)
	if err != nil {
		r.bad("E070", "ocfl_layout.json", "could not read ocfl_layout.json: %v", cause(err))
		return
	}
	v, err := parseJSON(b, 10_000)
	o, ok := v.(*object)
	if err != nil || !ok {
		r.bad("E070", "ocfl_layout.json", "ocfl_layout.json is not a JSON object")
		return
	}
	for _, k := range []string{"extension", "description"} {
		s, ok := o.vals[k].(string)
		if !ok {
			r.bad("E070", "ocfl_layout.json", "ocfl_layout.json has no %q string", k)
		} else if k == "extension" {
			r.root.Layout = s
		}
	}
}

func (r *rootCheck) extensions() {
	entries, err := fs.ReadDir(r.fsys, "extensions")
	if err != nil {
		r.bad(ReadError, "extensions", "could not read: %v", cause(err))
		return
	}
	for _, e := range entries {
		p := "extensions/" + e.Name()
		if !e.IsDir() {
			r.bad("E112", p, "the storage root's extensions folder holds the file %q; it may hold only extension folders", e.Name())
		} else if !registered[e.Name()] {
			r.bad("W016", p, "the storage root's extension folder %q is not a registered extension's name", e.Name())
		}
	}
}

// walk looks for object roots under dir: a folder holding an object
// declaration ends the walk; files beside folders, or in folders without
// an object, are not allowed.
func (r *rootCheck) walk(dir string, depth int, objects *[]string) {
	if r.ctx.Err() != nil {
		return
	}
	if r.dirs++; r.dirs > r.opt.MaxFiles || depth > r.opt.MaxDepth {
		if r.dirs == r.opt.MaxFiles+1 || depth == r.opt.MaxDepth+1 {
			r.bad(TooLarge, dir, "the storage hierarchy is larger or deeper than this validator's limits (%d folders, %d levels)", r.opt.MaxFiles, r.opt.MaxDepth)
		}
		return
	}
	entries, err := fs.ReadDir(r.fsys, dir)
	if err != nil {
		r.bad(ReadError, dir, "could not read %s: %v", dir, cause(err))
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "0=ocfl_object_") {
			*objects = append(*objects, dir)
			return
		}
	}
	if len(entries) == 0 {
		r.bad("E073", dir, "the folder %q is empty", dir)
	}
	sub := 0
	for _, e := range entries {
		p := path.Join(dir, e.Name())
		if e.IsDir() {
			sub++
			r.walk(p, depth+1, objects)
			continue
		}
		r.bad("E084", p, "the file %q is in the storage hierarchy but in no object", p)
	}
	if sub == 0 && len(entries) > 0 {
		r.bad("E085", dir, "the folder %q ends the storage hierarchy without an object", dir)
	}
}
