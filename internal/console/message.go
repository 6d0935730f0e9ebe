package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// MessageEvents builds the events for JSON-RPC traffic: one event per
// message, or per element of a batch. kind is [KindSend] or [KindRecv].
// Each event carries the message's method and id, a one-line summary
// ("→ tools/call #3", "← result #3", "← error #3: -32601 Method not found")
// and the redacted message as Data. Text that is not JSON gives one
// warning event holding the redacted text.
func MessageEvents(server string, kind Kind, raw []byte) []Event {
	now := time.Now()
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var batch []json.RawMessage
		if err := json.Unmarshal(trimmed, &batch); err == nil {
			events := make([]Event, 0, len(batch))
			for _, msg := range batch {
				events = append(events, messageEvent(now, server, kind, msg))
			}
			return events
		}
	}
	return []Event{messageEvent(now, server, kind, trimmed)}
}

// rpcMessage is the part of a JSON-RPC message a summary needs.
type rpcMessage struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Error  *struct {
		Code    int64  `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func messageEvent(now time.Time, server string, kind Kind, raw []byte) Event {
	e := Event{Time: now, Server: server, Kind: kind, Level: LevelDebug}
	arrow := "→"
	if kind == KindRecv {
		arrow = "←"
	}
	var msg rpcMessage
	if err := json.Unmarshal(raw, &msg); err != nil {
		e.Level = LevelWarning
		e.Message = fmt.Sprintf("%s malformed JSON-RPC message: %s", arrow, excerpt(RedactText(string(raw)), 120))
		e.Data = RedactBody(raw)
		return e
	}
	e.Method = msg.Method
	e.ID = idString(msg.ID)
	e.Data = redactValidJSON(raw, nil) // the decode above checked it
	e.Message = summary(arrow, &msg, e.ID)
	if msg.Error != nil {
		e.Level = LevelError
	}
	return e
}

func summary(arrow string, msg *rpcMessage, id string) string {
	idPart := ""
	if id != "" {
		idPart = " #" + id
	}
	switch {
	case msg.Method != "" && id != "":
		return arrow + " " + msg.Method + idPart
	case msg.Method != "":
		return arrow + " " + msg.Method + " (notification)"
	case msg.Error != nil:
		return fmt.Sprintf("%s error%s: %d %s", arrow, idPart, msg.Error.Code, RedactText(msg.Error.Message))
	}
	return arrow + " result" + idPart
}

// idString renders a JSON-RPC id: a number as is, a string unquoted.
func idString(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// excerpt cuts s to at most n bytes on a rune boundary, marking the cut.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
