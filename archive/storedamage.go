package archive

import (
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/custody-app/custody/archive/errcode"
)

// Badger checks a table's block checksums only when asked (VerifyChecksum):
// its compactions read blocks without checking them and write what they
// read into new tables with new, valid checksums. So a write to a store
// with a damaged table may launder the damage: once the table is compacted
// the changed bytes sit in a table whose checksums pass, and a later check
// can no longer tell storage damage from an edit made on purpose. Once
// CheckStoreTables found damage, this open of the archive therefore
// writes no record of the check (RecordVerification refuses), and the
// CLI does not open the store for writing to record it.

// ErrStoreTablesDamaged is RecordVerification's answer on an archive whose
// store has a table that failed its checksum in this open.
var ErrStoreTablesDamaged = errcode.Wrap(errcode.ArchiveDamaged, nil,
	"a table of the store fails its checksum, and writing to the store now could copy its damaged bytes into a new table "+
		"whose checksums pass, hiding the damage; restore the store from a copy first")

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
	a.tablesDamaged.Store(true)
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
