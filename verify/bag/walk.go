package bag

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/custody-app/custody/archive/pathsafe"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/report"
)

var errStopWalk = errors.New("stop walk")

// walk lists every regular file of the bag with its size. Anything that is
// neither a regular file nor a folder (a symbolic link, device, pipe or
// socket) is refused and never opened: a pipe would block a read forever
// and a link could lead out of the bag.
func (v *validator) walk() {
	maxFiles, maxDepth := v.opt.MaxFiles, v.opt.MaxDepth
	if maxFiles <= 0 {
		maxFiles = defaultMaxFile
	}
	if maxDepth <= 0 {
		maxDepth = defaultMaxDeep
	}
	err := fs.WalkDir(v.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if cerr := v.ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			v.add(report.Finding{Code: ReadFailed, Severity: report.IOError, Path: p,
				Message: fmt.Sprintf("could not read %s: %v", display(p), cause(err))})
			if p == "." {
				return errStopWalk
			}
			return nil
		}
		if p == "." {
			return nil
		}
		if depth := strings.Count(p, "/") + 1; depth > maxDepth {
			v.add(report.Finding{Code: LimitExceeded, Path: p, Expected: fmt.Sprint(maxDepth), Found: fmt.Sprint(depth),
				Message: fmt.Sprintf("%s is %d folders deep; the limit is %d, so deeper files were not checked", display(p), depth, maxDepth)})
			return fs.SkipDir
		}
		switch t := d.Type(); {
		case t.IsDir():
			v.dirs[p] = true
			return nil
		case !t.IsRegular():
			v.add(report.Finding{Code: FileNotRegular, Path: p, Found: kind(t),
				Message: fmt.Sprintf("%s is a %s, not a regular file; bags hold only files and folders, and it was not followed or opened", display(p), kind(t))})
			return nil
		}
		if len(v.files) >= maxFiles {
			v.add(report.Finding{Code: LimitExceeded, Path: p, Expected: fmt.Sprint(maxFiles),
				Message: fmt.Sprintf("the bag has more than %d files, the limit; the rest were not checked", maxFiles)})
			return errStopWalk
		}
		info, err := d.Info()
		if err != nil {
			v.add(report.Finding{Code: ReadFailed, Severity: report.IOError, Path: p,
				Message: fmt.Sprintf("could not read the size of %s: %v", display(p), cause(err))})
			return nil
		}
		if !info.Mode().IsRegular() {
			v.add(report.Finding{Code: FileNotRegular, Path: p, Found: kind(info.Mode().Type()),
				Message: fmt.Sprintf("%s is a %s, not a regular file; it was not opened", display(p), kind(info.Mode().Type()))})
			return nil
		}
		v.files[p] = info.Size()
		return nil
	})
	if err != nil && !errors.Is(err, errStopWalk) && v.ctx.Err() == nil {
		v.add(report.Finding{Code: ReadFailed, Severity: report.IOError, Message: fmt.Sprintf("could not list the bag's files: %v", cause(err))})
	}
	for p := range v.files {
		if strings.HasPrefix(p, "data/") {
			v.payload = append(v.payload, p)
		} else {
			v.tags = append(v.tags, p)
		}
	}
	sort.Strings(v.payload)
	sort.Strings(v.tags)
	v.checkDiskNames()
}

// checkDiskNames warns about names on disk that other systems cannot
// create, and about names that collide on case-insensitive systems.
func (v *validator) checkDiskNames() {
	all := append(append([]string(nil), v.tags...), v.payload...)
	for _, p := range all {
		if err := pathsafe.CheckBagPath(p); err != nil {
			v.portability(p, err)
		}
		if isJunk(p) && !strings.HasPrefix(p, "data/") {
			v.add(report.Finding{Code: JunkFile, Severity: report.Warning, Path: p,
				Message: fmt.Sprintf("%s is in the bag's top folder.%s", display(p), junkHint(p))})
		}
	}
	groups := map[string][]string{}
	for _, p := range all {
		k := pathsafe.FoldKey(p)
		groups[k] = append(groups[k], p)
	}
	for _, p := range all {
		g := groups[pathsafe.FoldKey(p)]
		if len(g) > 1 && g[0] == p {
			v.add(report.Finding{Code: PathCaseCollision, Severity: report.Warning, Path: p, Found: strings.Join(g[1:], ", "),
				Message: fmt.Sprintf("%s and %s differ only in letter case or accents; on macOS and Windows they are the same file, so copying this bag there loses one", display(p), strings.Join(quoteAll(g[1:]), ", "))})
		}
	}
}

// portability records a warning for a path some system cannot create.
func (v *validator) portability(p string, err error) {
	if v.portable[p] {
		return
	}
	v.portable[p] = true
	reason := err.Error()
	var pe *pathsafe.PathError
	if errors.As(err, &pe) {
		reason = pe.Reason
	}
	v.add(report.Finding{Code: PathNotPortable, Severity: report.Warning, Path: p,
		Message: fmt.Sprintf("%s cannot be created on every system: %s", display(p), reason)})
}

func kind(t fs.FileMode) string {
	switch {
	case t&fs.ModeSymlink != 0:
		return "symbolic link"
	case t&fs.ModeNamedPipe != 0:
		return "named pipe"
	case t&fs.ModeSocket != 0:
		return "socket"
	case t&fs.ModeDevice != 0:
		return "device"
	case t&fs.ModeIrregular != 0:
		return "special file"
	}
	return "special file (" + t.String() + ")"
}

// display quotes a path for a message so that spaces, control characters
// and invalid UTF-8 are visible and cannot disturb a terminal.
func display(p string) string { return fmt.Sprintf("%q", p) }

// displayPath quotes a path of this computer (the bag or zip the person
// named) for a message. Unlike display it keeps backslashes single, so a
// Windows path reads as typed (C:\cases\out.zip, not C:\\cases\\...);
// quote.Safe still makes control characters and invalid UTF-8 visible.
func displayPath(p string) string { return `"` + quote.Safe(p) + `"` }

func quoteAll(ps []string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = display(p)
	}
	return out
}

// cause strips the *fs.PathError wrapper, whose path is already in the
// message.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
