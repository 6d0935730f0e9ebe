package console

import (
	"context"
	"fmt"
	"sort"
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

// Ring is a [Sink] that keeps the most recent events of each server, so a
// console opened late can show what happened before it subscribed. The
// zero Ring keeps nothing; use [NewRing]. A Ring is safe for concurrent use.
type Ring struct {
	size int

	mu      sync.Mutex
	seq     uint64
	servers map[string]*ring
	subs    map[int]subscriber
	nextSub int
}

// ring is one server's circular buffer.
type ring struct {
	events []seqEvent
	next   int // where the next event goes once the buffer is full
}

// subscriber is a live sink, with the server it follows ("" for all).
type subscriber struct {
	server string
	sink   Sink
}

type seqEvent struct {
	seq uint64
	Event
}

// NewRing returns a Ring that keeps up to n events per server.
func NewRing(n int) *Ring {
	return &Ring{size: n, servers: make(map[string]*ring), subs: make(map[int]subscriber)}
}

// Emit records e in its server's history and passes it to the subscribers.
// Subscribers run with the Ring's lock held, so each sees every event once,
// in order, after its history; they must not call back into the Ring.
func (r *Ring) Emit(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.size > 0 {
		r.record(e)
	}
	for _, s := range r.subs {
		if s.server == "" || s.server == e.Server {
			s.sink.Emit(e)
		}
	}
}

func (r *Ring) record(e Event) {
	if r.servers == nil {
		r.servers = make(map[string]*ring)
	}
	b := r.servers[e.Server]
	if b == nil {
		b = &ring{}
		r.servers[e.Server] = b
	}
	r.seq++
	se := seqEvent{r.seq, e}
	if len(b.events) < r.size {
		b.events = append(b.events, se)
		return
	}
	b.events[b.next] = se
	b.next = (b.next + 1) % r.size
}

// Events returns the recent events of server, oldest first; with server
// "", the recent events of every server, in emit order.
func (r *Ring) Events(server string) []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.history(server)
}

func (r *Ring) history(server string) []Event {
	var all []seqEvent
	for name, b := range r.servers {
		if server != "" && name != server {
			continue
		}
		all = append(all, b.events[b.next:]...)
		all = append(all, b.events[:b.next]...)
	}
	if server == "" {
		sortBySeq(all)
	}
	out := make([]Event, len(all))
	for i, se := range all {
		out[i] = se.Event
	}
	return out
}

func sortBySeq(events []seqEvent) {
	sort.Slice(events, func(i, j int) bool { return events[i].seq < events[j].seq })
}

// Forget drops the history of server, for a server removed from the config.
func (r *Ring) Forget(server string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.servers, server)
}

// Subscribe returns the recent events of server ("" for every server) and,
// from then on, passes each new event of that server to s, with no gap and
// no repeat between the two. Call cancel to stop.
func (r *Ring) Subscribe(server string, s Sink) (history []Event, cancel func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.subs == nil {
		r.subs = make(map[int]subscriber)
	}
	id := r.nextSub
	r.nextSub++
	r.subs[id] = subscriber{server, s}
	return r.history(server), func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		delete(r.subs, id)
	}
}
