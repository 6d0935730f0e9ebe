package runner

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"mcpls/internal/config"
	"mcpls/internal/mcp"
)

// TestRunAll runs a collection against the demo server and a server that
// is down: outcomes come in file order, each with the right verdict.
func TestRunAll(t *testing.T) {
	port := startDemo(t)
	f := load(t, `{
  "mcpServers": {
    "demo": { "type": "http", "url": "http://127.0.0.1:`+port+`/mcp" },
    "down": { "type": "http", "url": "http://127.0.0.1:`+closedPort(t)+`/mcp" }
  },
  "requests": [
    { "name": "add", "server": "demo", "tool": "add", "arguments": { "a": 1, "b": 2 } },
    { "name": "unreachable", "server": "down", "tool": "add" },
    { "name": "fail", "server": "demo", "tool": "fail", "arguments": { "message": "boom\nmore" } },
    { "server": "demo", "prompt": "greet", "arguments": { "name": "alice", "style": "pirate" } },
    { "name": "item", "server": "demo", "resource": "demo://items/{id}", "arguments": { "id": 3 } },
    { "name": "no such tool", "server": "demo", "tool": "nope" }
  ]
}`, envOf(map[string]string{"DEMO_PORT": port}))
	env := envOf(map[string]string{"DEMO_PORT": port, "B": "2"})
	ctx, cancel := context.WithTimeout(context.Background(), testWait)
	defer cancel()
	var order []string
	var mu sync.Mutex
	connected := map[string]error{}
	got := RunAll(ctx, f, f.Requests, Options{
		Env:       env,
		OnOutcome: func(o Outcome) { order = append(order, o.Name) },
		OnConnect: func(tg mcp.Target, s *mcp.Session, err error) {
			mu.Lock()
			defer mu.Unlock()
			if err == nil && len(s.Catalog().Tools) == 0 {
				err = errors.New("empty catalog")
			}
			connected[tg.Name] = err
		},
	})
	if diff := cmp.Diff([]string{"add", "unreachable", "fail", "prompt greet", "item", "no such tool"}, order); diff != "" {
		t.Errorf("OnOutcome order (-want +got):\n%s", diff)
	}
	if connected["demo"] != nil || !errors.Is(connected["down"], mcp.ErrRefused) {
		t.Errorf("OnConnect saw %v", connected)
	}
	type verdict struct {
		Name, Kind, Target string
		OK, IsError, Err   bool
		Summary            string
	}
	var verdicts []verdict
	for _, o := range got {
		v := verdict{o.Name, o.Kind, o.Target, o.OK, o.IsError, o.Err != nil, o.Summary}
		if o.Err != nil {
			v.Summary = "" // error texts are checked below
		}
		verdicts = append(verdicts, v)
	}
	want := []verdict{
		{"add", "tool", "add", true, false, false, "3"},
		{"unreachable", "tool", "add", false, false, true, ""},
		{"fail", "tool", "fail", false, true, false, "boom"},
		{"prompt greet", "prompt", "greet", true, false, false, "1 message"},
		{"item", "resource", "demo://items/3", true, false, false, "1 item, application/json"},
		{"no such tool", "tool", "nope", false, false, true, ""},
	}
	if diff := cmp.Diff(want, verdicts); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	if !errors.Is(got[1].Err, mcp.ErrRefused) || !strings.Contains(got[1].Summary, "refused") {
		t.Errorf("unreachable: err %v, summary %q", got[1].Err, got[1].Summary)
	}
	if !strings.Contains(got[5].Summary, "nope") {
		t.Errorf("unknown tool summary %q should name it", got[5].Summary)
	}
	var res mcp.ToolResult
	if err := json.Unmarshal(got[0].Response, &res); err != nil || len(res.Content) != 1 {
		t.Errorf("add response %s: %v", got[0].Response, err)
	}
	if got[0].Duration <= 0 {
		t.Errorf("add took %v", got[0].Duration)
	}
}

// TestRunAllTargetErrors fails every request of a server whose target
// cannot be built, without connecting.
func TestRunAllTargetErrors(t *testing.T) {
	f := load(t, `{
  "servers": { "s": { "url": "http://127.0.0.1:1/${input:path}" } },
  "inputs": [ { "id": "path", "type": "promptString" } ],
  "requests": [ { "name": "a", "server": "s", "tool": "x" }, { "name": "b", "server": "s", "tool": "y" } ]
}`, config.Env{})
	got := RunAll(context.Background(), f, f.Requests, Options{Env: envOf(nil)})
	for _, o := range got {
		if o.OK || !errors.Is(o.Err, ErrInputMissing) || !strings.Contains(o.Summary, "MCPLS_INPUT_PATH") {
			t.Errorf("%s: ok=%v err=%v summary=%q", o.Name, o.OK, o.Err, o.Summary)
		}
	}
}
