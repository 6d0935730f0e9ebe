package interop_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"mcpls/internal/console"
	"mcpls/internal/mcp"
	"mcpls/internal/mcptest"
)

// TestDemoServer runs the client against `mcpls demo-server`, the
// binary, over streamable HTTP and stdio, with small pages so discovery
// must follow nextCursor.
func TestDemoServer(t *testing.T) {
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	targets := map[string]func(t *testing.T) mcp.Target{
		"http": func(t *testing.T) mcp.Target {
			return mcp.Target{Name: "demo", Transport: mcp.TransportHTTP, URL: demoServerHTTP(t, "--page-size", "3")}
		},
		"stdio": func(t *testing.T) mcp.Target {
			return mcp.Target{Name: "demo", Transport: mcp.TransportStdio, Command: mcplsBin, Args: []string{"demo-server", "--stdio", "--page-size", "3"}}
		},
	}
	for _, name := range []string{"http", "stdio"} {
		t.Run(name, func(t *testing.T) {
			hc := noLeaks(t)
			rec := &console.Recorder{}
			s := connect(t, targets[name](t), options(hc, rec))
			cat := s.Catalog()
			pages := 0
			for _, e := range rec.Events() {
				if e.Kind == console.KindSend && e.Method == "tools/list" {
					pages++
				}
			}
			if pages < 2 || len(cat.Tools) <= 3 {
				t.Errorf("%d tools in %d tools/list pages, want several pages of 3", len(cat.Tools), pages)
			}
			for _, want := range []string{"echo", "add", "fail"} {
				if !slices.ContainsFunc(cat.Tools, func(x mcp.Tool) bool { return x.Name == want }) {
					t.Errorf("catalog lacks tool %q", want)
				}
			}
			ctx := testContext(t)
			res, err := s.CallTool(ctx, "add", json.RawMessage(`{"a":1.5,"b":2}`), nil)
			if err != nil || textOf(t, res) != "3.5" {
				t.Errorf("add = %+v, %v", res, err)
			}
			res, err = s.CallTool(ctx, "fail", nil, nil)
			if err != nil || !res.IsError {
				t.Errorf("fail = %+v, %v; want an isError result, not an error", res, err)
			}
			pr, err := s.GetPrompt(ctx, "greet", map[string]string{"name": "alice"}, nil)
			if err != nil || len(pr.Messages) == 0 || !strings.Contains(string(pr.Messages[0].Content), "alice") {
				t.Errorf("greet = %+v, %v", pr, err)
			}
			rr, err := s.ReadResource(ctx, "demo://readme", nil)
			if err != nil || len(rr.Contents) == 0 || rr.Contents[0].Text == "" {
				t.Errorf("readme = %+v, %v", rr, err)
			}
			vals, err := s.Complete(ctx, mcp.CompletionRef{Type: "ref/prompt", Name: "greet"}, "name", "", nil)
			if err != nil || len(vals) == 0 {
				t.Errorf("greet name completion = %v, %v", vals, err)
			}
		})
	}
}

// TestGoSDKServers runs the client against go-sdk servers: over stdio (a
// re-executed test binary that paginates by 4) and over streamable HTTP,
// in parallel through DiscoverAll.
func TestGoSDKServers(t *testing.T) {
	hc := noLeaks(t)
	rec := &console.Recorder{}
	srv := mcptest.StartHTTP(t, mcptest.NewServer(mcptest.Options{PageSize: 2, ExtraTools: 5}))
	cmd, args, env := mcptest.StdioCommand(mcptest.ModeServer)
	targets := []mcp.Target{
		{Name: "gosdk-http", Transport: mcp.TransportHTTP, URL: srv.URL},
		{Name: "gosdk-stdio", Transport: mcp.TransportStdio, Command: cmd, Args: args, Env: env},
	}
	results := mcp.DiscoverAll(testContext(t), targets, options(hc, rec))
	for _, r := range results {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Target.Name, r.Err)
		}
		t.Cleanup(func() { closeSession(t, r.Session) })
	}
	for _, r := range results {
		t.Run(r.Target.Name, func(t *testing.T) {
			// 11 built-in tools and the extra ones, over pages of 2 or 4.
			if n := len(r.Catalog.Tools); n < 16 {
				t.Errorf("%d tools, want every page", n)
			}
			res, err := r.Session.CallTool(testContext(t), "structured", nil, nil)
			if err != nil || res.SchemaError != "" || string(res.StructuredContent) != `{"sum":3}` {
				t.Errorf("structured = %+v, %v", res, err)
			}
			res, err = r.Session.CallTool(testContext(t), "structured", json.RawMessage(`{"bad":true}`), nil)
			if err != nil || !strings.Contains(res.SchemaError, "does not match the outputSchema") {
				t.Errorf("bad structured content: SchemaError = %q, %v", res.SchemaError, err)
			}
		})
	}
}
