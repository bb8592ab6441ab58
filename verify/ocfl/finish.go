package ocfl

import (
	"context"
	"fmt"

	"github.com/custody-app/custody/verify/report"
)

// finish adds the checks' outcomes and the verdict. Like a bag's: INVALID
// when a rule of the format is broken, TAMPERED when files do not match
// their digests (or are missing, or were added), COULD NOT READ when
// something could not be read, else NO PROVENANCE (the files match the
// inventory, but nothing says who made it).
func (c *objCheck) finish() {
	c.rep.Sort()
	for _, name := range []string{CheckDeclaration, CheckInventory, CheckVersions, CheckContent} {
		detail := c.okDetail(name)
		if n := c.failed[name]; n > 0 {
			detail = plural(n, "problem")
		}
		c.rep.AddCheck(name, c.failed[name] == 0, detail)
	}
	c.rep.Verdict = verdict(c.ctx, c.rep, c.tampered)
}

func verdict(ctx context.Context, rep *report.Report, tampered bool) report.Verdict {
	invalid, ioErr := false, false
	for _, f := range rep.Findings {
		switch {
		case f.Severity == report.IOError:
			ioErr = true
		case !contentCode[f.Code]:
			invalid = true
		}
	}
	switch {
	case ctx.Err() != nil:
		return report.Cancelled
	case invalid:
		return report.Invalid
	case tampered:
		return report.Tampered
	case ioErr:
		return report.Unreadable
	}
	return report.NoProvenance
}

// contentCode are the codes of files that do not match their inventory.
var contentCode = map[string]bool{"E023": true, "E060": true, "E092": true, "E093": true}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// okDetail says what a check that passed covered.
func (c *objCheck) okDetail(name string) string {
	switch name {
	case CheckDeclaration:
		return "0=ocfl_object_" + c.obj.Spec
	case CheckInventory:
		if c.root != nil {
			return fmt.Sprintf("digest algorithm %s; every inventory read and matched its sidecar", c.root.DigestAlgorithm)
		}
	case CheckVersions:
		if c.root != nil {
			return fmt.Sprintf("%s, head %s; older inventories agree with the root inventory", plural(len(c.root.VersionNames), "version"), c.root.Head)
		}
	case CheckContent:
		s := c.counter.Snapshot()
		return fmt.Sprintf("%s, %d bytes, every digest matched", plural(int(s.Files), "file"), s.Bytes)
	}
	return ""
}
