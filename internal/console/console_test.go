package console

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestEventJSON(t *testing.T) {
	at := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		e    Event
		want string
	}{
		{"elapsed in ms", Event{Time: at, Server: "s", Kind: KindHTTP, Level: LevelDebug, Method: "POST", Message: "m", Elapsed: 12500 * time.Microsecond},
			`{"time":"2026-11-26T02:30:00Z","server":"s","kind":"http","level":"debug","method":"POST","message":"m","elapsedMs":12.5}`},
		{"sub-millisecond", Event{Time: at, Server: "s", Kind: KindHTTP, Level: LevelDebug, Message: "m", Elapsed: 1234567 * time.Nanosecond},
			`{"time":"2026-11-26T02:30:00Z","server":"s","kind":"http","level":"debug","message":"m","elapsedMs":1.234}`},
		{"zero fields omitted", Event{Time: at, Server: "s", Kind: KindEvent, Level: LevelInfo, Message: "connected"},
			`{"time":"2026-11-26T02:30:00Z","server":"s","kind":"event","level":"info","message":"connected"}`},
		{"data and id", Event{Time: at, Server: "s", Kind: KindRecv, Level: LevelDebug, ID: "3", Message: "m", Data: json.RawMessage(`{"a":1}`)},
			`{"time":"2026-11-26T02:30:00Z","server":"s","kind":"recv","level":"debug","id":"3","message":"m","data":{"a":1}}`},
		{"invalid data quoted", Event{Time: at, Server: "s", Kind: KindStderr, Level: LevelInfo, Message: "m", Data: json.RawMessage(`oops<`)},
			`{"time":"2026-11-26T02:30:00Z","server":"s","kind":"stderr","level":"info","message":"m","data":"oops\u003c"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.e)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("Marshal\n got %s\nwant %s", b, tt.want)
			}
			var back Event
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if len(tt.e.Data) > 0 && !json.Valid(tt.e.Data) {
				return // quoted on the way out, so it does not round-trip
			}
			want := tt.e
			want.Elapsed = want.Elapsed.Truncate(time.Microsecond) // the wire keeps microseconds
			if diff := cmp.Diff(want, back); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLevelFromMCP(t *testing.T) {
	for in, want := range map[string]Level{
		"debug": LevelDebug, "info": LevelInfo, "notice": LevelInfo, "warning": LevelWarning,
		"error": LevelError, "critical": LevelError, "alert": LevelError, "emergency": LevelError, "bogus": LevelInfo,
	} {
		t.Run(in, func(t *testing.T) {
			if got := LevelFromMCP(in); got != want {
				t.Errorf("LevelFromMCP(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

func TestTee(t *testing.T) {
	var a, b Recorder
	if Tee() != Discard || Tee(nil, Discard) != Discard {
		t.Errorf("Tee of nothing is not Discard")
	}
	if Tee(&a, nil) != Sink(&a) {
		t.Errorf("Tee of one sink is not that sink")
	}
	Tee(&a, Discard, &b).Emit(Event{Message: "x"})
	if len(a.Events()) != 1 || len(b.Events()) != 1 {
		t.Errorf("Tee delivered %d and %d events, want 1 and 1", len(a.Events()), len(b.Events()))
	}
	Discard.Emit(Event{}) // must not panic
}

func TestRecorderWait(t *testing.T) {
	var rec Recorder
	rec.Emit(Event{Message: "early"})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	t.Run("past event", func(t *testing.T) {
		e, err := rec.Wait(ctx, func(e Event) bool { return e.Message == "early" })
		if err != nil || e.Message != "early" {
			t.Fatalf("Wait = %v, %v", e, err)
		}
	})
	t.Run("future event", func(t *testing.T) {
		waiting := make(chan struct{})
		got := make(chan Event, 1)
		go func() {
			e, _ := rec.Wait(ctx, func(e Event) bool {
				if e.Message == "early" {
					close(waiting) // the waiter has scanned history
				}
				return e.Message == "late"
			})
			got <- e
		}()
		<-waiting
		rec.Emit(Event{Message: "other"})
		rec.Emit(Event{Message: "late"})
		if e := <-got; e.Message != "late" {
			t.Errorf("Wait returned %q, want late", e.Message)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		cctx, ccancel := context.WithCancel(ctx)
		ccancel()
		if _, err := rec.Wait(cctx, func(Event) bool { return false }); err == nil {
			t.Errorf("Wait on a cancelled context returned no error")
		}
	})
}

func TestRing(t *testing.T) {
	r := NewRing(2)
	for i := range 3 {
		r.Emit(Event{Server: "a", Message: fmt.Sprint("a", i)})
		r.Emit(Event{Server: "b", Message: fmt.Sprint("b", i)})
	}
	messages := func(events []Event) string {
		var s []string
		for _, e := range events {
			s = append(s, e.Message)
		}
		return strings.Join(s, " ")
	}
	if got, want := messages(r.Events("a")), "a1 a2"; got != want {
		t.Errorf(`Events("a") = %q, want %q`, got, want)
	}
	if got, want := messages(r.Events("")), "a1 b1 a2 b2"; got != want {
		t.Errorf(`Events("") = %q, want %q`, got, want)
	}

	var live Recorder
	history, cancel := r.Subscribe("b", &live)
	if got, want := messages(history), "b1 b2"; got != want {
		t.Errorf("Subscribe history = %q, want %q", got, want)
	}
	r.Emit(Event{Server: "a", Message: "a3"}) // another server: not followed
	r.Emit(Event{Server: "b", Message: "b3"})
	cancel()
	r.Emit(Event{Server: "b", Message: "b4"})
	if got, want := messages(live.Events()), "b3"; got != want {
		t.Errorf("live events = %q, want %q", got, want)
	}

	r.Forget("a")
	if got := r.Events("a"); len(got) != 0 {
		t.Errorf("after Forget, Events(a) = %v", got)
	}
	var zero Ring
	zero.Emit(Event{Server: "x"}) // keeps nothing, must not panic
	if _, cancel := zero.Subscribe("", Discard); cancel == nil {
		t.Errorf("zero Ring Subscribe returned nil cancel")
	}
}

// TestConcurrentSinks runs every sink and the Masker under -race.
func TestConcurrentSinks(t *testing.T) {
	var rec Recorder
	var m Masker
	ring := NewRing(8)
	sink := m.Sink(Tee(&rec, ring))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				m.Add(fmt.Sprintf("secret-%d-%d", w, i))
				sink.Emit(Event{Server: fmt.Sprint(w % 3), Message: fmt.Sprintf("secret-%d-%d", w, i),
					Data: json.RawMessage(fmt.Sprintf(`{"v":"secret-%d-%d"}`, w, i))})
				_ = ring.Events("")
			}
		}()
	}
	if _, err := rec.Wait(ctx, func(e Event) bool { return e.Server == "2" }); err != nil {
		t.Error(err)
	}
	wg.Wait()
	events := rec.Events()
	if len(events) != 400 {
		t.Fatalf("recorded %d events, want 400", len(events))
	}
	for _, e := range events {
		if strings.Contains(e.Message, "secret-") || strings.Contains(string(e.Data), "secret-") {
			t.Fatalf("secret leaked: %+v", e)
		}
	}
}

func TestEventString(t *testing.T) {
	at := time.Date(2026, 11, 26, 2, 30, 1, 500_000_000, time.UTC)
	tests := []struct {
		e    Event
		want string
	}{
		{Event{Time: at, Server: "gh", Kind: KindEvent, Message: "connected"}, "02:30:01.500 gh event  connected"},
		{Event{Time: at, Server: "gh", Kind: KindHTTP, Message: "GET / → 200 OK", Elapsed: 1500 * time.Microsecond}, "02:30:01.500 gh http   GET / → 200 OK (1.5ms)"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.e.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}
