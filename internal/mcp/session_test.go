package mcp_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"mcpls/internal/console"
	"mcpls/internal/mcp"
	"mcpls/internal/mcptest"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// transports starts the same test server over each transport.
func transports(t *testing.T) map[string]mcp.Target {
	opts := mcptest.Options{PageSize: 4, ExtraTools: 6}
	sse := mcptest.StartSSE(t, mcptest.NewServer(opts))
	return map[string]mcp.Target{
		"http":  httpTarget(mcptest.StartHTTP(t, mcptest.NewServer(opts)).URL),
		"sse":   {Name: "test", Transport: mcp.TransportSSE, URL: sse.URL},
		"stdio": stdioTarget(mcptest.ModeServer),
	}
}

func TestDiscoveryReadsEveryPage(t *testing.T) {
	for name, target := range transports(t) {
		t.Run(name, func(t *testing.T) {
			s, rec := connect(t, target, nil)
			cat := s.Catalog()
			var tools []string
			for _, tool := range cat.Tools {
				tools = append(tools, tool.Name)
			}
			want := []string{"add_tool", "die", "dropstream", "echo", "elicit", "fail", "garble", "hang", "log", "roots", "sample", "slow", "structured",
				"tool_000", "tool_001", "tool_002", "tool_003", "tool_004", "tool_005", "touch"}
			slices.Sort(tools)
			if diff := cmp.Diff(want, tools); diff != "" {
				t.Errorf("tools (-want +got):\n%s", diff)
			}
			if cat.Server.Name != "mcptest" || cat.ProtocolVersion == "" || cat.Instructions == "" {
				t.Errorf("server info = %+v, protocol %q, instructions %q", cat.Server, cat.ProtocolVersion, cat.Instructions)
			}
			if len(cat.Prompts) != 1 || cat.Prompts[0].Name != "greet" || len(cat.Prompts[0].Arguments) != 1 {
				t.Errorf("prompts = %+v", cat.Prompts)
			}
			if len(cat.Resources) != 1 || cat.Resources[0].URI != "test://static/1" {
				t.Errorf("resources = %+v", cat.Resources)
			}
			if len(cat.Templates) != 1 || cat.Templates[0].URITemplate != "test://item/{id}" {
				t.Errorf("templates = %+v", cat.Templates)
			}
			pages := 0
			for _, e := range rec.Events() {
				if e.Kind == console.KindSend && e.Method == "tools/list" {
					pages++
				}
			}
			if pages != 5 { // 20 tools, 4 a page
				t.Errorf("tools/list sent %d times, want 5 pages", pages)
			}
			// The catalog is JSON in MCP's wire shape.
			raw, err := json.Marshal(cat)
			if err != nil || !strings.Contains(string(raw), `"inputSchema":{`) || !strings.Contains(string(raw), `"resourceTemplates":[`) {
				t.Errorf("catalog JSON = %s, %v", raw, err)
			}
		})
	}
}

