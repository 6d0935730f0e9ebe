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

func (e emitter) emit(ev console.Event) {
	if e.sink == nil || e.sink == console.Discard {
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
	e.emit(console.Event{Kind: console.KindEvent, Level: level, Message: console.RedactText(fmt.Sprintf(format, args...))})
}

// wireHead is the part of a JSON-RPC message the wire looks at.
type wireHead struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
}

// message reports one JSON-RPC message (kind KindSend or KindRecv).
func (e emitter) message(kind console.Kind, raw []byte) {
	if e.sink == nil || e.sink == console.Discard {
		return
	}
	for _, ev := range console.MessageEvents(e.server, kind, raw) {
		e.sink.Emit(ev)
	}
}
