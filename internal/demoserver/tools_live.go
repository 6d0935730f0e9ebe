package demoserver

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// This file holds the tools that do more than compute: they change the
// catalog or the resources, talk back to the client (progress, logging,
// elicitation) or run long enough to be cancelled.

func (s *Server) imageTool() toolSpec {
	return toolSpec{
		tool: mcp.Tool{Name: "get_image", Title: "Image",
			Description: "Returns a small PNG drawn on the fly, an embedded text resource describing it, and a link to the logo resource.",
			Annotations: readOnly("Image")},
		input: `{"type": "object",
 "properties": {
  "color": {"type": "string", "enum": ["purple", "teal", "orange", "gray"], "default": "purple"},
  "size": {"type": "integer", "minimum": 8, "maximum": 64, "default": 16, "description": "Width and height in pixels."},
  "pattern": {"type": "string", "enum": ["gradient", "checker"], "default": "gradient"}
 },
 "additionalProperties": false}`,
		run: func(_ context.Context, _ *mcp.CallToolRequest, raw json.RawMessage) (*mcp.CallToolResult, error) {
			args := struct {
				Color   string `json:"color"`
				Size    int    `json:"size"`
				Pattern string `json:"pattern"`
			}{Color: "purple", Size: 16, Pattern: "gradient"}
			if err := decode(raw, &args); err != nil {
				return nil, err
			}
			png, err := drawPNG(args.Color, args.Size, args.Pattern)
			if err != nil {
				return nil, err
			}
			desc := fmt.Sprintf("A %dx%d %s %s, %d bytes of PNG.", args.Size, args.Size, args.Color, args.Pattern, len(png))
			return &mcp.CallToolResult{Content: []mcp.Content{
				&mcp.ImageContent{Data: png, MIMEType: "image/png"},
				&mcp.EmbeddedResource{Resource: &mcp.ResourceContents{URI: "demo://images/last.txt", MIMEType: "text/plain", Text: desc}},
				&mcp.ResourceLink{URI: logoURI, Name: "logo.png", MIMEType: "image/png", Description: "The demo logo, as a blob resource."},
			}}, nil
		},
	}
}

func (s *Server) updateItemsTool() toolSpec {
	return toolSpec{
		tool: mcp.Tool{Name: "update_items", Title: "Update items",
			Description: "Updates prices and tags of items (resources demo://items/{id}); subscribers get resources/updated. An array of objects.",
			Annotations: mutating("Update items", false, true)},
		input: `{"type": "object",
 "properties": {
  "items": {"type": "array", "minItems": 1, "maxItems": 50,
   "items": {"type": "object",
    "properties": {
     "id": {"type": "integer", "minimum": 1, "description": "Item id."},
     "price": {"type": "number", "minimum": 0},
     "tags": {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": true}
    },
    "required": ["id"], "additionalProperties": false}},
  "dryRun": {"type": "boolean", "default": false, "description": "Check only, change nothing."}
 },
 "required": ["items"], "additionalProperties": false}`,
		run: s.runUpdateItems,
	}
}

func (s *Server) runUpdateItems(ctx context.Context, _ *mcp.CallToolRequest, raw json.RawMessage) (*mcp.CallToolResult, error) {
	var args struct {
		Items []struct {
			ID    int       `json:"id"`
			Price *float64  `json:"price"`
			Tags  *[]string `json:"tags"`
		} `json:"items"`
		DryRun bool `json:"dryRun"`
	}
	if err := decode(raw, &args); err != nil {
		return nil, err
	}
	for _, u := range args.Items {
		if _, ok := s.state.item(u.ID); !ok {
			return errorResult("no item %d", u.ID), nil
		}
	}
	if args.DryRun {
		return textResult("dry run: %d item(s) would be updated", len(args.Items)), nil
	}
	s.state.update(func(st *state) {
		for _, u := range args.Items {
			it := st.items[u.ID]
			if u.Price != nil {
				it.Price = *u.Price
			}
			if u.Tags != nil {
				it.Tags = *u.Tags
			}
			st.items[u.ID] = it
		}
	})
	for _, u := range args.Items {
		s.resourceUpdated(ctx, itemURI(u.ID))
	}
	return textResult("updated %d item(s)", len(args.Items)), nil
}

