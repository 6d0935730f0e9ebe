package interop_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"mcpls/internal/console"
	"mcpls/internal/mcp"
)

// everythingPeers are server-everything's transports.
var everythingPeers = []struct {
	name   string
	target func(t *testing.T) mcp.Target
}{
	{"stdio", everythingStdio},
	{"http", func(t *testing.T) mcp.Target {
		url, _ := everythingHTTP(t)
		return mcp.Target{Name: "everything", Transport: mcp.TransportHTTP, URL: url}
	}},
}

// content is one content block of a result, as far as the tests look.
type content struct {
	Type        string          `json:"type"`
	Text        string          `json:"text"`
	Data        string          `json:"data"`
	MIMEType    string          `json:"mimeType"`
	Annotations json.RawMessage `json:"annotations"`
}

func contents(t *testing.T, raw []json.RawMessage) []content {
	t.Helper()
	out := make([]content, len(raw))
	for i, c := range raw {
		if err := json.Unmarshal(c, &out[i]); err != nil {
			t.Fatalf("content %s: %v", c, err)
		}
	}
	return out
}

// textOf joins the text blocks of a tool result.
func textOf(t *testing.T, r *mcp.ToolResult) string {
	t.Helper()
	var parts []string
	for _, c := range contents(t, r.Content) {
		if c.Type == "text" {
			parts = append(parts, c.Text)
		}
	}
	return strings.Join(parts, "\n")
}

func TestEverything(t *testing.T) {
	for _, peer := range everythingPeers {
		t.Run(peer.name, func(t *testing.T) {
			hc := noLeaks(t)
			rec := &console.Recorder{}
			opts := options(hc, rec)
			opts.Elicit, opts.Sample = mcp.DeclineElicitor, mcp.DeclineSampler
			s := connect(t, peer.target(t), opts)
			t.Run("discovery", func(t *testing.T) { everythingDiscovery(t, s, rec) })
			t.Run("calls", func(t *testing.T) { everythingCalls(t, s) })
			t.Run("progress", func(t *testing.T) { everythingProgress(t, s) })
			t.Run("elicitation declined", func(t *testing.T) {
				res, err := s.CallTool(testContext(t), "trigger-elicitation-request", nil, nil)
				if err != nil || !strings.Contains(textOf(t, res), `"action": "decline"`) {
					t.Fatalf("elicitation = %+v, %v; want the server to see a decline", res, err)
				}
			})
			t.Run("sampling declined", func(t *testing.T) { everythingSamplingDeclined(t, s) })
			t.Run("resources", func(t *testing.T) { everythingResources(t, s) })
			t.Run("prompts", func(t *testing.T) { everythingPrompts(t, s) })
			t.Run("completion", func(t *testing.T) { everythingCompletion(t, s) })
		})
	}
}

func names[T any](items []T, name func(T) string) []string {
	var out []string
	for _, it := range items {
		out = append(out, name(it))
	}
	return out
}

