package lsp

import "testing"

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