func (s *Server) deleteItemTool() toolSpec {
	return toolSpec{
		tool: mcp.Tool{Name: "delete_item", Title: "Delete item",
			Description: "Deletes an item and its resource (resources list_changed). Destructive: asks for confirm=true.",
			Annotations: mutating("Delete item", true, true)},
		input: `{"type": "object",
 "properties": {
  "id": {"type": "integer", "minimum": 1, "description": "Item id."},
  "confirm": {"type": "boolean", "const": true, "description": "Must be true."}
 },
 "required": ["id", "confirm"], "additionalProperties": false}`,
		run: func(_ context.Context, _ *mcp.CallToolRequest, raw json.RawMessage) (*mcp.CallToolResult, error) {
			var args struct {
				ID int `json:"id"`
			}
			if err := decode(raw, &args); err != nil {
				return nil, err
			}
			found := false
			s.state.update(func(st *state) {
				_, found = st.items[args.ID]
				delete(st.items, args.ID)
			})
			if !found {
				return errorResult("no item %d", args.ID), nil
			}
			s.mcp.RemoveResources(itemURI(args.ID))
			return textResult("deleted item %d", args.ID), nil
		},
	}
}

func (s *Server) writeNoteTool() toolSpec {
	return toolSpec{
		tool: mcp.Tool{Name: "write_note", Title: "Write note",
			Description: "Replaces the text of " + noteURI + "; subscribers get resources/updated.",
			Annotations: mutating("Write note", true, true)},
		input: `{"type": "object",
 "properties": {"text": {"type": "string", "maxLength": 2000, "description": "New text of the note."}},
 "required": ["text"], "additionalProperties": false}`,
		run: func(ctx context.Context, _ *mcp.CallToolRequest, raw json.RawMessage) (*mcp.CallToolResult, error) {
			var args struct {
				Text string `json:"text"`
			}
			if err := decode(raw, &args); err != nil {
				return nil, err
			}
			s.state.update(func(st *state) { st.note = args.Text })
			s.resourceUpdated(ctx, noteURI)
			return textResult("note updated (%d characters)", len(args.Text)), nil
		},
	}
}

func (s *Server) slowTool() toolSpec {
	return toolSpec{
		tool: mcp.Tool{Name: "slow", Title: "Slow task",
			Description: "Works for steps × intervalMs, sending a progress notification per step; stops when cancelled.",
			Annotations: readOnly("Slow task")},
		input: `{"type": "object",
 "properties": {
  "steps": {"type": "integer", "minimum": 1, "maximum": 100, "default": 5},
  "intervalMs": {"type": "integer", "minimum": 0, "maximum": 10000, "default": 200, "description": "Pause before each step."}
 },
 "additionalProperties": false}`,
		run: s.runSlow,
	}
}

func (s *Server) runSlow(ctx context.Context, req *mcp.CallToolRequest, raw json.RawMessage) (*mcp.CallToolResult, error) {
	args := struct {
		Steps      int `json:"steps"`
		IntervalMs int `json:"intervalMs"`
	}{Steps: 5, IntervalMs: 200}
	if err := decode(raw, &args); err != nil {
		return nil, err
	}
	s.state.update(func(st *state) { st.stats.SlowStarted++ })
	token := req.Params.GetProgressToken()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for step := 1; step <= args.Steps; step++ {
		timer.Reset(time.Duration(args.IntervalMs) * time.Millisecond)
		select {
		case <-ctx.Done():
			s.log.Info("slow: cancelled", "step", step, "steps", args.Steps)
			s.state.update(func(st *state) { st.stats.SlowCancelled++ })
			return nil, fmt.Errorf("slow: cancelled at step %d of %d: %w", step, args.Steps, ctx.Err())
		case <-s.closing:
			s.log.Info("slow: stopped by shutdown", "step", step, "steps", args.Steps)
			s.state.update(func(st *state) { st.stats.SlowCancelled++ })
			return errorResult("slow: the server is shutting down (stopped at step %d of %d)", step, args.Steps), nil
		case <-timer.C:
		}
		if token != nil {
			err := req.Session.NotifyProgress(ctx, &mcp.ProgressNotificationParams{
				ProgressToken: token, Progress: float64(step), Total: float64(args.Steps),
				Message: fmt.Sprintf("step %d of %d", step, args.Steps),
			})
			if err != nil {
				s.log.Warn("slow: sending progress", "err", err)
			}
		}
	}
	s.state.update(func(st *state) { st.stats.SlowCompleted++ })
	return textResult("done: %d steps", args.Steps), nil
}

// elicitSchema is the form ask_user sends: flat primitives, as elicitation
// requires.
var elicitSchema = json.RawMessage(`{"type": "object",
 "properties": {
  "name": {"type": "string", "title": "Name", "minLength": 1, "description": "What should we call you?"},
  "age": {"type": "integer", "title": "Age", "minimum": 0, "maximum": 150},
  "color": {"type": "string", "title": "Favourite colour", "enum": ["red", "green", "blue"]},
  "subscribe": {"type": "boolean", "title": "Subscribe to news", "default": false}
 },
 "required": ["name"]}`)

const elicitID = "answer"

