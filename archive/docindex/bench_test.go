package docindex

import (
	"runtime"
	"sync"
	"testing"
)

// million is built once for the benchmarks: a million rows named like
// the small corpus (d0000/f000000.bin), one source, a tag on one in ten.
var million = sync.OnceValues(func() (*View, uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ix := New(kindOf)
	for k := range 1_000_000 {
		var tags []string
		if k%10 == 0 {
			tags = []string{"urgent"}
		}
		ix.Add(record(k, "bench", tags...))
	}
	v := ix.View()
	runtime.GC()
	runtime.ReadMemStats(&after)
	return v, after.HeapAlloc - before.HeapAlloc
})

// BenchmarkSearch1M types a name into the search box of a million-row
// list, one keystroke per search, as the window does: the time per op is
// one keystroke's search.
func BenchmarkSearch1M(b *testing.B) {
	v, heap := million()
	typed := "d0421/f0004"
	b.ResetTimer()
	for n := 0; b.Loop(); n++ {
		v.Search(Query{Text: typed[:1+n%len(typed)]})
	}
	b.ReportMetric(float64(heap)/float64(v.Len()), "heap-bytes/row")
}

// BenchmarkSearchSorted1M is a search whose result is shown sorted by
// name (the order prepared once, as the window does after loading).
func BenchmarkSearchSorted1M(b *testing.B) {
	v, _ := million()
	v.Order(ByName)
	b.ResetTimer()
	for b.Loop() {
		v.Search(Query{Text: "f00042", Sort: ByName, Desc: true})
	}
}

// BenchmarkSort1M is a click on a column heading with every row shown:
// the prepared order copied out.
func BenchmarkSort1M(b *testing.B) {
	v, _ := million()
	v.Prepare()
	b.ResetTimer()
	for n := 0; b.Loop(); n++ {
		v.Search(Query{Sort: ByName + Column(n%5)})
	}
}

// BenchmarkPrepare1M builds every column's order of a million rows (once
// after an archive is loaded, in the background).
func BenchmarkPrepare1M(b *testing.B) {
	v, _ := million()
	for b.Loop() {
		v.ix.View().Prepare()
	}
}
