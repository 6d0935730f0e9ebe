package mcp

import (
	"encoding/json"
	"fmt"
	"time"

	"mcpls/internal/console"
)

// emitter builds console events for one server.
type emitter struct {
	server string
	sink   console.Sink
}

// enabled reports whether events go anywhere.
func (e emitter) enabled() bool { return e.sink != nil && e.sink != console.Discard }

func (e emitter) emit(ev console.Event) {
	if !e.enabled() {
		return
	}
	if ev.Time.IsZero() {
		ev.Time = time.Now()
	}
	if ev.Level == "" {
		ev.Level = console.LevelInfo
	}
	ev.Server = e.server
	e.sink.Emit(ev)
}

// event reports a transport or lifecycle event.
func (e emitter) event(level console.Level, format string, args ...any) {
	if !e.enabled() {
		return
	}
	e.emit(console.Event{Kind: console.KindEvent, Level: level, Message: console.RedactText(fmt.Sprintf(format, args...))})
}

// wireHead is the part of a JSON-RPC message the wire looks at.
type wireHead struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
}

// message reports one JSON-RPC message (kind KindSend or KindRecv).
func (e emitter) message(kind console.Kind, raw []byte) {
	if !e.enabled() {
		return
	}
	for _, ev := range console.MessageEvents(e.server, kind, raw) {
		e.sink.Emit(ev)
	}
}
