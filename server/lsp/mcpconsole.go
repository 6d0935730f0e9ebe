package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.lsp.dev/protocol"

	"mcpls/internal/console"
	"mcpls/internal/mcp"
	"mcpls/server/lspext"
)

// editorConsole forwards console events to the editor: mcp/console when
// announced, else window/logMessage for info level and up. Events are
// already redacted by internal/mcp; Notify never blocks.
type editorConsole struct{ s *Server }

func (c editorConsole) Emit(e console.Event) {
	if c.s.state.snapshot().Caps().MCP.Console {
		c.s.client.Notify(lspext.MethodConsole, toConsoleEvent(e))
		return
	}
	if e.Level == console.LevelDebug {
		return
	}
	c.s.client.LogMessage(logType(e.Level), "["+e.Server+"] "+e.Message)
}

func toConsoleEvent(e console.Event) lspext.ConsoleEvent {
	return lspext.ConsoleEvent{
		Time: e.Time.UTC().Format("2006-01-02T15:04:05.000Z07:00"), Server: e.Server,
		Kind: string(e.Kind), Level: string(e.Level), Method: e.Method, ID: e.ID,
		Message: e.Message, Data: e.Data, ElapsedMs: float64(e.Elapsed.Microseconds()) / 1000,
	}
}

func logType(l console.Level) protocol.MessageType {
	switch l {
	case console.LevelError:
		return protocol.MessageTypeError
	case console.LevelWarning:
		return protocol.MessageTypeWarning
	}
	return protocol.MessageTypeInfo
}

// elicitor answers a server's elicitation: the editor's form (mcp/elicit)
// when announced, else a decline with a line on the server's console
// saying why.
type elicitor struct {
	s    *Server
	sink console.Sink
}

func (el elicitor) Elicit(ctx context.Context, server string, req mcp.ElicitRequest) (mcp.ElicitResult, error) {
	if !el.s.state.snapshot().Caps().MCP.Elicit {
		el.sink.Emit(console.Event{Time: time.Now(), Server: server, Kind: console.KindEvent,
			Level: console.LevelWarning, Message: "declined an elicitation request: this editor has no form for it (mcp/elicit)"})
		return mcp.ElicitResult{Action: "decline"}, nil
	}
	var res lspext.ElicitResult
	params := lspext.ElicitParams{Server: server, Message: req.Message, Mode: req.Mode,
		RequestedSchema: req.RequestedSchema, PropertyOrder: req.PropertyOrder, URL: req.URL}
	if err := el.s.client.Call(ctx, lspext.MethodElicit, params, &res); err != nil {
		return mcp.ElicitResult{}, fmt.Errorf("asking the editor (%s): %w", lspext.MethodElicit, err)
	}
	out := mcp.ElicitResult{Action: res.Action}
	if len(res.Content) > 0 && res.Action == "accept" {
		if err := json.Unmarshal(res.Content, &out.Content); err != nil {
			return mcp.ElicitResult{}, fmt.Errorf("decoding the form's content: %w", err)
		}
	}
	return out, nil
}

// writeConsole writes the recent console events of server to a file under
// dir, for editors without mcp/console, and returns its path.
func writeConsole(dir, server string, events []console.Event) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("creating %s: %w", dir, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# console of %s (%d recent events)\n\n", server, len(events))
	for _, e := range events {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	path := filepath.Join(dir, fileSafe(server)+"-console.log")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return "", fmt.Errorf("writing the console of %q: %w", server, err)
	}
	return path, nil
}

// fileSafe turns a name into a file name part.
func fileSafe(name string) string {
	out := []rune(name)
	for i, r := range out {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			out[i] = '_'
		}
	}
	if len(out) > 60 {
		out = out[:60]
	}
	if len(out) == 0 {
		return "_"
	}
	return string(out)
}
