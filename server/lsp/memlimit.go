package lsp

import (
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// memoryFloor is the soft memory limit while the live heap is small.
const memoryFloor = 32 << 20

// memoryLimiter keeps the heap close to what is live. Each version of a
// large config allocates a tree of several megabytes, and left alone the
// collector lets the heap grow to twice the peak; an editor keeps the
// server for hours. The soft limit follows the live heap (never below
// memoryFloor, always half again above what is live), so a workspace with
// many catalogs is never squeezed into collecting all the time.
type memoryLimiter struct {
	mu      sync.Mutex
	sample  []metrics.Sample
	enabled bool
}

func newMemoryLimiter(enabled bool) *memoryLimiter {
	return &memoryLimiter{enabled: enabled, sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
}

// adjust sets the limit from the live heap of the last collection.
func (m *memoryLimiter) adjust() {
	if !m.enabled {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	metrics.Read(m.sample)
	if m.sample[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	live := int64(m.sample[0].Value.Uint64())
	debug.SetMemoryLimit(max(memoryFloor, live+live/2))
}
