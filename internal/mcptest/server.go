// Package mcptest builds real MCP servers, on the official Go SDK, for
// tests of mcpls's client: in-process streamable HTTP and legacy SSE
// servers on 127.0.0.1 (httptest), and stdio servers that re-execute the
// test binary (call RunIfChild from TestMain). The servers offer tools
// that exercise every client path: progress, hanging, cancellation,
// elicitation, sampling, roots, logging, list_changed, structured output,
// isError, a process that dies mid-call, and enough items to paginate.
package mcptest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// Options shape a test server.
type Options struct {
	PageSize   int // items per list page (0: the SDK's default)
	ExtraTools int // tools named tool_000... to make lists paginate
	// ProgressEvery paces the "slow" tool's progress notifications.
	ProgressEvery time.Duration
}

// Server is a go-sdk MCP server with test tools, and channels on which
// tests observe what the server saw. Channels are buffered; tests read
// them with a timeout.
type Server struct {
	*sdk.Server
	Started   chan string // a tool that blocks ("hang") started
	Cancelled chan string // a tool saw its request cancelled
	added     atomic.Int64
	opts      Options
}

// NewServer builds the test server.
func NewServer(opts Options) *Server {
	if opts.ProgressEvery == 0 {
		opts.ProgressEvery = 10 * time.Millisecond
	}
	s := &Server{Started: make(chan string, 16), Cancelled: make(chan string, 16), opts: opts}
	s.Server = sdk.NewServer(&sdk.Implementation{Name: "mcptest", Version: "1.0.0"}, &sdk.ServerOptions{
		PageSize:           opts.PageSize,
		Instructions:       "A server for mcpls tests.",
		CompletionHandler:  complete,
		SubscribeHandler:   func(context.Context, *sdk.SubscribeRequest) error { return nil },
		UnsubscribeHandler: func(context.Context, *sdk.UnsubscribeRequest) error { return nil },
		Capabilities: &sdk.ServerCapabilities{
			Logging: &sdk.LoggingCapabilities{},
			Tools:   &sdk.ToolCapabilities{ListChanged: true},
		},
	})
	s.addTools()
	s.addPrompts()
	s.addResources()
	return s
}

var objectSchema = json.RawMessage(`{"type":"object"}`)

func text(s string) *sdk.CallToolResult {
	return &sdk.CallToolResult{Content: []sdk.Content{&sdk.TextContent{Text: s}}}
}

func (s *Server) tool(name, schema string, h sdk.ToolHandler) {
	in := objectSchema
	if schema != "" {
		in = json.RawMessage(schema)
	}
	s.AddTool(&sdk.Tool{Name: name, Description: "test tool " + name, InputSchema: in}, h)
}

func (s *Server) addTools() {
	s.tool("echo", `{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}`, echo)
	s.tool("fail", "", func(context.Context, *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
		r := text("it failed on purpose")
		r.IsError = true
		return r, nil
	})
	s.AddTool(&sdk.Tool{Name: "structured", InputSchema: objectSchema,
		OutputSchema: json.RawMessage(`{"type":"object","properties":{"sum":{"type":"number"}},"required":["sum"]}`)}, structured)
	s.tool("slow", `{"type":"object","properties":{"steps":{"type":"integer"}}}`, s.slow)
	s.tool("hang", "", s.hang)
	s.tool("dropstream", "", dropStream)
	s.tool("elicit", "", elicit)
	s.tool("sample", "", sample)
	s.tool("roots", "", roots)
	s.tool("log", "", logTool)
	s.tool("add_tool", "", s.addTool)
	s.tool("touch", "", s.touch)
	s.tool("garble", "", func(context.Context, *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
		fmt.Println("<html>oops, this is not JSON-RPC</html>") // over stdio this corrupts the stream
		return text("garbled"), nil
	})
	s.tool("die", "", func(context.Context, *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
		fmt.Fprintln(os.Stderr, "about to be killed")
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	})
	for i := range s.opts.ExtraTools {
		s.tool(fmt.Sprintf("tool_%03d", i), "", echo)
	}
}

func args(req *sdk.CallToolRequest) map[string]any {
	var m map[string]any
	_ = json.Unmarshal(req.Params.Arguments, &m)
	return m
}

func echo(_ context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
	return text(fmt.Sprintf("echo: %v", args(req)["text"])), nil
}

func structured(_ context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
	r := text("structured")
	r.StructuredContent = map[string]any{"sum": 3}
	if args(req)["bad"] == true {
		r.StructuredContent = map[string]any{"sum": "three"}
	}
	return r, nil
}

// slow reports progress steps (default 5) paced by ProgressEvery.
func (s *Server) slow(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
	steps := 5
	if n, ok := args(req)["steps"].(float64); ok {
		steps = int(n)
	}
	token := req.Params.GetProgressToken()
	for i := 1; i <= steps; i++ {
		select {
		case <-ctx.Done():
			s.Cancelled <- "slow"
			return nil, ctx.Err()
		case <-time.After(s.opts.ProgressEvery):
		}
		if token != nil {
			_ = req.Session.NotifyProgress(ctx, &sdk.ProgressNotificationParams{ProgressToken: token,
				Progress: float64(i), Total: float64(steps), Message: fmt.Sprintf("step %d", i)})
		}
	}
	return text(fmt.Sprintf("done after %d steps", steps)), nil
}