func (s *Server) askUserTool() toolSpec {
	return toolSpec{
		tool: mcp.Tool{Name: "ask_user", Title: "Ask the user",
			Description: "Asks the user to fill a form (elicitation, form mode) and reports the action and content the client answered.",
			Annotations: readOnly("Ask the user")},
		input: `{"type": "object",
 "properties": {"message": {"type": "string", "default": "Tell the demo server about yourself.", "description": "Shown above the form."}},
 "additionalProperties": false}`,
		run: s.runAskUser,
	}
}

// inputResponse is the client's answer to input request id of a multi
// round-trip handler: answered is false on the first call, before the
// client was asked. An answer of another type than T is an error result.
func inputResponse[T mcp.Result](req *mcp.CallToolRequest, id, what string) (res T, answered bool, bad *mcp.CallToolResult) {
	resp, answered := req.Params.InputResponses[id]
	if !answered {
		return res, false, nil
	}
	res, ok := resp.(T)
	if !ok {
		return res, true, errorResult("expected %s answer, got %T", what, resp)
	}
	return res, true, nil
}

// clientCapabilities are what the client declared in initialize; empty
// when it declared nothing.
func clientCapabilities(req *mcp.CallToolRequest) *mcp.ClientCapabilities {
	if ip := req.Session.InitializeParams(); ip != nil && ip.Capabilities != nil {
		return ip.Capabilities
	}
	return &mcp.ClientCapabilities{}
}

// runAskUser is written as a multi round-trip handler: it returns an input
// request, and is called again with the answer. The SDK turns that into a
// plain elicitation/create request for clients on older protocol versions.
func (s *Server) runAskUser(_ context.Context, req *mcp.CallToolRequest, raw json.RawMessage) (*mcp.CallToolResult, error) {
	res, answered, bad := inputResponse[*mcp.ElicitResult](req, elicitID, "an elicitation")
	switch {
	case bad != nil:
		return bad, nil
	case answered:
		content, err := json.Marshal(res.Content)
		if err != nil {
			return nil, fmt.Errorf("encoding elicitation content: %w", err)
		}
		return textResult("action: %s\ncontent: %s", res.Action, content), nil
	}
	if clientCapabilities(req).Elicitation == nil {
		return errorResult("the client does not support elicitation"), nil
	}
	args := struct {
		Message string `json:"message"`
	}{Message: "Tell the demo server about yourself."}
	if err := decode(raw, &args); err != nil {
		return nil, err
	}
	return &mcp.CallToolResult{InputRequests: mcp.InputRequestMap{
		elicitID: &mcp.ElicitParams{Mode: "form", Message: args.Message, RequestedSchema: elicitSchema},
	}}, nil
}

func (s *Server) addToolTool() toolSpec {
	return toolSpec{
		tool: mcp.Tool{Name: "add_tool", Title: "Add a tool",
			Description: "Adds a tool that echoes its arguments; every session gets notifications/tools/list_changed.",
			Annotations: mutating("Add a tool", false, true)},
		input: `{"type": "object",
 "properties": {
  "name": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$", "description": "Name of the new tool.", "examples": ["my_tool"]},
  "description": {"type": "string", "default": "Added at runtime by add_tool."}
 },
 "required": ["name"], "additionalProperties": false}`,
		run: func(_ context.Context, _ *mcp.CallToolRequest, raw json.RawMessage) (*mcp.CallToolResult, error) {
			args := struct {
				Name        string `json:"name"`
				Description string `json:"description"`
			}{Description: "Added at runtime by add_tool."}
			if err := decode(raw, &args); err != nil {
				return nil, err
			}
			if s.builtin(args.Name) {
				return errorResult("%s is a built-in tool", args.Name), nil
			}
			s.addExtraTool(ExtraTool{Name: args.Name, Description: args.Description,
				InputSchema: json.RawMessage(`{"type": "object", "properties": {"text": {"type": "string"}}}`)})
			s.state.update(func(st *state) { st.stats.ToolsAdded++ })
			return textResult("added tool %s", args.Name), nil
		},
	}
}

// builtin reports whether name is one of the tools New registered itself.
func (s *Server) builtin(name string) bool { return s.tools.names[name] }

var logLevels = []mcp.LoggingLevel{"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"}

func (s *Server) logTool() toolSpec {
	return toolSpec{
		tool: mcp.Tool{Name: "log", Title: "Log",
			Description: "Sends notifications/message at the chosen levels (all eight by default); the client's logging/setLevel filters them.",
			Annotations: readOnly("Log")},
		input: `{"type": "object",
 "properties": {
  "message": {"type": "string", "default": "hello from the demo server"},
  "levels": {"type": "array", "uniqueItems": true,
   "items": {"type": "string", "enum": ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]},
   "default": ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]}
 },
 "additionalProperties": false}`,
		run: func(ctx context.Context, req *mcp.CallToolRequest, raw json.RawMessage) (*mcp.CallToolResult, error) {
			args := struct {
				Message string             `json:"message"`
				Levels  []mcp.LoggingLevel `json:"levels"`
			}{Message: "hello from the demo server", Levels: logLevels}
			if err := decode(raw, &args); err != nil {
				return nil, err
			}
			for _, level := range args.Levels {
				err := req.Session.Log(ctx, &mcp.LoggingMessageParams{Level: level, Logger: "demo",
					Data: map[string]any{"message": args.Message, "level": level}})
				if err != nil {
					return nil, fmt.Errorf("sending %s log message: %w", level, err)
				}
			}
			return textResult("sent %d log message(s)", len(args.Levels)), nil
		},
	}
}

