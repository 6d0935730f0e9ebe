package console

import (
	"bytes"
	"fmt"
	"sort"
	"sync"
	"unicode/utf8"
)

// RingLimits bound what a [Ring] keeps. A zero byte limit means no limit
// of that kind.
type RingLimits struct {
	// Events is how many events of each server are kept, the most recent;
	// with zero, the Ring keeps none and only passes events to its
	// subscribers.
	Events int
	// BodyBytes is the largest Data (and Message) an event keeps whole in
	// the history; a larger one is kept as an excerpt of that many bytes,
	// marked with the full size (see [Ring]). Live subscribers always get
	// the whole event.
	BodyBytes int
	// ServerBytes bounds the history of one server, TotalBytes that of
	// every server together. An event counts its text and body plus a fixed
	// overhead of about 250 bytes; the oldest events go first.
	ServerBytes int
	TotalBytes  int
}

// DefaultRingLimits are the limits of [NewRing]: each connection's history
// holds its recent traffic with bodies cut to 16 KiB (enough for most call
// results; one tools/list page can be hundreds of KiB, and a workspace may
// connect hundreds of servers), within 256 KiB per server and 4 MiB
// overall.
var DefaultRingLimits = RingLimits{Events: 500, BodyBytes: 16 << 10, ServerBytes: 256 << 10, TotalBytes: 1 << 20}

// eventOverhead is what an event costs in a history beyond its strings and
// body: its slot in the queue (with the queue's spare room), its time,
// kind and level.
const eventOverhead = 256

// Ring is a [Sink] that keeps the recent events of each server, so a
// console opened late can show what happened before it subscribed. It is
// bounded by its [RingLimits]: when a server's history is over its limits,
// its oldest events go; when the whole is over TotalBytes, the oldest
// events of the server holding the most go, so one chatty server does not
// push out the history of quiet ones.
//
// An event whose body is larger than BodyBytes is kept in the history with
// Data holding the first BodyBytes of the body as a JSON string (a cut
// body is no longer JSON), and its Message saying so: "← result #3 [body
// cut to 1024 of 812345 bytes in the history]". A longer Message is cut
// the same way. Subscribers get every event whole, as emitted.
//
// The zero Ring keeps nothing; use [NewRing] or [NewRingWith]. A Ring is
// safe for concurrent use.
type Ring struct {
	limits RingLimits

	mu      sync.Mutex
	seq     uint64
	total   int // bytes of every history
	servers map[string]*history
	subs    map[int]subscriber
	nextSub int
}

// history is one server's events, oldest first: a queue whose front is
// events[head].
type history struct {
	events []seqEvent
	head   int
	bytes  int
}

func (h *history) len() int { return len(h.events) - h.head }

// push appends se.
func (h *history) push(se seqEvent) {
	h.events = append(h.events, se)
	h.bytes += se.size
}

// pop drops the oldest event and returns its size.
func (h *history) pop() int {
	size := h.events[h.head].size
	h.events[h.head] = seqEvent{} // let go of its strings
	h.head++
	h.bytes -= size
	if h.head >= 16 && h.head*2 >= len(h.events) {
		// Move the live part to an array its size: the queue neither
		// grows forever nor keeps the room of a burst it has shed.
		live := h.events[h.head:]
		h.events = append(make([]seqEvent, 0, len(live)+len(live)/2+4), live...)
		h.head = 0
	}
	return size
}

func (h *history) live() []seqEvent { return h.events[h.head:] }

// subscriber is a live sink, with the server it follows ("" for all).
type subscriber struct {
	server string
	sink   Sink
}

type seqEvent struct {
	seq  uint64
	size int
	Event
}

// NewRing returns a Ring that keeps up to n events per server within the
// byte limits of [DefaultRingLimits].
func NewRing(n int) *Ring {
	l := DefaultRingLimits
	l.Events = n
	return NewRingWith(l)
}

// NewRingWith returns a Ring bounded by l.
func NewRingWith(l RingLimits) *Ring {
	return &Ring{limits: l, servers: make(map[string]*history), subs: make(map[int]subscriber)}
}

