package console

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// body returns a JSON-RPC result of about n bytes.
func body(id, n int) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"result":{"text":%q}}`, id, strings.Repeat("x", n)))
}

func TestRingKeepsExcerptOfLargeBody(t *testing.T) {
	r := NewRingWith(RingLimits{Events: 10, BodyBytes: 64})
	var live Recorder
	_, cancel := r.Subscribe("", &live)
	defer cancel()
	big := body(1, 1000)
	small := body(2, 10)
	r.Emit(Event{Server: "a", Kind: KindRecv, Message: "← result #1", Data: big})
	r.Emit(Event{Server: "a", Kind: KindRecv, Message: "← result #2", Data: small})

	got := live.Events()
	if len(got) != 2 || string(got[0].Data) != string(big) || got[0].Message != "← result #1" {
		t.Fatalf("the live subscriber did not get the event whole: %+v", got)
	}
	hist := r.Events("a")
	if len(hist) != 2 {
		t.Fatalf("history has %d events, want 2", len(hist))
	}
	e := hist[0]
	if want := fmt.Sprintf("← result #1 [body cut to 64 of %d bytes in the history]", len(big)); e.Message != want {
		t.Errorf("history Message = %q, want %q", e.Message, want)
	}
	var excerpt string
	if err := json.Unmarshal(e.Data, &excerpt); err != nil {
		t.Fatalf("history Data is not a JSON string: %v: %s", err, e.Data)
	}
	if !strings.HasPrefix(string(big), strings.TrimSuffix(excerpt, "…")) || len(excerpt) > 64+len("…") {
		t.Errorf("history Data = %q, want the first 64 bytes of the body and …", excerpt)
	}
	if string(hist[1].Data) != string(small) || hist[1].Message != "← result #2" {
		t.Errorf("a small body was changed in the history: %+v", hist[1])
	}
	// The event encodes for the editor (lspext.ConsoleEvent carries Data raw).
	if _, err := json.Marshal(struct {
		Data json.RawMessage `json:"data"`
	}{e.Data}); err != nil {
		t.Errorf("history Data does not encode: %v", err)
	}
}

func TestRingCutsLongMessage(t *testing.T) {
	r := NewRingWith(RingLimits{Events: 10, BodyBytes: 16})
	line := strings.Repeat("é", 20) // 40 bytes: the cut must not split a rune
	r.Emit(Event{Server: "a", Kind: KindStderr, Message: line})
	got := r.Events("a")[0].Message
	if want := strings.Repeat("é", 8) + "… [message cut to 16 of 40 bytes in the history]"; got != want {
		t.Errorf("Message = %q, want %q", got, want)
	}
}

func TestRingBudgets(t *testing.T) {
	size := func(e Event) int { return eventSize(e) }
	unit := Event{Server: "a", Message: "m00", Data: body(0, 100)} // every event is this size
	u := size(unit)
	tests := []struct {
		name   string
		limits RingLimits
		emit   []string // servers, one event each, in order
		want   map[string]int
		total  int // the most Bytes may be
	}{
		{"events per server", RingLimits{Events: 2}, []string{"a", "a", "a", "b"},
			map[string]int{"a": 2, "b": 1}, 3 * u},
		{"bytes per server", RingLimits{Events: 100, ServerBytes: 3 * u}, []string{"a", "a", "a", "a", "a", "b"},
			map[string]int{"a": 3, "b": 1}, 4 * u},
		{"total bytes: the largest history gives way", RingLimits{Events: 100, TotalBytes: 6 * u},
			[]string{"q", "a", "a", "a", "a", "a", "a", "a", "b", "b"},
			map[string]int{"q": 1, "a": 3, "b": 2}, 6 * u},
		{"an event alone over every limit is kept", RingLimits{Events: 100, ServerBytes: u / 2, TotalBytes: u / 2},
			[]string{"a", "a"}, map[string]int{"a": 1}, u},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRingWith(tt.limits)
			var live Recorder
			_, cancel := r.Subscribe("", &live)
			defer cancel()
			for i, s := range tt.emit {
				e := unit
				e.Server, e.Message = s, fmt.Sprintf("m%02d", i)
				r.Emit(e)
			}
			for server, n := range tt.want {
				hist := r.Events(server)
				if len(hist) != n {
					t.Errorf("%s keeps %d events, want %d", server, len(hist), n)
					continue
				}
				// The most recent are kept, in order.
				var all []string
				for i, s := range tt.emit {
					if s == server {
						all = append(all, fmt.Sprintf("m%02d", i))
					}
				}
				for i, e := range hist {
					if want := all[len(all)-n+i]; e.Message != want {
						t.Errorf("%s event %d = %q, want %q", server, i, e.Message, want)
					}
				}
			}
			if got := r.Bytes(); got > tt.total {
				t.Errorf("Bytes() = %d, want at most %d", got, tt.total)
			}
			if got := len(live.Events()); got != len(tt.emit) {
				t.Errorf("the subscriber got %d events, want every one of %d", got, len(tt.emit))
			}
		})
	}
}

func TestRingAccountsForget(t *testing.T) {
	r := NewRingWith(RingLimits{Events: 10, TotalBytes: 1 << 20})
	r.Emit(Event{Server: "a", Message: "x", Data: body(1, 100)})
	r.Emit(Event{Server: "b", Message: "y"})
	r.Forget("a")
	if got, want := r.Bytes(), eventSize(Event{Message: "y"}); got != want {
		t.Errorf("after Forget, Bytes() = %d, want %d", got, want)
	}
	r.Forget("b")
	if got := r.Bytes(); got != 0 {
		t.Errorf("after forgetting everything, Bytes() = %d", got)
	}
}

// TestRingLetsGoOfBuffers checks that the history keeps what it counts: a
// body with much spare capacity is copied to its size, and a long queue
// that shed its events does not keep its array.
func TestRingLetsGoOfBuffers(t *testing.T) {
	r := NewRingWith(RingLimits{Events: 4, BodyBytes: 1 << 10})
	buf := make([]byte, 0, 64<<10)
	buf = append(buf, `{"ok":true}`...)
	r.Emit(Event{Server: "a", Data: buf})
	if got := cap(r.Events("a")[0].Data); got > len(buf)+slack {
		t.Errorf("the history keeps a body of %d bytes in an array of %d", len(buf), got)
	}
	for i := range 1000 {
		r.Emit(Event{Server: "a", Message: fmt.Sprint(i)})
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if h := r.servers["a"]; cap(h.events) > 64 {
		t.Errorf("a history of %d events holds an array of %d", h.len(), cap(h.events))
	}
}

// TestRingWithMaskerKeepsSecretsOut checks that a cut body is cut from
// the scrubbed one: the Masker runs before the Ring.
func TestRingWithMaskerKeepsSecretsOut(t *testing.T) {
	var m Masker
	m.Add("s3cret-value")
	r := NewRingWith(RingLimits{Events: 10, BodyBytes: 48})
	sink := m.Sink(r)
	sink.Emit(Event{Server: "a", Message: "← result", Data: json.RawMessage(
		`{"jsonrpc":"2.0","id":1,"result":{"v":"s3cret-value` + strings.Repeat("y", 200) + `"}}`)})
	e := r.Events("a")[0]
	if strings.Contains(string(e.Data), "s3cret") || !strings.Contains(e.Message, "cut to 48") {
		t.Errorf("history event = %+v", e)
	}
}