func (s *Server) statsTool() toolSpec {
	return toolSpec{
		tool: mcp.Tool{Name: "stats", Title: "Server statistics",
			Description: "Counts calls per tool and slow calls started, completed and cancelled.",
			Annotations: readOnly("Statistics")},
		input: `{"type": "object", "additionalProperties": false}`,
		output: `{"type": "object",
 "properties": {
  "calls": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
  "slowStarted": {"type": "integer", "minimum": 0},
  "slowCompleted": {"type": "integer", "minimum": 0},
  "slowCancelled": {"type": "integer", "minimum": 0},
  "toolsAdded": {"type": "integer", "minimum": 0}
 },
 "required": ["calls", "slowStarted", "slowCompleted", "slowCancelled", "toolsAdded"]}`,
		run: func(context.Context, *mcp.CallToolRequest, json.RawMessage) (*mcp.CallToolResult, error) {
			stats := s.Stats()
			text, err := json.Marshal(stats)
			if err != nil {
				return nil, fmt.Errorf("encoding stats: %w", err)
			}
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: string(text)}}, StructuredContent: stats}, nil
		},
	}
}

const (
	sampleID = "sample"
	rootsID  = "roots"
)

func (s *Server) sampleTool() toolSpec {
	return toolSpec{
		tool: mcp.Tool{Name: "sample", Title: "Ask the client's model",
			Description: "Asks the client for a completion (sampling/createMessage) and reports the model and its answer.",
			Annotations: readOnly("Sample")},
		input: `{"type": "object",
 "properties": {
  "prompt": {"type": "string", "minLength": 1, "default": "Say hello in five words."},
  "maxTokens": {"type": "integer", "minimum": 1, "maximum": 4096, "default": 100}
 },
 "additionalProperties": false}`,
		run: s.runSample,
	}
}

// runSample is a multi round-trip handler, like runAskUser.
func (s *Server) runSample(_ context.Context, req *mcp.CallToolRequest, raw json.RawMessage) (*mcp.CallToolResult, error) {
	res, answered, bad := inputResponse[*mcp.CreateMessageWithToolsResult](req, sampleID, "a sampling")
	switch {
	case bad != nil:
		return bad, nil
	case answered:
		var text []string
		for _, c := range res.Content {
			if tc, ok := c.(*mcp.TextContent); ok {
				text = append(text, tc.Text)
			}
		}
		return textResult("model %s (%s): %s", res.Model, res.StopReason, strings.Join(text, " ")), nil
	}
	if clientCapabilities(req).Sampling == nil {
		return errorResult("the client does not support sampling"), nil
	}
	args := struct {
		Prompt    string `json:"prompt"`
		MaxTokens int64  `json:"maxTokens"`
	}{Prompt: "Say hello in five words.", MaxTokens: 100}
	if err := decode(raw, &args); err != nil {
		return nil, err
	}
	return &mcp.CallToolResult{InputRequests: mcp.InputRequestMap{
		sampleID: &mcp.CreateMessageParams{MaxTokens: args.MaxTokens,
			Messages: []*mcp.SamplingMessage{{Role: "user", Content: &mcp.TextContent{Text: args.Prompt}}}},
	}}, nil
}

func (s *Server) listRootsTool() toolSpec {
	return toolSpec{
		tool: mcp.Tool{Name: "list_roots", Title: "Client roots",
			Description: "Asks the client for its roots (roots/list) and lists them.",
			Annotations: readOnly("List roots")},
		input: `{"type": "object", "additionalProperties": false}`,
		run: func(_ context.Context, req *mcp.CallToolRequest, _ json.RawMessage) (*mcp.CallToolResult, error) {
			res, answered, bad := inputResponse[*mcp.ListRootsResult](req, rootsID, "a roots")
			switch {
			case bad != nil:
				return bad, nil
			case !answered:
				return &mcp.CallToolResult{InputRequests: mcp.InputRequestMap{rootsID: &mcp.ListRootsParams{}}}, nil
			}
			var b strings.Builder
			fmt.Fprintf(&b, "%d root(s)", len(res.Roots))
			for _, r := range res.Roots {
				fmt.Fprintf(&b, "\n%s %s", r.URI, r.Name)
			}
			return textResult("%s", b.String()), nil
		},
	}
}
