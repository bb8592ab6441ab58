package bag

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/custody-app/custody/archive/pathsafe"
)

// entry checks one zip entry's name, type, method and sizes.
func (c *zipCheck) entry(e *zip.File) {
	name := e.Name
	if !utf8.ValidString(name) {
		c.refuse(ZipInvalid, name, "the entry name %s is not UTF-8 (perhaps an old DOS code page); it cannot be read the same way everywhere", display(name))
		return
	}
	isDir := strings.HasSuffix(name, "/")
	clean := strings.TrimSuffix(name, "/")
	if err := pathsafe.CheckBagPath(clean); errors.Is(err, pathsafe.ErrUnsafe) {
		c.refuse(PathUnsafe, name, "the entry %s is unsafe: %s", display(name), reason(err))
		return
	}
	if depth := strings.Count(clean, "/") + 1; depth > c.lim.MaxDepth {
		c.refuse(LimitExceeded, name, "the entry %s is %d folders deep; the limit is %d", display(name), depth, c.lim.MaxDepth)
		return
	}
	mode := e.Mode()
	switch t := mode.Type(); {
	case t&fs.ModeSymlink != 0 || (t != 0 && !t.IsDir()):
		c.refuse(FileNotRegular, name, "the entry %s is a %s; bags hold only files and folders", display(name), kind(t))
		return
	case t.IsDir():
		isDir = true
	}
	if e.Flags&0x1 != 0 {
		c.refuse(ZipEntryUnsupported, name, "the entry %s is encrypted; Custody reads only unencrypted zips", display(name))
	}
	if e.Method != zip.Store && e.Method != zip.Deflate {
		c.refuse(ZipEntryUnsupported, name, "the entry %s uses compression method %d; only stored (0) and deflate (8) are supported", display(name), e.Method)
	}
	c.sizes(e, name)
	c.names(name, clean, isDir)
	c.localName(e, name)
}

func reason(err error) string {
	var pe *pathsafe.PathError
	if errors.As(err, &pe) {
		return pe.Reason
	}
	return err.Error()
}

func (c *zipCheck) sizes(e *zip.File, name string) {
	u, z := e.UncompressedSize64, e.CompressedSize64
	switch {
	case e.Method == zip.Store && u != z:
		c.refuse(ZipInvalid, name, "the stored entry %s declares %d bytes but holds %d", display(name), u, z)
	case e.Method == zip.Deflate && u > 1<<20 && u/maxDeflateRatio > z:
		c.refuse(ZipInvalid, name, "the entry %s declares %d bytes from %d compressed, more than deflate can produce: its sizes are false", display(name), u, z)
	}
	if c.total+u < c.total {
		c.total = ^uint64(0)
	} else {
		c.total += u
	}
	c.compressed += z
}

// names checks for duplicates, case and normalisation collisions, a name
// that is both a file and a folder, and the single top folder.
func (c *zipCheck) names(name, clean string, isDir bool) {
	top, _, nested := strings.Cut(clean, "/")
	if nested || isDir {
		c.tops[top] = true
	} else {
		c.refuse(ZipLayout, name, "the file %s is at the top of the zip; a zipped bag keeps everything inside one top folder", display(name))
	}
	what := "file"
	if isDir {
		what = "folder"
	}
	// Every parent of an entry must be a folder, never a file.
	for i := 0; ; {
		j := strings.IndexByte(clean[i:], '/')
		if j < 0 {
			break
		}
		if !c.register(clean[:i+j], "folder", name) {
			return
		}
		i += j + 1
	}
	c.register(clean, what, name)
}

// register records a name as a file or folder, refusing duplicates and
// names equal after case folding or normalisation. It reports false when
// the name was refused.
func (c *zipCheck) register(p, what, entry string) bool {
	if prev, dup := c.seen[p]; dup {
		switch {
		case prev == "folder" && what == "folder":
			return true // folders are implied by their files; listing one again is harmless
		case prev != what:
			c.refuse(ZipDuplicateName, entry, "%s is both a file and a folder in this zip", display(p))
		default:
			c.refuse(ZipDuplicateName, entry, "the zip holds %s twice; which copy is the bag's cannot be told", display(p))
		}
		return false
	}
	c.seen[p] = what
	key := pathsafe.FoldKey(p)
	if first, ok := c.folded[key]; ok {
		c.refuse(ZipDuplicateName, entry, "the names %s and %s differ only in letter case or accents; on macOS and Windows they are the same", display(first), display(p))
		return false
	}
	c.folded[key] = p
	return true
}

// localName compares the name in the entry's local header with the one in
// the central directory. archive/zip reads only the central directory;
// tools that read the local headers would extract a different file.
func (c *zipCheck) localName(e *zip.File, name string) {
	data, err := e.DataOffset()
	if err != nil {
		c.refuse(ZipInvalid, name, "the local header of %s is damaged: %v", display(name), err)
		return
	}
	for _, extra := range []int64{1024, 65535} {
		span := int64(30+len(name)) + extra
		if span > data {
			span = data
		}
		buf := make([]byte, span)
		if _, err := c.r.ReadAt(buf, data-span); err != nil {
			c.refuse(ZipInvalid, name, "cannot read the local header of %s: %v", display(name), err)
			return
		}
		for pos := bytes.LastIndex(buf, []byte("PK\x03\x04")); pos >= 0; pos = bytes.LastIndex(buf[:pos], []byte("PK\x03\x04")) {
			if len(buf)-pos < 30 {
				continue
			}
			n := int(binary.LittleEndian.Uint16(buf[pos+26:]))
			x := int(binary.LittleEndian.Uint16(buf[pos+28:]))
			if pos+30+n+x != len(buf) {
				continue
			}
			if local := string(buf[pos+30 : pos+30+n]); local != name {
				c.refuse(ZipNameMismatch, name, "the entry is named %s in the zip's directory but %s in its local header; other tools would extract another file", display(name), display(local))
			}
			return
		}
		if span == data {
			break
		}
	}
	c.refuse(ZipNameMismatch, name, "the local header of %s does not match the zip's directory", display(name))
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
