package archive

import (
	"path/filepath"
	"regexp"
	"strconv"
)

// StoreDamage is where Badger's own checksums failed: one table of the
// store (Badger stops at the first), and the range of keys it holds, so
// the checks can name what it may have held.
type StoreDamage struct {
	Err         error
	Table       string // its file name, "" when Badger's error names none
	First, Last []byte // the keys the table holds, first and last; nil when unknown
}

var tableInError = regexp.MustCompile(`table: (\S+\.sst)`)

// CheckStoreTables runs Badger's checksum check of every table. It returns
// nil when every checksum matches.
func (a *Archive) CheckStoreTables() *StoreDamage {
	err := a.db.VerifyChecksum()
	if err == nil {
		return nil
	}
	d := &StoreDamage{Err: err}
	m := tableInError.FindStringSubmatch(err.Error())
	if m == nil {
		return d
	}
	d.Table = filepath.Base(m[1])
	id, perr := strconv.ParseUint(d.Table[:len(d.Table)-len(".sst")], 10, 64)
	if perr != nil {
		return d
	}
	for _, t := range a.db.Tables() {
		if t.ID == id {
			d.First, d.Last = userKey(t.Left), userKey(t.Right)
		}
	}
	return d
}

// userKey strips the 8-byte version Badger appends to each key.
func userKey(k []byte) []byte {
	if len(k) < 8 {
		return nil
	}
	return append([]byte(nil), k[:len(k)-8]...)
}
