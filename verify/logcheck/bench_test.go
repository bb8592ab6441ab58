package logcheck

import (
	"context"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/verify/report"
)

// BenchmarkCheck checks a log of 20,000 events; it reports events per second.
func BenchmarkCheck(b *testing.B) {
	const n = 20000
	db := openDB(b)
	l := &testLog{db: db, key: newKey(b, "archivist"), docs: map[[32]byte]bool{}}
	for start := 0; start < n; start += 500 {
		err := db.Update(func(txn *badger.Txn) error {
			for i := start; i < start+500; i++ {
				if _, err := logstore.Append(txn, event(b, i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	l.sign(b)
	opt := l.options()
	opt.DocExists, opt.ListDocs = nil, nil
	opt.Now = func() time.Time { return clock.AddDate(1, 0, 0) }
	b.ResetTimer()
	for range b.N {
		rep := &report.Report{}
		if err := Check(context.Background(), db, opt, rep); err != nil {
			b.Fatal(err)
		}
		if rep.HasProblems() {
			b.Fatal(rep.Findings[0].Message)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
}
