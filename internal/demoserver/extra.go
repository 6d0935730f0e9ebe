package demoserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// ExtraTool is a tool served beside the built-in ones, as read from a file
// by [ParseTools] or added at runtime by the add_tool tool. Calling it echoes
// its arguments back as JSON text; its input schema is published as given
// and not enforced.
type ExtraTool struct {
	Name        string          `json:"name"`
	Title       string          `json:"title,omitempty"`
	Description string          `json:"description,omitempty"`
	InputSchema json.RawMessage `json:"inputSchema,omitempty"`
	Annotations json.RawMessage `json:"annotations,omitempty"`
}

// ReadTools reads extra tools from a file; see [ParseTools] for the formats.
func ReadTools(path string) ([]ExtraTool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading tools: %w", err)
	}
	tools, err := ParseTools(data)
	if err != nil {
		return nil, fmt.Errorf("reading tools from %s: %w", path, err)
	}
	return tools, nil
}

// ParseTools accepts three shapes of JSON:
//   - an array of MCP tool objects {name, title, description, inputSchema, annotations};
//   - an object with such an array under "tools" (a tools/list result);
//   - the schema written by lspbench's gen.mjs (mcp-bench.schema.json), whose
//     definitions "args_<tool>" are the tools' input schemas, in the order of
//     definitions.toolName.enum.
//
// A tool without an inputSchema gets {"type": "object"}; one whose schema is
// not of type "object", or a repeated name, is an error.
func ParseTools(data []byte) ([]ExtraTool, error) {
	data = bytes.TrimSpace(data)
	var tools []ExtraTool
	switch {
	case bytes.HasPrefix(data, []byte("[")):
		if err := json.Unmarshal(data, &tools); err != nil {
			return nil, fmt.Errorf("decoding tool array: %w", err)
		}
	case bytes.HasPrefix(data, []byte("{")):
		var err error
		if tools, err = parseToolObject(data); err != nil {
			return nil, err
		}
	default:
		return nil, errors.New("expected a JSON array of tools or an object")
	}
	return checkTools(tools)
}

func parseToolObject(data []byte) ([]ExtraTool, error) {
	var doc struct {
		Tools       *[]ExtraTool               `json:"tools"`
		Definitions map[string]json.RawMessage `json:"definitions"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("decoding tools: %w", err)
	}
	if doc.Tools != nil {
		return *doc.Tools, nil
	}
	if doc.Definitions != nil {
		return benchSchemaTools(doc.Definitions)
	}
	return nil, errors.New(`expected "tools" or gen.mjs "definitions" in the object`)
}

// benchSchemaTools extracts the tools of a gen.mjs schema.
func benchSchemaTools(defs map[string]json.RawMessage) ([]ExtraTool, error) {
	var names []string
	if raw, ok := defs["toolName"]; ok {
		var tn struct {
			Enum []string `json:"enum"`
		}
		if err := json.Unmarshal(raw, &tn); err != nil {
			return nil, fmt.Errorf("decoding definitions.toolName: %w", err)
		}
		names = tn.Enum
	} else {
		for k := range defs {
			if name, ok := strings.CutPrefix(k, "args_"); ok {
				names = append(names, name)
			}
		}
		sort.Strings(names)
	}
	if len(names) == 0 {
		return nil, errors.New(`no "args_<tool>" definitions found`)
	}
	tools := make([]ExtraTool, 0, len(names))
	for _, name := range names {
		schema, ok := defs["args_"+name]
		if !ok {
			return nil, fmt.Errorf("tool %q has no definitions.args_%s", name, name)
		}
		var d struct {
			Description string `json:"description"`
		}
		if err := json.Unmarshal(schema, &d); err != nil {
			return nil, fmt.Errorf("decoding definitions.args_%s: %w", name, err)
		}
		tools = append(tools, ExtraTool{Name: name, Description: d.Description, InputSchema: schema})
	}
	return tools, nil
}

func checkTools(tools []ExtraTool) ([]ExtraTool, error) {
	seen := map[string]bool{}
	for i := range tools {
		t := &tools[i]
		if t.Name == "" {
			return nil, fmt.Errorf("tool %d has no name", i)
		}
		if seen[t.Name] {
			return nil, fmt.Errorf("tool %q appears twice", t.Name)
		}
		seen[t.Name] = true
		if len(t.InputSchema) == 0 {
			t.InputSchema = json.RawMessage(`{"type": "object"}`)
		}
		var s struct {
			Type any `json:"type"`
		}
		if err := json.Unmarshal(t.InputSchema, &s); err != nil {
			return nil, fmt.Errorf("tool %q: input schema is not a JSON object: %w", t.Name, err)
		}
		if s.Type != "object" {
			return nil, fmt.Errorf(`tool %q: input schema must have type "object", not %v`, t.Name, s.Type)
		}
		if len(t.Annotations) > 0 {
			if err := json.Unmarshal(t.Annotations, new(mcp.ToolAnnotations)); err != nil {
				return nil, fmt.Errorf("tool %q: annotations: %w", t.Name, err)
			}
		}
	}
	return tools, nil
}

// addExtraTool registers t with a handler that echoes its arguments. A tool
// of the same name, built-in or not, is replaced.
func (s *Server) addExtraTool(t ExtraTool) {
	tool := &mcp.Tool{Name: t.Name, Title: t.Title, Description: t.Description, InputSchema: t.InputSchema}
	if len(t.Annotations) > 0 {
		var a mcp.ToolAnnotations
		if err := json.Unmarshal(t.Annotations, &a); err != nil {
			s.log.Warn("ignoring the annotations of an extra tool", "tool", t.Name, "err", err)
		} else {
			tool.Annotations = &a
		}
	}
	name := t.Name
	s.mcp.AddTool(tool, func(_ context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		s.countCall(name)
		args := bytes.TrimSpace(req.Params.Arguments)
		if len(args) == 0 {
			args = []byte("{}")
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, args); err != nil {
			return errorResult("arguments are not JSON: %v", err), nil
		}
		return textResult("%s", compact.String()), nil
	})
}
