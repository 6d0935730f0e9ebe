package lsp

import (
	"context"
	"sync"
)

// coalesced runs a job in the background such that triggers arriving
// while it runs cause one more run after it, not one run each. The zero
// value is ready.
type coalesced struct {
	mu      sync.Mutex
	running bool
	again   bool
}

// trigger runs job through spawn (which starts it in the background with
// a context), or, when a run is in progress, once more after it.
func (c *coalesced) trigger(spawn func(func(context.Context)), job func(context.Context)) {
	c.mu.Lock()
	if c.running {
		c.again = true
		c.mu.Unlock()
		return
	}
	c.running = true
	c.mu.Unlock()
	spawn(func(ctx context.Context) {
		for {
			job(ctx)
			if !c.more(ctx) {
				return
			}
		}
	})
}

// more reports whether a trigger came during the last run, and ends the
// runs when none did or ctx is done.
func (c *coalesced) more(ctx context.Context) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.again && ctx.Err() == nil {
		c.again = false
		return true
	}
	c.running, c.again = false, false
	return false
}
