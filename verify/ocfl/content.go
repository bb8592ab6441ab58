package ocfl

import (
	"encoding/hex"
	"hash"
	"io"
	"io/fs"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// contentFile is one file found in a version's content directory.
type contentFile struct {
	path string // from the object root
	size int64
	sums map[string]string // algorithm -> lower-case hex, once hashed
	err  error
}

// content walks every version's content directory, checks the files
// against the manifest and fixity blocks, and hashes them all.
func (c *objCheck) content() {
	root := c.root
	var files []*contentFile
	for _, v := range root.VersionNames {
		dir := v + "/" + root.ContentDirectory
		fi, err := fs.Stat(c.fsys, c.rel(dir))
		if err != nil || !fi.IsDir() {
			continue
		}
		if !c.walk(dir, 0, &files) {
			return
		}
	}
	found := make(map[string]*contentFile, len(files))
	var total int64
	for _, f := range files {
		found[f.path] = f
		total += f.size
		if _, ok := root.byPath[f.path]; !ok {
			c.tampered = true
			c.bad(CheckContent, "E023", f.path, "the content file %q is not in the manifest", f.path)
		}
	}
	for _, p := range sortedKeys(root.byPath) {
		if found[p] == nil {
			c.tampered = true
			c.bad(CheckContent, "E092", p, "the manifest lists %q, but there is no such file", p)
		}
	}
	for _, alg := range sortedKeys(root.Fixity) {
		for _, paths := range root.Fixity[alg] {
			for _, p := range paths {
				if found[p] == nil {
					c.tampered = true
					c.bad(CheckContent, "E093", p, "fixity %s lists %q, but there is no such file", alg, p)
				}
			}
		}
	}
	if !c.inRoot {
		c.counter.SetTotals(int64(len(files)), total)
	}
	c.hashAll(files)
	c.compareDigests(files)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// walk lists the files under dir; false when a limit stopped it.
func (c *objCheck) walk(dir string, depth int, files *[]*contentFile) bool {
	if depth > c.opt.MaxDepth {
		c.bad(CheckContent, TooLarge, dir, "folders nest deeper than %d levels, beyond this validator's limit", c.opt.MaxDepth)
		return false
	}
	if c.ctx.Err() != nil {
		return false
	}
	entries, err := fs.ReadDir(c.fsys, c.rel(dir))
	if err != nil {
		c.ioErr(CheckContent, dir, err)
		return true
	}
	if len(entries) == 0 {
		c.bad(CheckContent, "E024", dir, "the content folder %q is empty", dir)
	}
	for _, e := range entries {
		p := dir + "/" + e.Name()
		switch {
		case e.IsDir():
			if !c.walk(p, depth+1, files) {
				return false
			}
		case e.Type().IsRegular():
			if len(*files) >= c.opt.MaxFiles {
				c.bad(CheckContent, TooLarge, p, "the object has more than %d content files, beyond this validator's limit", c.opt.MaxFiles)
				return false
			}
			var size int64
			if fi, err := e.Info(); err == nil {
				size = fi.Size()
			}
			*files = append(*files, &contentFile{path: p, size: size})
		default:
			c.bad(CheckContent, "E090", p, "%q is a link or special file, not a file", p)
		}
	}
	return true
}

// fixityIndex maps each content path of a fixity block to its digest.
func fixityIndex(m map[string][]string) map[string]string {
	idx := make(map[string]string)
	for d, paths := range m {
		for _, p := range paths {
			idx[p] = strings.ToLower(d)
		}
	}
	return idx
}

// hashAll hashes the files on all cores, each read once and fed to every
// algorithm it needs.
func (c *objCheck) hashAll(files []*contentFile) {
	workers := c.opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	fixity := map[string]map[string]string{}
	for alg, m := range c.root.Fixity {
		fixity[alg] = fixityIndex(m)
	}
	jobs := make(chan *contentFile)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 1<<20)
			for f := range jobs {
				f.sums, f.err = c.hashFile(f, fixity, buf)
			}
		}()
	}
	for _, f := range files {
		if c.ctx.Err() != nil {
			break
		}
		jobs <- f
	}
	close(jobs)
	wg.Wait()
}

