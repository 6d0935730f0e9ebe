package demoserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// toolSpec is one built-in tool: its MCP description, its schemas as JSON
// text, and the function that runs it on arguments already validated
// against the input schema.
type toolSpec struct {
	tool   mcp.Tool
	input  string
	output string
	run    func(ctx context.Context, req *mcp.CallToolRequest, args json.RawMessage) (*mcp.CallToolResult, error)
}

// toolSet registers tools on the server, validating arguments the way a
// careful server does: invalid input is a tool error (isError) that names
// what is wrong, so a client can show it and a model could correct it.
type toolSet struct {
	s     *Server
	names map[string]bool // built-in tool names; written only by New
}

func newToolSet(s *Server) *toolSet { return &toolSet{s: s, names: map[string]bool{}} }

// add registers spec. A schema that does not compile is a bug in this
// package, which the tests catch, hence the panic.
func (ts *toolSet) add(spec toolSpec) {
	schema, err := compileSchema(spec.tool.Name, spec.input)
	if err != nil {
		panic(fmt.Sprintf("demoserver: input schema of %s: %v", spec.tool.Name, err))
	}
	t := spec.tool
	t.InputSchema = json.RawMessage(spec.input)
	if spec.output != "" {
		if _, err := compileSchema(t.Name+"-output", spec.output); err != nil {
			panic(fmt.Sprintf("demoserver: output schema of %s: %v", t.Name, err))
		}
		t.OutputSchema = json.RawMessage(spec.output)
	}
	name := t.Name
	ts.names[name] = true
	ts.s.mcp.AddTool(&t, func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		if req.Params.InputResponses == nil { // a retry with answers is the same call
			ts.s.countCall(name)
		}
		args := req.Params.Arguments
		if len(bytes.TrimSpace(args)) == 0 || string(bytes.TrimSpace(args)) == "null" {
			args = json.RawMessage("{}")
		}
		if msg := validate(schema, args); msg != "" {
			return errorResult("invalid arguments for %s: %s", name, msg), nil
		}
		return spec.run(ctx, req, args)
	})
}

func compileSchema(name, text string) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("parsing: %w", err)
	}
	url := "demo:///tools/" + name + ".json"
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("adding: %w", err)
	}
	return c.Compile(url)
}

// validate returns "" when args satisfy schema, else the errors on one line.
func validate(schema *jsonschema.Schema, args json.RawMessage) string {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(args))
	if err != nil {
		return "arguments are not JSON: " + err.Error()
	}
	err = schema.Validate(v)
	if err == nil {
		return ""
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) > 1 {
		lines = lines[1:] // the first line names the schema URL
	}
	for i, l := range lines {
		lines[i] = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "- "))
	}
	return strings.Join(lines, "; ")
}

func (s *Server) countCall(name string) {
	s.state.update(func(st *state) { st.stats.Calls[name]++ })
}

func textResult(format string, args ...any) *mcp.CallToolResult {
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: fmt.Sprintf(format, args...)}}}
}

func errorResult(format string, args ...any) *mcp.CallToolResult {
	r := textResult(format, args...)
	r.IsError = true
	return r
}

// decode fills v (already holding its defaults) from validated arguments.
func decode[T any](args json.RawMessage, v *T) error {
	if err := json.Unmarshal(args, v); err != nil {
		return fmt.Errorf("decoding arguments: %w", err)
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// Annotation shorthands: the hints a tool declares about itself.
func readOnly(title string) *mcp.ToolAnnotations {
	return &mcp.ToolAnnotations{Title: title, ReadOnlyHint: true, OpenWorldHint: ptr(false)}
}

func mutating(title string, destructive, idempotent bool) *mcp.ToolAnnotations {
	return &mcp.ToolAnnotations{Title: title, DestructiveHint: ptr(destructive), IdempotentHint: idempotent, OpenWorldHint: ptr(false)}
}
