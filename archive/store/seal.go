package store

import (
	"encoding/json"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
)

// The guard copies the newest value-log file before every writable open,
// up to a whole file (128 MiB): ~0.3 s per 100 MB. A clean close makes the
// copy unnecessary for the next open: Badger cuts a file only at an entry
// that does not check, and a file byte for byte as Badger left it at a
// clean close has none. So Close records the newest file's name, size and
// CRC-32C (the seal), and Open skips the copy when the file still matches
// it. Anything else (no seal, another newest file, a different size or
// checksum: damage, or a session that ended without closing) takes the
// guarded path.

const sealFile = "NEWEST.seal"

type seal struct {
	File string `json:"file"`
	Size int64  `json:"size"`
	CRC  uint32 `json:"crc32c"`
}

// guardCopies counts guard copies made, for tests.
var guardCopies atomic.Int64

func writeSeal(dir string) {
	file, err := newestVlog(dir)
	if err != nil || file == "" {
		return
	}
	size, sum, err := fileCRC(file)
	if err != nil {
		return
	}
	b, _ := json.Marshal(seal{File: filepath.Base(file), Size: size, CRC: sum})
	tmp := filepath.Join(dir, sealFile+tmpSuffix)
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		os.Remove(tmp)
		return
	}
	if err := os.Rename(tmp, filepath.Join(dir, sealFile)); err != nil {
		os.Remove(tmp)
	}
}

// sealed reports whether file is byte for byte the newest value-log file
// a clean close left, and removes the seal either way: once the store is
// open it vouches for nothing.
func sealed(dir, file string) bool {
	path := filepath.Join(dir, sealFile)
	b, err := os.ReadFile(path)
	os.Remove(path)
	if err != nil {
		return false
	}
	var s seal
	if json.Unmarshal(b, &s) != nil || s.File != filepath.Base(file) {
		return false
	}
	size, sum, err := fileCRC(file)
	return err == nil && size == s.Size && sum == s.CRC
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func fileCRC(path string) (int64, uint32, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	h := crc32.New(castagnoli)
	n, err := io.CopyBuffer(h, f, make([]byte, 1<<20))
	return n, h.Sum32(), err
}