func (c *objCheck) hashFile(f *contentFile, fixity map[string]map[string]string, buf []byte) (map[string]string, error) {
	if !c.inRoot {
		c.counter.SetCurrent(f.path)
	}
	var algs []string
	if manifestAlg(c.root.DigestAlgorithm) {
		algs = append(algs, c.root.DigestAlgorithm)
	}
	for alg, idx := range fixity {
		if _, ok := idx[f.path]; ok && digestAlgs[alg].newHash != nil && alg != c.root.DigestAlgorithm {
			algs = append(algs, alg)
		}
	}
	in, err := c.fsys.Open(c.rel(f.path))
	if err != nil {
		return nil, err
	}
	defer in.Close()
	hs := make([]hash.Hash, len(algs))
	ws := make([]io.Writer, len(algs))
	for i, a := range algs {
		hs[i] = digestAlgs[a].newHash()
		ws[i] = hs[i]
	}
	var w io.Writer = io.Discard
	switch len(ws) {
	case 0:
	case 1:
		w = ws[0]
	default:
		w = io.MultiWriter(ws...)
	}
	for {
		if err := c.ctx.Err(); err != nil {
			return nil, err
		}
		n, rerr := in.Read(buf)
		if n > 0 {
			w.Write(buf[:n])
			c.counter.AddBytes(int64(n))
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return nil, rerr
		}
	}
	c.counter.AddFile()
	sums := make(map[string]string, len(algs))
	for i, a := range algs {
		sums[a] = hex.EncodeToString(hs[i].Sum(nil))
	}
	return sums, nil
}

// compareDigests compares what was computed with the inventory, and
// lists the head version's files.
func (c *objCheck) compareDigests(files []*contentFile) {
	root := c.root
	found := make(map[string]*contentFile, len(files))
	verified := map[string]bool{}
	fixity := map[string]map[string]string{}
	for alg, m := range root.Fixity {
		fixity[alg] = fixityIndex(m)
	}
	fixAlgs := sortedKeys(fixity)
	for _, f := range files {
		found[f.path] = f
		if f.err != nil {
			if c.ctx.Err() == nil {
				c.ioErr(CheckContent, f.path, f.err)
			}
			continue
		}
		ok := true
		if want, listed := root.byPath[f.path]; listed && manifestAlg(root.DigestAlgorithm) {
			if got := f.sums[root.DigestAlgorithm]; got != want {
				ok = false
				c.tampered = true
				fd := finding(c.spec, "E092", f.path, "the content file %q does not match its %s digest in the manifest", f.path, root.DigestAlgorithm)
				fd.Expected, fd.Found = want, got
				c.add(CheckContent, fd)
			}
		} else {
			ok = false
		}
		for _, alg := range fixAlgs {
			want, listed := fixity[alg][f.path]
			got, computed := f.sums[alg]
			if alg == root.DigestAlgorithm {
				got, computed = f.sums[alg], true
			}
			if listed && computed && got != want {
				ok = false
				c.tampered = true
				fd := finding(c.spec, "E093", f.path, "the content file %q does not match its %s digest in the fixity block", f.path, alg)
				fd.Expected, fd.Found = want, got
				c.add(CheckContent, fd)
			}
		}
		verified[f.path] = ok
	}
	head := root.Versions[root.Head]
	if head == nil {
		return
	}
	sha := fixity["sha256"]
	for d, logical := range head.State {
		content := root.Manifest[d]
		if len(content) == 0 {
			continue
		}
		cp := content[0]
		f := found[cp]
		for _, l := range logical {
			file := File{Logical: l, Content: cp, Digest: strings.ToLower(d), Verified: verified[cp]}
			if f != nil {
				file.Size = f.size
			}
			if root.DigestAlgorithm == "sha256" {
				file.SHA256 = strings.ToLower(d)
			} else if s, ok := sha[cp]; ok && f != nil && f.sums["sha256"] == s {
				file.SHA256 = s
			}
			c.obj.Files = append(c.obj.Files, file)
		}
	}
	sort.Slice(c.obj.Files, func(i, j int) bool { return c.obj.Files[i].Logical < c.obj.Files[j].Logical })
}
