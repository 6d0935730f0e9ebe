package lsp

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// heapFloor is the least heap the soft memory limit allows for, on top of
// what the runtime holds besides the heap. With the binary's pages (about
// 13 MiB) and the runtime's own (about 6 MiB) it bounds the RSS the editor
// sees while the live heap is small: a server holding a 500 KiB config,
// about 5 MiB live per version (an open or a whole-text edit holds two
// for a moment, and allocates some 8 MiB), stays near 35 MiB. In
// bench-lsp, 20 MiB made opens a fifth faster for 3 MiB more; a smaller
// floor collects more often during each open.
const heapFloor = 16 << 20

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
//
// The limit is set again after every collection. Set only now and then, a
// limit taken while the heap was small stays below a heap that has grown
// since, and the runtime then collects on nearly every allocation, with up
// to half the CPU, until the next adjustment: a completion in that state
// waited for a whole collection.
type memoryLimiter struct {
	mu      sync.Mutex
	sample  []metrics.Sample
	enabled bool
	stopped bool
}

// newMemoryLimiter returns a limiter; an enabled one follows every
// collection until stop.
func newMemoryLimiter(enabled bool) *memoryLimiter {
	m := &memoryLimiter{enabled: enabled}
	for _, name := range memoryMetrics {
		m.sample = append(m.sample, metrics.Sample{Name: name})
	}
	if enabled {
		m.adjust()
		m.afterNextCollection()
	}
	return m
}

// gcSentinel is garbage the moment it is made; its cleanup runs after the
// collection that finds it so. It has a pointer so that it is not batched
// with other tiny objects, whose cleanups can wait for several cycles.
type gcSentinel struct{ _ *byte }

// afterNextCollection has the next collection adjust the limit and arm the
// one after, until stop.
func (m *memoryLimiter) afterNextCollection() {
	runtime.AddCleanup(new(gcSentinel), func(m *memoryLimiter) {
		if m.adjust() {
			m.afterNextCollection()
		}
	}, m)
}

// stop ends the adjustments after collections.
func (m *memoryLimiter) stop() {
	m.mu.Lock()
	m.stopped = true
	m.mu.Unlock()
}

// adjust sets the limit from the live heap of the last collection. It
// reports whether the limiter is still running.
func (m *memoryLimiter) adjust() bool {
	if !m.enabled {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stopped {
		return false
	}
	metrics.Read(m.sample)
	var v [6]int64
	for i, s := range m.sample {
		if s.Value.Kind() != metrics.KindUint64 {
			return false
		}
		v[i] = int64(s.Value.Uint64())
	}
	live, total, unused := v[0], v[1], v[4]
	runtimeOwn := max(0, total-v[2]-v[3]-v[4]-v[5]) // not the heap's
	debug.SetMemoryLimit(memoryLimit(live, unused, runtimeOwn))
	return true
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