func TestCalls(t *testing.T) {
	for name, target := range transports(t) {
		t.Run(name, func(t *testing.T) {
			s, _ := connect(t, target, nil)
			ctx := testContext(t)

			res, err := s.CallTool(ctx, "echo", json.RawMessage(`{"text":"hi"}`), nil)
			if err != nil || res.IsError || textOf(t, res) != "echo: hi" {
				t.Errorf("echo = %+v, %v", res, err)
			}
			res, err = s.CallTool(ctx, "fail", nil, nil)
			if err != nil || !res.IsError || textOf(t, res) != "it failed on purpose" {
				t.Errorf("fail = %+v, %v; want an isError result, not an error", res, err)
			}
			res, err = s.CallTool(ctx, "structured", nil, nil)
			if err != nil || res.SchemaError != "" || string(res.StructuredContent) != `{"sum":3}` {
				t.Errorf("structured = %+v, %v", res, err)
			}
			res, err = s.CallTool(ctx, "structured", json.RawMessage(`{"bad":true}`), nil)
			if err != nil || !strings.Contains(res.SchemaError, "does not match the outputSchema") {
				t.Errorf("structured bad: SchemaError = %q, err %v; want a mismatch reported in the result", res.SchemaError, err)
			}
			_, err = s.CallTool(ctx, "no_such_tool", nil, nil)
			var merr *mcp.Error
			if !errors.As(err, &merr) || merr.Kind != mcp.KindProtocol {
				t.Errorf("unknown tool: err = %v, want a protocol *Error", err)
			}

			pr, err := s.GetPrompt(ctx, "greet", map[string]string{"name": "Ada"}, nil)
			if err != nil || len(pr.Messages) != 1 || !strings.Contains(string(pr.Messages[0].Content), "Hello, Ada!") {
				t.Errorf("greet = %+v, %v", pr, err)
			}
			rr, err := s.ReadResource(ctx, "test://static/1", nil)
			if err != nil || len(rr.Contents) != 1 || rr.Contents[0].Text != "hello" {
				t.Errorf("read static = %+v, %v", rr, err)
			}
			rr, err = s.ReadResource(ctx, "test://item/42", nil)
			if err != nil || len(rr.Contents) != 1 || rr.Contents[0].Text != "item test://item/42" {
				t.Errorf("read template = %+v, %v", rr, err)
			}
			values, err := s.Complete(ctx, mcp.CompletionRef{Type: "ref/prompt", Name: "greet"}, "name", "al", nil)
			if diff := cmp.Diff([]string{"alice", "alina"}, values); diff != "" || err != nil {
				t.Errorf("complete (-want +got):\n%s err %v", diff, err)
			}
			if err := s.Ping(ctx); err != nil {
				t.Errorf("ping: %v", err)
			}
		})
	}
}

func TestProtocolVersions(t *testing.T) {
	srv := mcptest.StartHTTP(t, mcptest.NewServer(mcptest.Options{}))
	for _, v := range []string{"", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"} {
		t.Run(v, func(t *testing.T) {
			s, rec := connect(t, httpTarget(srv.URL), &mcp.Options{ProtocolVersion: v})
			want := v
			if v == "" || v == "2026-07-28" {
				// Offering 2026-07-28 probes server/discover; a go-sdk v1.8.0
				// server in its default (stateful) mode declines, and
				// initialize settles on 2025-11-25.
				want = "2025-11-25"
			}
			if got := s.Catalog().ProtocolVersion; got != want {
				t.Errorf("negotiated %q, want %q", got, want)
			}
			if res, err := s.CallTool(testContext(t), "echo", []byte(`{"text":"v"}`), nil); err != nil || textOf(t, res) != "echo: v" {
				t.Errorf("echo = %+v, %v", res, err)
			}
			probed := false
			for _, e := range rec.Events() {
				probed = probed || (e.Kind == console.KindSend && e.Method == "server/discover")
			}
			if probed != (v == "2026-07-28") {
				t.Errorf("server/discover probe sent = %v", probed)
			}
		})
	}
}

