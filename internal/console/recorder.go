package console

import (
	"context"
	"fmt"
	"sync"
)

// Recorder is a [Sink] that keeps every event in memory, for tests and for
// whoever wants to show the whole console. The zero Recorder is ready to
// use and is safe for concurrent use.
type Recorder struct {
	mu     sync.Mutex
	events []Event
	// changed is closed and replaced on each Emit, waking every Wait.
	changed chan struct{}
}

// Emit records e.
func (r *Recorder) Emit(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	if r.changed != nil {
		close(r.changed)
		r.changed = nil
	}
}

// Events returns a copy of the events recorded so far, in emit order.
func (r *Recorder) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// Reset forgets the recorded events.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = nil
}

// Wait returns the first recorded event, past or future, for which pred is
// true. It returns ctx's error, wrapped, if ctx is done first. pred runs
// without the Recorder's lock held.
func (r *Recorder) Wait(ctx context.Context, pred func(Event) bool) (Event, error) {
	seen := 0
	for {
		r.mu.Lock()
		fresh := append([]Event(nil), r.events[seen:]...)
		seen = len(r.events)
		if r.changed == nil {
			r.changed = make(chan struct{})
		}
		changed := r.changed
		r.mu.Unlock()
		for _, e := range fresh {
			if pred(e) {
				return e, nil
			}
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return Event{}, fmt.Errorf("waiting for a console event: %w", ctx.Err())
		}
	}
}
