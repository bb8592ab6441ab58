package archivetest

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
)

// ChunkSize mirrors blob.ChunkSize, so trees can hold files of exactly
// one chunk and one byte more.
const ChunkSize = 1 << 20

// File is one generated file.
type File struct {
	Path string // on disk
	Rel  string // relative to the tree's root, slash separated
	Size int64
	Sum  [32]byte
}

// Hex is the file's SHA-256 in hex, as document IDs are written.
func (f File) Hex() string { return fmt.Sprintf("%x", f.Sum) }

// Tree describes files to generate.
type Tree struct {
	Sizes []int64 // one file per size, each with its own random bytes
	Dups  int     // this many extra files repeat earlier files' bytes
	Seed  uint64
}

// Write creates the tree under root (made if missing) and returns its
// files in the order of Sizes, duplicates last.
func (tr Tree) Write(tb testing.TB, root string) []File {
	tb.Helper()
	var files []File
	for i, size := range tr.Sizes {
		data := Bytes(tr.Seed, uint64(i), size)
		rel := fmt.Sprintf("d%02d/f%05d.bin", i%16, i)
		files = append(files, put(tb, root, rel, data))
	}
	r := rand.New(rand.NewPCG(tr.Seed, 0xd0b))
	for i := range tr.Dups {
		if len(files) == 0 {
			break
		}
		src := files[r.IntN(len(tr.Sizes))]
		data, err := os.ReadFile(src.Path)
		if err != nil {
			tb.Fatal(err)
		}
		rel := fmt.Sprintf("dup/f%05d copy %d.bin", i, i)
		files = append(files, put(tb, root, rel, data))
	}
	return files
}

func put(tb testing.TB, root, rel string, data []byte) File {
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return File{Path: p, Rel: rel, Size: int64(len(data)), Sum: sha256.Sum256(data)}
}

// Bytes returns n random bytes, the same for the same seed and index.
func Bytes(seed, index uint64, n int64) []byte {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	binary.LittleEndian.PutUint64(key[8:], index)
	b := make([]byte, n)
	rand.NewChaCha8(key).Read(b)
	return b
}

// Mixed returns n sizes like a real collection's: mostly small files
// (mail, chats), some documents up to a chunk, a few of several chunks,
// and the edge cases: empty, exactly one chunk, one chunk and a byte.
func Mixed(seed uint64, n int) []int64 {
	r := rand.New(rand.NewPCG(seed, 0x517e))
	sizes := []int64{0, ChunkSize, ChunkSize + 1}
	for len(sizes) < n {
		switch p := r.IntN(100); {
		case p < 70:
			sizes = append(sizes, 100+r.Int64N(16<<10))
		case p < 95:
			sizes = append(sizes, 16<<10+r.Int64N(ChunkSize-16<<10))
		default:
			sizes = append(sizes, ChunkSize+r.Int64N(3*ChunkSize))
		}
	}
	return sizes[:n]
}

// Uniform returns n sizes drawn evenly from [lo, hi].
func Uniform(seed uint64, n int, lo, hi int64) []int64 {
	r := rand.New(rand.NewPCG(seed, 0x0f1a7))
	sizes := make([]int64, n)
	for i := range sizes {
		sizes[i] = lo + r.Int64N(hi-lo+1)
	}
	return sizes
}

// Total sums the files' sizes.
func Total(files []File) (bytes int64) {
	for _, f := range files {
		bytes += f.Size
	}
	return bytes
}

// Unique returns the distinct sums among files, sorted.
func Unique(files []File) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range files {
		if h := f.Hex(); !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	sort.Strings(out)
	return out
}

// Child returns a command that runs the test binary's test named test
// (a helper that does nothing unless env marks it as the child) with env
// added to this process's environment.
func Child(test string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

// Paths lists the regular files under root, sorted.
func Paths(tb testing.TB, root string) []string {
	tb.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	sort.Strings(out)
	return out
}
