package logstore

import (
	"fmt"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// BenchmarkAppend appends events in transactions of 100, as an import
// commits them; it reports appends per second.
func BenchmarkAppend(b *testing.B) {
	db := openDB(b)
	const batch = 100
	events := make([][]byte, batch)
	for i := range events {
		events[i] = ingest(b, fmt.Sprintf("bench-%d", i))
	}
	b.ResetTimer()
	for done := 0; done < b.N; done += batch {
		n := min(batch, b.N-done)
		err := db.Update(func(txn *badger.Txn) error {
			for _, e := range events[:n] {
				if _, err := Append(txn, e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
}