func everythingDiscovery(t *testing.T, s *mcp.Session, rec *console.Recorder) {
	// The conditional tools come after initialized, announced by
	// tools/list_changed: resync so the catalog surely has them.
	cat, err := s.Resync(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	if cat.Server.Name != "mcp-servers/everything" || cat.ProtocolVersion == "" {
		t.Errorf("server = %+v, protocol %q", cat.Server, cat.ProtocolVersion)
	}
	tools := names(cat.Tools, func(x mcp.Tool) string { return x.Name })
	for _, want := range []string{"echo", "get-sum", "get-structured-content", "get-tiny-image", "get-annotated-message",
		"trigger-long-running-operation", "trigger-elicitation-request", "trigger-sampling-request"} {
		if !slices.Contains(tools, want) {
			t.Errorf("tools %v lack %q", tools, want)
		}
	}
	prompts := names(cat.Prompts, func(x mcp.Prompt) string { return x.Name })
	for _, want := range []string{"simple-prompt", "args-prompt", "completable-prompt"} {
		if !slices.Contains(prompts, want) {
			t.Errorf("prompts %v lack %q", prompts, want)
		}
	}
	templates := names(cat.Templates, func(x mcp.ResourceTemplate) string { return x.URITemplate })
	if !slices.Contains(templates, "demo://resource/dynamic/text/{resourceId}") {
		t.Errorf("templates %v lack the dynamic text template", templates)
	}
	// Every resource the server listed, on every page, is in the catalog.
	listed := 0
	for _, e := range rec.Events() {
		var msg struct {
			Result struct {
				Resources []json.RawMessage `json:"resources"`
			} `json:"result"`
		}
		if e.Kind == console.KindRecv && json.Unmarshal(e.Data, &msg) == nil {
			listed = max(listed, len(msg.Result.Resources))
		}
	}
	if len(cat.Resources) == 0 || len(cat.Resources) < listed {
		t.Errorf("catalog has %d resources; a resources/list page had %d", len(cat.Resources), listed)
	}
}

func everythingCalls(t *testing.T, s *mcp.Session) {
	tests := []struct {
		tool, args string
		check      func(t *testing.T, r *mcp.ToolResult)
	}{
		{"echo", `{"message":"hello interop"}`, wantText("Echo: hello interop")},
		{"get-sum", `{"a":2,"b":40}`, wantText("The sum of 2 and 40 is 42.")},
		{"get-structured-content", `{"location":"Chicago"}`, func(t *testing.T, r *mcp.ToolResult) {
			var w struct {
				Temperature float64 `json:"temperature"`
				Conditions  string  `json:"conditions"`
			}
			if err := json.Unmarshal(r.StructuredContent, &w); err != nil || w.Temperature != 36 || w.Conditions == "" {
				t.Errorf("structuredContent = %s (%v)", r.StructuredContent, err)
			}
			if r.SchemaError != "" {
				t.Errorf("SchemaError = %q, want the content to match the outputSchema", r.SchemaError)
			}
		}},
		{"get-tiny-image", `{}`, func(t *testing.T, r *mcp.ToolResult) {
			cs := contents(t, r.Content)
			i := slices.IndexFunc(cs, func(c content) bool { return c.Type == "image" })
			if i < 0 || cs[i].MIMEType != "image/png" {
				t.Fatalf("content = %+v, want a PNG image", cs)
			}
			png, err := base64.StdEncoding.DecodeString(cs[i].Data)
			if err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
				t.Errorf("image data is not a base64 PNG: %v", err)
			}
		}},
		{"get-annotated-message", `{"messageType":"error","includeImage":true}`, func(t *testing.T, r *mcp.ToolResult) {
			cs := contents(t, r.Content)
			var ann struct {
				Priority float64  `json:"priority"`
				Audience []string `json:"audience"`
			}
			if len(cs) < 2 || json.Unmarshal(cs[0].Annotations, &ann) != nil || ann.Priority == 0 || len(ann.Audience) == 0 {
				t.Errorf("content = %+v, want annotated blocks (priority, audience)", cs)
			}
			if cs[len(cs)-1].Type != "image" {
				t.Errorf("last block is %q, want the image asked for", cs[len(cs)-1].Type)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.tool, func(t *testing.T) {
			res, err := s.CallTool(testContext(t), tt.tool, json.RawMessage(tt.args), nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.IsError {
				t.Fatalf("isError: %s", textOf(t, res))
			}
			tt.check(t, res)
		})
	}
	t.Run("invalid arguments", func(t *testing.T) {
		res, err := s.CallTool(testContext(t), "get-sum", json.RawMessage(`{"a":"two"}`), nil)
		// The TypeScript SDK reports invalid arguments as a tool error.
		if err != nil || !res.IsError || !strings.Contains(textOf(t, res), "Input validation error") {
			t.Errorf("get-sum with a string = %+v, %v; want an isError result naming the validation", res, err)
		}
	})
}

func wantText(want string) func(*testing.T, *mcp.ToolResult) {
	return func(t *testing.T, r *mcp.ToolResult) {
		if got := textOf(t, r); got != want {
			t.Errorf("text = %q, want %q", got, want)
		}
	}
}

func everythingProgress(t *testing.T, s *mcp.Session) {
	var mu sync.Mutex
	var got []mcp.Progress
	res, err := s.CallTool(testContext(t), "trigger-long-running-operation", json.RawMessage(`{"duration":0.6,"steps":3}`),
		func(p mcp.Progress) {
			mu.Lock()
			got = append(got, p)
			mu.Unlock()
		})
	if err != nil || !strings.Contains(textOf(t, res), "Long running operation completed") {
		t.Fatalf("long-running operation = %+v, %v", res, err)
	}
	mu.Lock()
	defer mu.Unlock()
	// The SDK may hand the last notification over after the result.
	if len(got) < 2 || got[0].Progress != 1 || got[0].Total != 3 {
		t.Errorf("progress = %+v, want steps 1.. of 3", got)
	}
}

func everythingSamplingDeclined(t *testing.T, s *mcp.Session) {
	res, err := s.CallTool(testContext(t), "trigger-sampling-request", json.RawMessage(`{"prompt":"hi"}`), nil)
	if err != nil {
		t.Fatalf("err = %v, want the tool to report the refusal", err)
	}
	if !res.IsError || !strings.Contains(textOf(t, res), mcp.ErrSamplingDeclined.Error()) {
		t.Errorf("result = %+v (%q), want isError carrying our reason", res, textOf(t, res))
	}
}

func everythingResources(t *testing.T, s *mcp.Session) {
	cat := s.Catalog()
	for _, r := range cat.Resources[:min(3, len(cat.Resources))] {
		res, err := s.ReadResource(testContext(t), r.URI, nil)
		if err != nil || len(res.Contents) == 0 || res.Contents[0].Text+res.Contents[0].Blob == "" {
			t.Errorf("read %s = %+v, %v", r.URI, res, err)
		}
	}
	res, err := s.ReadResource(testContext(t), "demo://resource/dynamic/text/7", nil)
	if err != nil || len(res.Contents) != 1 || !strings.HasPrefix(res.Contents[0].Text, "Resource 7:") {
		t.Errorf("read from the template = %+v, %v", res, err)
	}
	_, err = s.ReadResource(testContext(t), "demo://no/such/resource", nil)
	var merr *mcp.Error
	if !errors.As(err, &merr) || merr.Kind != mcp.KindProtocol || !strings.Contains(err.Error(), "demo://no/such/resource") {
		t.Errorf("reading an unknown resource: err = %v, want a protocol error naming it", err)
	}
}

func everythingPrompts(t *testing.T, s *mcp.Session) {
	res, err := s.GetPrompt(testContext(t), "args-prompt", map[string]string{"city": "Lyon", "state": "Rhône"}, nil)
	if err != nil || len(res.Messages) == 0 || !strings.Contains(string(res.Messages[0].Content), "Lyon") {
		t.Errorf("args-prompt = %+v, %v", res, err)
	}
	res, err = s.GetPrompt(testContext(t), "simple-prompt", nil, nil)
	if err != nil || len(res.Messages) == 0 || res.Messages[0].Role != "user" {
		t.Errorf("simple-prompt = %+v, %v", res, err)
	}
}

func everythingCompletion(t *testing.T, s *mcp.Session) {
	ctx := testContext(t)
	got, err := s.Complete(ctx, mcp.CompletionRef{Type: "ref/prompt", Name: "completable-prompt"}, "department", "Eng", nil)
	if err != nil || !slices.Equal(got, []string{"Engineering"}) {
		t.Errorf("prompt argument completion = %v, %v", got, err)
	}
	got, err = s.Complete(ctx, mcp.CompletionRef{Type: "ref/resource", URI: "demo://resource/dynamic/text/{resourceId}"}, "resourceId", "12", nil)
	if err != nil || !slices.Equal(got, []string{"12"}) {
		t.Errorf("template variable completion = %v, %v", got, err)
	}
}

func TestEverythingElicitationAccepted(t *testing.T) {
	for _, peer := range everythingPeers {
		t.Run(peer.name, func(t *testing.T) {
			hc := noLeaks(t)
			asked := make(chan mcp.ElicitRequest, 1)
			opts := options(hc, &console.Recorder{})
			opts.Elicit = elicitFunc(func(_ context.Context, server string, req mcp.ElicitRequest) (mcp.ElicitResult, error) {
				asked <- req
				return mcp.ElicitResult{Action: "accept", Content: map[string]any{"name": "Ada Lovelace", "check": true, "integer": 7}}, nil
			})
			s := connect(t, peer.target(t), opts)
			res, err := s.CallTool(testContext(t), "trigger-elicitation-request", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			req := receive(t, asked, "the elicitation request")
			if req.Mode != "form" || !strings.Contains(string(req.RequestedSchema), `"email"`) {
				t.Errorf("request = %+v, want a form with the server's schema", req)
			}
			if text := textOf(t, res); !strings.Contains(text, "Ada Lovelace") || !strings.Contains(text, `"action": "accept"`) {
				t.Errorf("result = %q, want the server to have the accepted content", text)
			}
		})
	}
}

type elicitFunc func(context.Context, string, mcp.ElicitRequest) (mcp.ElicitResult, error)

func (f elicitFunc) Elicit(ctx context.Context, server string, req mcp.ElicitRequest) (mcp.ElicitResult, error) {
	return f(ctx, server, req)
}
