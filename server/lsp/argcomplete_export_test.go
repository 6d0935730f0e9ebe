package lsp

import (
	"testing"
	"time"
)

// GateArgDebounce makes the debounce window of the server's completions
// end only when release is called (or the test ends), so that tests can
// send a burst and know it is all inside one window.
func GateArgDebounce(t testing.TB) (release func()) {
	gate := make(chan struct{})
	if !debounceGate.CompareAndSwap(nil, &gate) {
		t.Fatal("the debounce gate is already held")
	}
	var released bool
	release = func() {
		if !released {
			released = true
			close(gate)
		}
	}
	t.Cleanup(func() {
		release()
		debounceGate.Store(nil)
	})
	return release
}

// SetArgWait sets how long completions wait for the server's answer, for
// a test about the answer rather than the cap: on a loaded machine the
// answer may take longer than the cap. Call it before starting the server.
func SetArgWait(t testing.TB, d time.Duration) {
	old := argWait
	argWait = d
	t.Cleanup(func() { argWait = old })
}