// Emit records e in its server's history and passes it, whole, to the
// subscribers. Subscribers run with the Ring's lock held, so each sees
// every event once, in order, after its history; they must not call back
// into the Ring.
func (r *Ring) Emit(e Event) {
	var kept Event
	if r.limits.Events > 0 {
		kept = shorten(e, r.limits.BodyBytes)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.limits.Events > 0 {
		r.record(kept)
	}
	for _, s := range r.subs {
		if s.server == "" || s.server == e.Server {
			s.sink.Emit(e)
		}
	}
}

// record adds e, as shortened for the history, and applies the limits.
func (r *Ring) record(e Event) {
	if r.servers == nil {
		r.servers = make(map[string]*history)
	}
	h := r.servers[e.Server]
	if h == nil {
		h = &history{}
		r.servers[e.Server] = h
	}
	r.seq++
	se := seqEvent{seq: r.seq, size: eventSize(e), Event: e}
	h.push(se)
	r.total += se.size
	for h.len() > r.limits.Events || (r.limits.ServerBytes > 0 && h.bytes > r.limits.ServerBytes && h.len() > 1) {
		r.total -= h.pop()
	}
	r.trim(h)
}

// trim brings the histories under TotalBytes when they are over it. It
// takes the oldest events of the largest histories, leveling them, so one
// chatty server does not push out the history of quiet ones; and it goes
// down to a low-water mark below the limit, so that with hundreds of busy
// servers it sorts them once per many evictions, not on every event.
// The newest event, in newest, stays even when it alone is over the limit.
func (r *Ring) trim(newest *history) {
	limit := r.limits.TotalBytes
	if limit <= 0 || r.total <= limit {
		return
	}
	target := limit - limit/16
	hs := make([]*history, 0, len(r.servers))
	for _, h := range r.servers {
		if h.len() > 0 {
			hs = append(hs, h)
		}
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].bytes > hs[j].bytes })
	level := levelFor(hs, r.total-target)
	for _, h := range hs {
		if h.bytes <= level {
			break
		}
		for h.bytes > level && r.total > target && (h != newest || h.len() > 1) {
			r.total -= h.pop()
		}
	}
}

// levelFor returns the size the largest histories (hs, largest first) are
// cut down to so that together they shed at least excess bytes.
func levelFor(hs []*history, excess int) int {
	sum := 0
	for k, h := range hs {
		sum += h.bytes
		next := 0
		if k+1 < len(hs) {
			next = hs[k+1].bytes
		}
		if sum-(k+1)*next >= excess {
			return max(0, (sum-excess)/(k+1))
		}
	}
	return 0
}

// eventSize is what e costs in a history. Server is shared by every event
// of a connection and is not counted.
func eventSize(e Event) int {
	return eventOverhead + len(e.Method) + len(e.ID) + len(e.Message) + len(e.Data)
}

// shorten returns e as a history keeps it: a Data or Message longer than
// limit (when limit > 0) is cut to an excerpt of limit bytes, marked with
// the full size. An excerpt is a copy, and so is a body with much spare
// capacity: the history never holds on to more than it counts.
func shorten(e Event, limit int) Event {
	if limit > 0 && len(e.Message) > limit {
		full := len(e.Message)
		e.Message = cut(e.Message, limit) + fmt.Sprintf("… [message cut to %d of %d bytes in the history]", limit, full)
	}
	if limit > 0 && len(e.Data) > limit {
		full := len(e.Data)
		e.Data = quote(cut(e.Data, limit) + "…")
		e.Message += fmt.Sprintf(" [body cut to %d of %d bytes in the history]", limit, full)
	}
	if cap(e.Data)-len(e.Data) > slack {
		e.Data = bytes.Clone(e.Data) // the encoder's buffer is twice as large
	}
	return e
}

// slack is the spare capacity a kept body may have before it is copied
// to its size.
const slack = 64

// cut returns a copy of the first n bytes of s at most, not splitting a
// UTF-8 sequence.
func cut[S ~string | ~[]byte](s S, n int) string {
	if len(s) <= n {
		return string(s)
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return string(s[:n])
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
	for name, h := range r.servers {
		if server != "" && name != server {
			continue
		}
		all = append(all, h.live()...)
	}
	if server == "" {
		sort.Slice(all, func(i, j int) bool { return all[i].seq < all[j].seq })
	}
	out := make([]Event, len(all))
	for i, se := range all {
		out[i] = se.Event
	}
	return out
}

// Bytes returns what the histories hold, by the count the limits use.
func (r *Ring) Bytes() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.total
}

// Forget drops the history of server, for a server removed from the config.
func (r *Ring) Forget(server string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if h := r.servers[server]; h != nil {
		r.total -= h.bytes
		delete(r.servers, server)
	}
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
