package console

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// Kind says what an [Event] records.
type Kind string

// The kinds of console events.
const (
	KindSend   Kind = "send"   // a JSON-RPC message from the client to the server
	KindRecv   Kind = "recv"   // a JSON-RPC message from the server to the client
	KindEvent  Kind = "event"  // a transport event: connect, retry, reconnect, disconnect...
	KindHTTP   Kind = "http"   // one HTTP exchange: request line, status, duration
	KindStderr Kind = "stderr" // one line a stdio server wrote to its stderr
	KindAuth   Kind = "auth"   // one step of an auth flow
	KindLog    Kind = "log"    // an MCP notifications/message sent by the server
)

// Level is the severity of an [Event].
type Level string

// The levels of console events, from least to most severe.
const (
	LevelDebug   Level = "debug"
	LevelInfo    Level = "info"
	LevelWarning Level = "warning"
	LevelError   Level = "error"
)

// LevelFromMCP maps an MCP logging level (RFC 5424 names, as sent in
// notifications/message) to the console's four levels. Unknown names map to
// [LevelInfo].
func LevelFromMCP(level string) Level {
	switch level {
	case "debug":
		return LevelDebug
	case "info", "notice":
		return LevelInfo
	case "warning":
		return LevelWarning
	case "error", "critical", "alert", "emergency":
		return LevelError
	}
	return LevelInfo
}

// Event is one timed, structured line of an MCP connection's console.
// Message and Data are redacted by whoever builds the event (the helpers of
// this package do it); a [Masker] can scrub secrets learnt later.
type Event struct {
	Time    time.Time       `json:"time"`
	Server  string          `json:"server"`
	Kind    Kind            `json:"kind"`
	Level   Level           `json:"level"`
	Method  string          `json:"method,omitempty"` // JSON-RPC method, or HTTP method
	ID      string          `json:"id,omitempty"`     // JSON-RPC id
	Message string          `json:"message"`          // one human line, redacted
	Data    json.RawMessage `json:"data,omitempty"`   // the redacted message body
	// Elapsed is encoded as "elapsedMs", a number of milliseconds with
	// microsecond precision, and omitted when zero.
	Elapsed time.Duration `json:"elapsedMs,omitempty"`
}

// eventJSON is the wire shape of Event.
type eventJSON struct {
	Time      time.Time       `json:"time"`
	Server    string          `json:"server"`
	Kind      Kind            `json:"kind"`
	Level     Level           `json:"level"`
	Method    string          `json:"method,omitempty"`
	ID        string          `json:"id,omitempty"`
	Message   string          `json:"message"`
	Data      json.RawMessage `json:"data,omitempty"`
	ElapsedMs float64         `json:"elapsedMs,omitempty"`
}

// MarshalJSON encodes e with Elapsed in milliseconds. Data that is not valid
// JSON is encoded as a JSON string, so an event always encodes.
func (e Event) MarshalJSON() ([]byte, error) {
	w := eventJSON{
		Time: e.Time, Server: e.Server, Kind: e.Kind, Level: e.Level,
		Method: e.Method, ID: e.ID, Message: e.Message, Data: e.Data,
		ElapsedMs: float64(e.Elapsed.Microseconds()) / 1000,
	}
	if len(w.Data) > 0 && !json.Valid(w.Data) {
		w.Data = quote(string(w.Data))
	}
	return marshalNoEscape(w)
}

// UnmarshalJSON decodes what MarshalJSON encodes.
func (e *Event) UnmarshalJSON(b []byte) error {
	var w eventJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("decoding console event: %w", err)
	}
	*e = Event{
		Time: w.Time, Server: w.Server, Kind: w.Kind, Level: w.Level,
		Method: w.Method, ID: w.ID, Message: w.Message, Data: w.Data,
		Elapsed: time.Duration(math.Round(w.ElapsedMs * float64(time.Millisecond))),
	}
	return nil
}

// String renders e as one human line, as a log file or a terminal shows it.
func (e Event) String() string {
	s := fmt.Sprintf("%s %s %-6s %s", e.Time.Format("15:04:05.000"), e.Server, e.Kind, e.Message)
	if e.Elapsed > 0 {
		s += fmt.Sprintf(" (%s)", e.Elapsed.Round(time.Microsecond))
	}
	return s
}

// quote encodes s as a JSON string without HTML escaping.
func quote(s string) json.RawMessage {
	b, _ := marshalNoEscape(s)
	return b
}
