package provenance

import (
	"encoding/json"
	"testing"

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

func mustUnmarshal(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
}

func mustMarshalJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
