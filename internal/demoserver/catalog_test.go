package demoserver

import (
	"bytes"
	"encoding/json"
	"image/png"
	"io"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

var wantTools = []string{
	"add", "add_tool", "ask_user", "configure", "create_event", "delete_item", "echo", "fail", "get_image",
	"get_weather", "list_roots", "log", "sample", "search_issues", "shape_area", "slow", "stats", "update_items",
	"write_note",
}

type catalog struct {
	tools, prompts, resources, templates []string
	toolPages                            int
}

// listAll lists everything, following every cursor.
func listAll(t *testing.T, cs *mcp.ClientSession) catalog {
	t.Helper()
	ctx := ctxT(t)
	var c catalog
	for tool, err := range cs.Tools(ctx, nil) {
		if err != nil {
			t.Fatalf("listing tools: %v", err)
		}
		c.tools = append(c.tools, tool.Name)
	}
	for p, err := range cs.Prompts(ctx, nil) {
		if err != nil {
			t.Fatalf("listing prompts: %v", err)
		}
		c.prompts = append(c.prompts, p.Name)
	}
	for r, err := range cs.Resources(ctx, nil) {
		if err != nil {
			t.Fatalf("listing resources: %v", err)
		}
		c.resources = append(c.resources, r.URI)
	}
	for rt, err := range cs.ResourceTemplates(ctx, nil) {
		if err != nil {
			t.Fatalf("listing resource templates: %v", err)
		}
		c.templates = append(c.templates, rt.URITemplate)
	}
	for cursor := ""; ; c.toolPages++ {
		res, err := cs.ListTools(ctx, &mcp.ListToolsParams{Cursor: cursor})
		if err != nil {
			t.Fatalf("listing a page of tools: %v", err)
		}
		if cursor = res.NextCursor; cursor == "" {
			c.toolPages++
			break
		}
	}
	for _, l := range [][]string{c.tools, c.prompts, c.resources, c.templates} {
		slices.Sort(l)
	}
	return c
}

func TestCatalogOverEveryTransport(t *testing.T) {
	wantResources := []string{configURI, "demo://items/1", "demo://items/10", "demo://items/11", "demo://items/12",
		"demo://items/2", "demo://items/3", "demo://items/4", "demo://items/5", "demo://items/6", "demo://items/7",
		"demo://items/8", "demo://items/9", logoURI, noteURI, readmeURI}
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			cs := connect(t, tr.start(t, New(Options{})), nil)
			got := listAll(t, cs)
			if diff := cmp.Diff(wantTools, got.tools); diff != "" {
				t.Errorf("tools (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"code_review", "greet", "simple", "summarize_item"}, got.prompts); diff != "" {
				t.Errorf("prompts (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantResources, got.resources); diff != "" {
				t.Errorf("resources (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{itemTemplate, notesTemplate}, got.templates); diff != "" {
				t.Errorf("templates (-want +got):\n%s", diff)
			}
			if got.toolPages != 2 {
				t.Errorf("tools came in %d pages of %d, want 2", got.toolPages, DefaultPageSize)
			}
		})
	}
}

func TestToolSchemasDescribeThemselves(t *testing.T) {
	cs := connect(t, transports[0].start(t, New(Options{})), nil)
	tools := map[string]*mcp.Tool{}
	for tool, err := range cs.Tools(ctxT(t), nil) {
		if err != nil {
			t.Fatal(err)
		}
		tools[tool.Name] = tool
	}
	schemaText := func(name string) string {
		b, err := json.Marshal(tools[name].InputSchema)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, tc := range []struct{ tool, want string }{
		{"search_issues", `"maximum":100`},
		{"search_issues", `"enum":["open","closed","all"]`},
		{"search_issues", `"format":"date"`},
		{"search_issues", `"examples":["memory leak"`},
		{"create_event", `"format":"email"`},
		{"create_event", `"format":"uri"`},
		{"create_event", `"oneOf":`},
		{"create_event", `"required":["email"]`},
		{"configure", `"default":8080`},
		{"shape_area", `"const":"circle"`},
	} {
		t.Run(tc.tool+tc.want, func(t *testing.T) {
			if !strings.Contains(schemaText(tc.tool), tc.want) {
				t.Errorf("%s input schema lacks %s:\n%s", tc.tool, tc.want, schemaText(tc.tool))
			}
		})
	}
	if tools["get_weather"].OutputSchema == nil {
		t.Error("get_weather has no outputSchema")
	}
	a := tools["delete_item"].Annotations
	if a == nil || a.DestructiveHint == nil || !*a.DestructiveHint || !a.IdempotentHint || a.ReadOnlyHint {
		t.Errorf("delete_item annotations = %+v, want destructive, idempotent, not read-only", a)
	}
	if a := tools["search_issues"].Annotations; a == nil || !a.ReadOnlyHint || a.OpenWorldHint == nil || !*a.OpenWorldHint {
		t.Errorf("search_issues annotations = %+v, want read-only, open world", a)
	}
}

// callCases call every built-in tool with valid arguments; the test checks
// that no tool is left out.
var callCases = []struct {
	tool    string
	args    map[string]any
	want    string // substring of the first text content
	isError bool
}{
	{"echo", map[string]any{"message": "hi", "repeat": 2}, "hi hi", false},
	{"add", map[string]any{"a": 1, "b": 2}, "3", false},
	{"search_issues", map[string]any{"query": "leak", "state": "all", "limit": 2, "labels": []string{"bug"}, "since": "2026-01-31"}, "2 all issues", false},
	{"create_event", map[string]any{"title": "Standup", "date": "2026-03-14", "startsAt": "2026-03-14T09:30:00Z",
		"organizer": "ada@example.com", "link": "https://example.com/notes",
		"attendees": []any{map[string]any{"email": "bob@example.com", "optional": true}},
		"location":  map[string]any{"kind": "online", "url": "https://meet.example.com/x"}}, `created "Standup" on 2026-03-14 for 30 minutes with 1 attendee`, false},
	{"configure", map[string]any{"server": map[string]any{"port": 9000, "tls": map[string]any{"enabled": true}}, "features": map[string]any{"beta": true},
		"limits": map[string]any{"rps": 10, "burst": 5}}, "development mode on port 9000", false},
	{"shape_area", map[string]any{"shape": map[string]any{"kind": "rectangle", "width": 2, "height": 3.5}}, "7.00", false},
	{"get_weather", map[string]any{"city": "Paris"}, `"city":"Paris"`, false},
	{"get_image", map[string]any{"color": "teal", "size": 8}, "", false},
	{"fail", map[string]any{"message": "boom"}, "boom", true},
	{"update_items", map[string]any{"items": []any{map[string]any{"id": 1, "price": 9.5, "tags": []string{"x"}}}}, "updated 1 item", false},
	{"delete_item", map[string]any{"id": 2, "confirm": true}, "deleted item 2", false},
	{"write_note", map[string]any{"text": "remember"}, "note updated", false},
	{"slow", map[string]any{"steps": 2, "intervalMs": 0}, "done: 2 steps", false},
	{"ask_user", map[string]any{}, "the client does not support elicitation", true},
	{"sample", map[string]any{}, "the client does not support sampling", true},
	{"list_roots", map[string]any{}, "0 root(s)", false},
	{"add_tool", map[string]any{"name": "extra_one"}, "added tool extra_one", false},
	{"log", map[string]any{"levels": []string{"info"}}, "sent 1 log message", false},
	{"stats", map[string]any{}, `"calls":`, false},
}

func TestCallEveryTool(t *testing.T) {
	cs := connect(t, transports[0].start(t, New(Options{})), nil)
	var called []string
	for _, tc := range callCases {
		called = append(called, tc.tool)
		t.Run(tc.tool, func(t *testing.T) {
			res, err := cs.CallTool(ctxT(t), &mcp.CallToolParams{Name: tc.tool, Arguments: tc.args})
			if err != nil {
				t.Fatalf("calling %s: %v", tc.tool, err)
			}
			if res.IsError != tc.isError {
				t.Errorf("isError = %v, want %v; content %s", res.IsError, tc.isError, firstText(res))
			}
			if !strings.Contains(firstText(res), tc.want) {
				t.Errorf("text = %q, want it to contain %q", firstText(res), tc.want)
			}
		})
	}
	slices.Sort(called)
	if diff := cmp.Diff(wantTools, called); diff != "" {
		t.Errorf("tools without a call case (-listed +called):\n%s", diff)
	}
}

func firstText(res *mcp.CallToolResult) string {
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			return tc.Text
		}
	}
	return ""
}

