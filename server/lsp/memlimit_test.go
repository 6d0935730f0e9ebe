package lsp

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestMemoryLimit(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		name                     string
		live, unused, runtimeOwn int64
		want                     int64
	}{
		{"small heap: the floor, plus the runtime's own", 4 * mib, 1 * mib, 6 * mib, 6*mib + heapFloor},
		{"large config: a quarter above live, plus the runtime's own", 20 * mib, 0, 6 * mib, 31 * mib},
		{"fragmented heap: its unused span room on top", 40 * mib, 18 * mib, 8 * mib, 76 * mib},
		{"many catalogs", 400 * mib, 0, 10 * mib, 510 * mib},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := memoryLimit(tc.live, tc.unused, tc.runtimeOwn); got != tc.want {
				t.Errorf("memoryLimit(%d, %d, %d) = %d, want %d", tc.live, tc.unused, tc.runtimeOwn, got, tc.want)
			}
		})
	}
}

func TestMemoryLimiterFollowsLiveHeap(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)

	newMemoryLimiter(false).adjust()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Fatalf("a disabled limiter changed the limit to %d", got)
	}

	ballast := make([]byte, 64<<20)
	runtime.GC() // the limiter reads the live heap of the last collection
	debug.SetMemoryLimit(1 << 20)
	m := newMemoryLimiter(true)
	defer m.stop()
	got, low, high := debug.SetMemoryLimit(-1), int64(len(ballast))*5/4, int64(len(ballast))*2
	if got < low || got > high {
		t.Errorf("with %d bytes live the limit is %d, want between %d and %d", len(ballast), got, low, high)
	}

	// The heap grows: the next collections raise the limit, unasked.
	more := make([]byte, 128<<20)
	low = int64(len(ballast)+len(more)) * 5 / 4
	deadline := time.Now().Add(20 * time.Second)
	for got = debug.SetMemoryLimit(-1); got < low; got = debug.SetMemoryLimit(-1) {
		if time.Now().After(deadline) {
			t.Fatalf("with %d bytes live the limit stayed %d after collections, want at least %d", len(ballast)+len(more), got, low)
		}
		runtime.GC()
		runtime.Gosched()
	}
	runtime.KeepAlive(ballast)
	runtime.KeepAlive(more)
}
