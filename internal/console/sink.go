package console

// Sink receives console events. Implementations must be safe for concurrent
// use and must not block for long: Emit runs on the connection's own
// goroutines, between reading and handling a message. A Sink must not call
// back into whatever emitted the event.
type Sink interface {
	Emit(Event)
}

// SinkFunc adapts a function to a [Sink].
type SinkFunc func(Event)

// Emit calls f(e).
func (f SinkFunc) Emit(e Event) { f(e) }

// Discard is a [Sink] that drops every event. Code that builds events only
// for a sink may skip the work when its sink is Discard.
var Discard Sink = discard{}

type discard struct{}

func (discard) Emit(Event) {}

// Tee returns a [Sink] that emits each event to every sink in turn. Nil
// sinks and [Discard] are skipped; with nothing left, Tee returns Discard.
func Tee(sinks ...Sink) Sink {
	var live tee
	for _, s := range sinks {
		if s != nil && s != Discard {
			live = append(live, s)
		}
	}
	switch len(live) {
	case 0:
		return Discard
	case 1:
		return live[0]
	}
	return live
}

type tee []Sink

func (t tee) Emit(e Event) {
	for _, s := range t {
		s.Emit(e)
	}
}
