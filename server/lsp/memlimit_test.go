package lsp

import (
	"runtime"
	"runtime/debug"
	"testing"
)

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
	newMemoryLimiter(true).adjust()
	got, low, high := debug.SetMemoryLimit(-1), int64(len(ballast))*3/2, int64(len(ballast))*4
	if got < low || got > high {
		t.Errorf("with %d bytes live the limit is %d, want between %d and %d", len(ballast), got, low, high)
	}
	runtime.KeepAlive(ballast)
}