func TestClientInfoAndCapabilities(t *testing.T) {
	srv := mcptest.StartHTTP(t, mcptest.NewServer(mcptest.Options{}))
	tests := []struct {
		name string
		opts mcp.Options
		want string // the capabilities object sent
	}{
		{"defaults", mcp.Options{}, `{}`},
		{"all", mcp.Options{Roots: func() []mcp.Root { return nil }, Elicit: mcp.DeclineElicitor, Sample: mcp.DeclineSampler},
			`{"roots":{"listChanged":true},"sampling":{},"elicitation":{"form":{},"url":{}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			_, rec := connect(t, httpTarget(srv.URL), &opts)
			e := waitEvent(t, rec, "initialize", func(e console.Event) bool {
				return e.Kind == console.KindSend && e.Method == "initialize"
			})
			var msg struct {
				Params struct {
					ClientInfo   struct{ Name, Version string } `json:"clientInfo"`
					Capabilities json.RawMessage                `json:"capabilities"`
				} `json:"params"`
			}
			if err := json.Unmarshal(e.Data, &msg); err != nil {
				t.Fatal(err)
			}
			if msg.Params.ClientInfo.Name != "mcpls" || msg.Params.ClientInfo.Version == "" {
				t.Errorf("clientInfo = %+v", msg.Params.ClientInfo)
			}
			var got, want any
			_ = json.Unmarshal(msg.Params.Capabilities, &got)
			_ = json.Unmarshal([]byte(tt.want), &want)
			if !cmp.Equal(got, want) {
				t.Errorf("capabilities = %s, want %s", msg.Params.Capabilities, tt.want)
			}
		})
	}
}

// TestDiscoverySendsNoEmptyParams checks that over streamable HTTP the
// initialized notification and the first page of each list go without a
// params member (an empty one costs servers a decode for nothing), that
// later pages carry their cursor, and that the server took them all.
func TestDiscoverySendsNoEmptyParams(t *testing.T) {
	srv := mcptest.StartHTTP(t, mcptest.NewServer(mcptest.Options{PageSize: 4, ExtraTools: 6}))
	s, rec := connect(t, httpTarget(srv.URL), nil)
	if n := len(s.Catalog().Tools); n != 20 {
		t.Fatalf("catalog has %d tools, want 20", n)
	}
	first := map[string]bool{}
	for _, e := range rec.Events() {
		if e.Kind != console.KindSend {
			continue
		}
		var msg struct {
			Params *json.RawMessage `json:"params"`
		}
		if err := json.Unmarshal(e.Data, &msg); err != nil {
			t.Fatalf("%s: decoding %s: %v", e.Method, e.Data, err)
		}
		switch e.Method {
		case "notifications/initialized", "tools/list", "prompts/list", "resources/list", "resources/templates/list":
		default:
			continue
		}
		wantParams := first[e.Method] // only a later page has params: its cursor
		first[e.Method] = true
		if got := msg.Params != nil; got != wantParams {
			t.Errorf("%s sent %s: params present %v, want %v", e.Method, e.Data, got, wantParams)
		}
		if wantParams && !strings.Contains(string(*msg.Params), `"cursor"`) {
			t.Errorf("%s sent a later page without its cursor: %s", e.Method, e.Data)
		}
	}
	for _, m := range []string{"notifications/initialized", "tools/list", "prompts/list", "resources/list", "resources/templates/list"} {
		if !first[m] {
			t.Errorf("%s was never sent", m)
		}
	}
}

// TestHandshakeSendsWhatTheSDKSends checks that the initialize request
// mcpls sends itself over streamable HTTP carries the same params as the
// SDK's own (which stdio uses), whatever capabilities are declared.
func TestHandshakeSendsWhatTheSDKSends(t *testing.T) {
	srv := mcptest.StartHTTP(t, mcptest.NewServer(mcptest.Options{}))
	roots := func() []mcp.Root { return []mcp.Root{{URI: "file:///tmp", Name: "tmp"}} }
	cases := map[string]func() *mcp.Options{
		"no capabilities": func() *mcp.Options { return &mcp.Options{} },
		"roots":           func() *mcp.Options { return &mcp.Options{Roots: roots} },
		"every capability": func() *mcp.Options {
			return &mcp.Options{Roots: roots, Elicit: mcp.DeclineElicitor, Sample: mcp.DeclineSampler}
		},
	}
	initParams := func(t *testing.T, target mcp.Target, opts *mcp.Options) any {
		t.Helper()
		_, rec := connect(t, target, opts)
		for _, e := range rec.Events() {
			if e.Kind == console.KindSend && e.Method == "initialize" {
				var msg struct{ Params any }
				if err := json.Unmarshal(e.Data, &msg); err != nil {
					t.Fatalf("decoding %s: %v", e.Data, err)
				}
				return msg.Params
			}
		}
		t.Fatalf("no initialize sent over %s", target.Transport)
		return nil
	}
	for name, opts := range cases {
		t.Run(name, func(t *testing.T) {
			viaSDK := initParams(t, stdioTarget(mcptest.ModeServer), opts())
			ours := initParams(t, httpTarget(srv.URL), opts())
			if diff := cmp.Diff(viaSDK, ours); diff != "" {
				t.Errorf("initialize params (-SDK +mcpls):\n%s", diff)
			}
		})
	}
}
