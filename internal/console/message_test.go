package console

import (
	"strings"
	"testing"
)

func TestMessageEvents(t *testing.T) {
	type want struct {
		method, id, message string
		level               Level
	}
	tests := []struct {
		name string
		kind Kind
		in   string
		want []want
	}{
		{"request", KindSend, `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"add"}}`,
			[]want{{"tools/call", "3", "→ tools/call #3", LevelDebug}}},
		{"string id", KindSend, `{"jsonrpc":"2.0","id":"a-1","method":"ping"}`,
			[]want{{"ping", "a-1", "→ ping #a-1", LevelDebug}}},
		{"notification", KindSend, `{"jsonrpc":"2.0","method":"notifications/initialized"}`,
			[]want{{"notifications/initialized", "", "→ notifications/initialized (notification)", LevelDebug}}},
		{"result", KindRecv, `{"jsonrpc":"2.0","id":3,"result":{}}`,
			[]want{{"", "3", "← result #3", LevelDebug}}},
		{"error", KindRecv, `{"jsonrpc":"2.0","id":4,"error":{"code":-32601,"message":"Method not found"}}`,
			[]want{{"", "4", "← error #4: -32601 Method not found", LevelError}}},
		{"batch", KindSend, `[{"jsonrpc":"2.0","id":1,"method":"a"},{"jsonrpc":"2.0","method":"b"}]`,
			[]want{{"a", "1", "→ a #1", LevelDebug}, {"b", "", "→ b (notification)", LevelDebug}}},
		{"malformed", KindRecv, `{"jsonrpc":"2.0", token=abc`,
			[]want{{"", "", `← malformed JSON-RPC message: {"jsonrpc":"2.0", token=` + Mask, LevelWarning}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events := MessageEvents("srv", tt.kind, []byte(tt.in))
			if len(events) != len(tt.want) {
				t.Fatalf("got %d events, want %d", len(events), len(tt.want))
			}
			for i, e := range events {
				got := want{e.Method, e.ID, e.Message, e.Level}
				if got != tt.want[i] {
					t.Errorf("event %d = %+v, want %+v", i, got, tt.want[i])
				}
				if e.Server != "srv" || e.Kind != tt.kind || e.Time.IsZero() || len(e.Data) == 0 {
					t.Errorf("event %d header = %q %q %v, data %d bytes", i, e.Server, e.Kind, e.Time, len(e.Data))
				}
			}
		})
	}
	t.Run("data redacted", func(t *testing.T) {
		e := MessageEvents("s", KindSend, []byte(`{"jsonrpc":"2.0","id":1,"method":"x","params":{"apiKey":"k-123"}}`))[0]
		if strings.Contains(string(e.Data), "k-123") {
			t.Errorf("Data leaks the key: %s", e.Data)
		}
	})
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"a  b\n c", 10, "a b c"},
		{"abcdef", 3, "abc…"},
		{"aé", 2, "a…"}, // never splits a rune
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := excerpt(tt.in, tt.n); got != tt.want {
				t.Errorf("excerpt(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}
