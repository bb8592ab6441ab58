package provenance

import (
	"github.com/custody-app/custody/archive/provenance/provtest"
)

// The keys, IDs and clock the provenance tests share (archive/provenance/provtest).

var (
	testClock = provtest.Clock
	newKey    = provtest.NewKey
	fuzzKey   = provtest.FixedKey
	signText  = provtest.SignText
	docID     = provtest.DocID
	hexID     = provtest.HexID
)

const testRoot = provtest.EmptyRoot
