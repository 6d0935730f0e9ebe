package demoserver

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func TestParseTools(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string // tool names
		wantErr  string
	}{
		{"array", `[{"name": "a", "inputSchema": {"type": "object"}}, {"name": "b"}]`, []string{"a", "b"}, ""},
		{"tools/list result", `{"tools": [{"name": "x", "description": "d", "inputSchema": {"type": "object", "properties": {"q": {"type": "string"}}}}]}`, []string{"x"}, ""},
		{"gen.mjs schema", "testdata", []string{"search_issues", "list_repos", "custom_tool_0"}, ""},
		{"gen.mjs without toolName", `{"definitions": {"args_b": {"type": "object"}, "args_a": {"type": "object"}}}`, []string{"a", "b"}, ""},
		{"no name", `[{"description": "x"}]`, nil, "has no name"},
		{"duplicate", `[{"name": "a"}, {"name": "a"}]`, nil, "appears twice"},
		{"not an object schema", `[{"name": "a", "inputSchema": {"type": "string"}}]`, nil, `must have type "object"`},
		{"unknown object", `{"servers": {}}`, nil, `expected "tools"`},
		{"bad annotations", `[{"name": "a", "annotations": {"readOnlyHint": "yes"}}]`, nil, "annotations"},
		{"annotations", `[{"name": "a", "annotations": {"readOnlyHint": true, "destructiveHint": false}}]`, []string{"a"}, ""},
		{"not JSON", `nope`, nil, "expected a JSON array"},
		{"gen.mjs missing args", `{"definitions": {"toolName": {"enum": ["z"]}}}`, nil, "has no definitions.args_z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var tools []ExtraTool
			var err error
			if tc.in == "testdata" {
				tools, err = ReadTools("testdata/bench.schema.json")
			} else {
				tools, err = ParseTools([]byte(tc.in))
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, tool := range tools {
				names = append(names, tool.Name)
			}
			if diff := cmp.Diff(tc.want, names); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := ReadTools("testdata/missing.json"); err == nil {
		t.Error("reading a missing file succeeded")
	}
}

func TestExtraToolsAreServedAndEcho(t *testing.T) {
	tools, err := ReadTools("testdata/bench.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{ExtraTools: tools, PageSize: 2})
	cs := connect(t, transports[0].start(t, s), nil)
	ctx := ctxT(t)
	listed := map[string]*mcp.Tool{}
	for tool, err := range cs.Tools(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		listed[tool.Name] = tool
	}
	if len(listed) != len(wantTools)+2 { // search_issues replaces the built-in one
		t.Errorf("listed %d tools, want %d", len(listed), len(wantTools)+2)
	}
	got, err := json.Marshal(listed["list_repos"].InputSchema)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), `"pattern":"^[^\\u0000]+$"`) {
		t.Errorf("list_repos schema was not served as given: %s", got)
	}
	if d := listed["search_issues"].Description; d != "Arguments for the `search_issues` tool." {
		t.Errorf("search_issues description = %q, want the generated one (the extra tool replaces the built-in)", d)
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "custom_tool_0", Arguments: map[string]any{"state": "open", "n": 1}})
	if err != nil || res.IsError {
		t.Fatalf("calling an extra tool: %v %v", err, res)
	}
	if diff := cmp.Diff(`{"n":1,"state":"open"}`, firstText(res)); diff != "" {
		t.Errorf("echo (-want +got):\n%s", diff)
	}
	if calls := s.Stats().Calls; calls["custom_tool_0"] != 1 {
		t.Errorf("calls = %v, want custom_tool_0 counted once", calls)
	}
}