func TestRichResults(t *testing.T) {
	cs := connect(t, transports[0].start(t, New(Options{})), nil)
	ctx := ctxT(t)
	t.Run("image and embedded resource", func(t *testing.T) {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "get_image", Arguments: map[string]any{"size": 12, "pattern": "checker"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Content) != 3 {
			t.Fatalf("got %d content items, want image, resource, link", len(res.Content))
		}
		img, ok := res.Content[0].(*mcp.ImageContent)
		if !ok || img.MIMEType != "image/png" {
			t.Fatalf("first content = %T %+v, want a PNG image", res.Content[0], res.Content[0])
		}
		decoded, err := png.Decode(bytes.NewReader(img.Data))
		if err != nil {
			t.Fatalf("decoding the PNG: %v", err)
		}
		if b := decoded.Bounds(); b.Dx() != 12 || b.Dy() != 12 {
			t.Errorf("image is %v, want 12x12", b)
		}
		if er, ok := res.Content[1].(*mcp.EmbeddedResource); !ok || !strings.Contains(er.Resource.Text, "12x12") {
			t.Errorf("second content = %#v, want an embedded text resource", res.Content[1])
		}
		if rl, ok := res.Content[2].(*mcp.ResourceLink); !ok || rl.URI != logoURI {
			t.Errorf("third content = %#v, want a link to %s", res.Content[2], logoURI)
		}
	})
	t.Run("structured content", func(t *testing.T) {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "get_weather", Arguments: map[string]any{"city": "Oslo", "units": "imperial"}})
		if err != nil {
			t.Fatal(err)
		}
		sc, ok := res.StructuredContent.(map[string]any)
		if !ok || sc["city"] != "Oslo" || sc["units"] != "imperial" {
			t.Errorf("structuredContent = %#v", res.StructuredContent)
		}
		schema, err := compileSchema("weather-out", s0(t, cs, "get_weather"))
		if err != nil {
			t.Fatal(err)
		}
		if msg := validate(schema, json.RawMessage(firstText(res))); msg != "" {
			t.Errorf("structured content does not match the output schema: %s", msg)
		}
	})
}

