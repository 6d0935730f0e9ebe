package requests

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"mcpls/internal/config"
	"mcpls/internal/mcp"
)

// heapAlloc returns the live heap after a full collection.
func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkCatalogHeap measures the heap each of 200 identical 518-tool
// catalogs (one per server, as when 200 servers point at one demo server)
// costs once its index is built and every tool's schema compiled
// (B/catalog-all), and once a Validator has checked a 2,000-request
// config over the 200 servers (B/catalog-diag).
func BenchmarkCatalogHeap(b *testing.B) {
	const nCats, nTools = 200, 518
	tools, _ := benchCatalog(nTools)
	text := benchDoc(tools, nCats, 2000)
	for b.Loop() {
		cats := make([]*mcp.Catalog, nCats)
		for i := range cats {
			_, cats[i] = benchCatalog(nTools)
		}
		indexes.Lock() // the indexes of earlier catalogs would be freed below
		clear(indexes.m)
		indexes.order = nil
		indexes.Unlock()
		base := heapAlloc()
		var v Validator
		catalogs := func(name string) (*mcp.Catalog, time.Time, bool) {
			var i int
			if _, err := fmt.Sscanf(name, "s%d", &i); err != nil {
				return nil, time.Time{}, false
			}
			return cats[i], time.Time{}, true
		}
		if d := v.Diagnostics(config.Load("bench.mcp.json", text), catalogs); len(d) != 0 {
			b.Fatalf("%d diagnostics, want none: %+v", len(d), d[0])
		}
		diag := heapAlloc()
		ixs := make([]*index, nCats)
		for i, cat := range cats {
			ixs[i] = indexOf(cat)
			for _, name := range ixs[i].toolNames {
				if _, err := ixs[i].tools[name].compiled(); err != nil {
					b.Fatal(err)
				}
			}
		}
		all := heapAlloc()
		b.ReportMetric(float64(int64(diag)-int64(base))/nCats, "B/catalog-diag")
		b.ReportMetric(float64(int64(all)-int64(base))/nCats, "B/catalog-all")
		runtime.KeepAlive(ixs)
		runtime.KeepAlive(&v)
		runtime.KeepAlive(cats)
	}
}
