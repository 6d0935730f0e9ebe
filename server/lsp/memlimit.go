package lsp

import (
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// heapFloor is the least heap the soft memory limit allows for, on top of
// what the runtime holds besides the heap. With the binary's pages (about
// 13 MiB) and the runtime's own (about 6 MiB) it bounds the RSS the editor
// sees while the live heap is small: a server holding a 500 KiB config,
// about 6 MiB live per version (an open or a whole-text edit holds two
// for a moment, and allocates some 10 MiB), stays under 40 MiB. Less makes
// each open collect twice: 18 MiB cost half again the CPU of an open.
const heapFloor = 20 << 20

// Metrics read by memoryLimiter.adjust, in this order.
var memoryMetrics = []string{
	"/gc/heap/live:bytes",
	"/memory/classes/total:bytes",
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/free:bytes",
	"/memory/classes/heap/unused:bytes",
	"/memory/classes/heap/released:bytes",
}

// memoryLimiter keeps the process's memory close to what is live. Each
// version of a large config allocates a tree of several megabytes, and left
// alone the collector lets the heap grow to twice the peak and keeps freed
// pages for reuse; an editor keeps the server for hours. The soft limit
// follows the live heap: what the runtime holds besides the heap (GC
// metadata, stacks, profiling), plus a heap a quarter above what is live,
// never less than heapFloor. Near the limit the runtime also returns free
// pages to the OS. The room grows with the heap, so a workspace with many
// catalogs is never squeezed into collecting all the time.
type memoryLimiter struct {
	mu      sync.Mutex
	sample  []metrics.Sample
	enabled bool
}

func newMemoryLimiter(enabled bool) *memoryLimiter {
	m := &memoryLimiter{enabled: enabled}
	for _, name := range memoryMetrics {
		m.sample = append(m.sample, metrics.Sample{Name: name})
	}
	return m
}

// adjust sets the limit from the live heap of the last collection.
func (m *memoryLimiter) adjust() {
	if !m.enabled {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	metrics.Read(m.sample)
	var v [6]int64
	for i, s := range m.sample {
		if s.Value.Kind() != metrics.KindUint64 {
			return
		}
		v[i] = int64(s.Value.Uint64())
	}
	live, total, unused := v[0], v[1], v[4]
	runtimeOwn := max(0, total-v[2]-v[3]-v[4]-v[5]) // not the heap's
	debug.SetMemoryLimit(memoryLimit(live, unused, runtimeOwn))
}

// memoryLimit is the soft limit for live bytes of heap, unused bytes of
// heap spans (fragmentation: room the live objects' spans hold but cannot
// give to others) and runtimeOwn bytes of runtime memory outside the heap.
// Counting the fragmentation matters with many catalogs: tens of MiB of
// long-lived objects leave their spans part empty, and a limit blind to
// that would have the collector run without pause.
func memoryLimit(live, unused, runtimeOwn int64) int64 {
	return runtimeOwn + max(heapFloor, live+live/4+unused)
}