// s0 returns a tool's output schema as JSON text, as the client saw it.
func s0(t *testing.T, cs *mcp.ClientSession, name string) string {
	t.Helper()
	for tool, err := range cs.Tools(ctxT(t), nil) {
		if err != nil {
			t.Fatal(err)
		}
		if tool.Name == name {
			b, err := json.Marshal(tool.OutputSchema)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("no tool %s", name)
	return ""
}

func TestInvalidArgumentsAreToolErrors(t *testing.T) {
	cs := connect(t, transports[0].start(t, New(Options{})), nil)
	for _, tc := range []struct {
		name, tool string
		args       map[string]any
		want       string
	}{
		{"missing required", "add", map[string]any{"a": 1}, "missing property 'b'"},
		{"wrong type", "add", map[string]any{"a": 1, "b": "two"}, "at '/b'"},
		{"above maximum", "search_issues", map[string]any{"query": "x", "limit": 1000}, "at '/limit'"},
		{"not in enum", "search_issues", map[string]any{"query": "x", "state": "bogus"}, "at '/state'"},
		{"bad date", "search_issues", map[string]any{"query": "x", "since": "31/01/2026"}, "at '/since'"},
		{"bad email in array", "create_event", map[string]any{"title": "t", "date": "2026-01-01",
			"attendees": []any{map[string]any{"email": "nope"}}}, "at '/attendees/0/email'"},
		{"no oneOf branch", "shape_area", map[string]any{"shape": map[string]any{"kind": "hexagon"}}, "at '/shape'"},
		{"extra property", "echo", map[string]any{"message": "m", "volume": 11}, "additional properties 'volume'"},
		{"dependentRequired", "configure", map[string]any{"server": map[string]any{"port": 1}, "limits": map[string]any{"burst": 2}}, "at '/limits'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := cs.CallTool(ctxT(t), &mcp.CallToolParams{Name: tc.tool, Arguments: tc.args})
			if err != nil {
				t.Fatalf("want a tool error, got a protocol error: %v", err)
			}
			if !res.IsError || !strings.Contains(firstText(res), tc.want) {
				t.Errorf("isError=%v text=%q, want an error containing %q", res.IsError, firstText(res), tc.want)
			}
		})
	}
}

// TestHandlerServesBothEndpoints mounts Handler on an httptest server, as
// other packages' tests may.
func TestHandlerServesBothEndpoints(t *testing.T) {
	s := New(Options{})
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		s.Close()
		hs.Close()
	})
	for _, tr := range []mcp.Transport{
		&mcp.StreamableClientTransport{Endpoint: hs.URL + PathStreamable},
		&mcp.SSEClientTransport{Endpoint: hs.URL + PathSSE},
	} {
		cs := connect(t, tr, nil)
		res, err := cs.CallTool(ctxT(t), &mcp.CallToolParams{Name: "add", Arguments: map[string]any{"a": 0.5, "b": 2}})
		if err != nil || firstText(res) != "2.5" {
			t.Errorf("add over %T: %v %q", tr, err, firstText(res))
		}
		cs.Close()
	}
	resp, err := hs.Client().Get(hs.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || !strings.Contains(string(body), "streamable HTTP at /mcp") {
		t.Errorf("GET / = %v %q", err, body)
	}
}