// dropStream closes its response stream mid-call, asking the client to
// come back in 50ms (SEP-1699), then finishes: the client must resume with
// Last-Event-ID to get the rest (the server needs an event store).
func dropStream(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
	token := req.Params.GetProgressToken()
	notify := func(i float64) {
		if token != nil {
			_ = req.Session.NotifyProgress(ctx, &sdk.ProgressNotificationParams{ProgressToken: token, Progress: i, Total: 2})
		}
	}
	notify(1)
	if req.Extra == nil || req.Extra.CloseSSEStream == nil {
		return nil, fmt.Errorf("this transport cannot close the stream")
	}
	req.Extra.CloseSSEStream(sdk.CloseSSEStreamArgs{RetryAfter: 50 * time.Millisecond})
	notify(2)
	return text("finished after the stream dropped"), nil
}

// hang never answers; it reports when its request is cancelled.
func (s *Server) hang(ctx context.Context, _ *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
	s.Started <- "hang"
	<-ctx.Done()
	s.Cancelled <- "hang"
	return nil, ctx.Err()
}

func elicit(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
	res, err := req.Session.Elicit(ctx, &sdk.ElicitParams{Message: "What is your name?",
		RequestedSchema: json.RawMessage(`{"type":"object","properties":{"name":{"type":"string"}}}`)})
	if err != nil {
		r := text("elicitation failed: " + err.Error())
		r.IsError = true
		return r, nil
	}
	return text(fmt.Sprintf("action: %s %v", res.Action, res.Content)), nil
}

func sample(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
	res, err := req.Session.CreateMessage(ctx, &sdk.CreateMessageParams{MaxTokens: 10,
		Messages: []*sdk.SamplingMessage{{Role: "user", Content: &sdk.TextContent{Text: "hi"}}}})
	if err != nil {
		r := text("sampling failed: " + err.Error())
		r.IsError = true
		return r, nil
	}
	return text(fmt.Sprintf("model %s said %v", res.Model, res.Content)), nil
}

func roots(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
	res, err := req.Session.ListRoots(ctx, nil)
	if err != nil {
		return nil, err
	}
	var uris []string
	for _, r := range res.Roots {
		uris = append(uris, r.URI)
	}
	return text("roots: " + strings.Join(uris, ",")), nil
}

func logTool(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
	err := req.Session.Log(ctx, &sdk.LoggingMessageParams{Level: "warning", Logger: "mcptest", Data: "hello from the server"})
	if err != nil {
		return nil, err
	}
	return text("logged"), nil
}

// addTool adds a tool, so the server sends tools/list_changed.
func (s *Server) addTool(context.Context, *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
	name := fmt.Sprintf("added_%d", s.added.Add(1))
	s.tool(name, "", echo)
	return text("added " + name), nil
}

// touch reports test://static/1 as updated to its subscribers.
func (s *Server) touch(ctx context.Context, _ *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
	if err := s.ResourceUpdated(ctx, &sdk.ResourceUpdatedNotificationParams{URI: "test://static/1"}); err != nil {
		return nil, err
	}
	return text("touched"), nil
}

func (s *Server) addPrompts() {
	s.AddPrompt(&sdk.Prompt{Name: "greet", Description: "Greets someone",
		Arguments: []*sdk.PromptArgument{{Name: "name", Required: true}}},
		func(_ context.Context, req *sdk.GetPromptRequest) (*sdk.GetPromptResult, error) {
			return &sdk.GetPromptResult{Description: "a greeting", Messages: []*sdk.PromptMessage{
				{Role: "user", Content: &sdk.TextContent{Text: "Hello, " + req.Params.Arguments["name"] + "!"}}}}, nil
		})
}

func complete(_ context.Context, req *sdk.CompleteRequest) (*sdk.CompleteResult, error) {
	var out []string
	for _, v := range []string{"alice", "alina", "bob"} {
		if strings.HasPrefix(v, req.Params.Argument.Value) {
			out = append(out, v)
		}
	}
	return &sdk.CompleteResult{Completion: sdk.CompletionResultDetails{Values: out, Total: len(out)}}, nil
}

func (s *Server) addResources() {
	s.AddResource(&sdk.Resource{URI: "test://static/1", Name: "static", MIMEType: "text/plain"},
		func(_ context.Context, req *sdk.ReadResourceRequest) (*sdk.ReadResourceResult, error) {
			return &sdk.ReadResourceResult{Contents: []*sdk.ResourceContents{{URI: req.Params.URI, MIMEType: "text/plain", Text: "hello"}}}, nil
		})
	s.AddResourceTemplate(&sdk.ResourceTemplate{URITemplate: "test://item/{id}", Name: "item"},
		func(_ context.Context, req *sdk.ReadResourceRequest) (*sdk.ReadResourceResult, error) {
			return &sdk.ReadResourceResult{Contents: []*sdk.ResourceContents{{URI: req.Params.URI, Text: "item " + req.Params.URI}}}, nil
		})
}
