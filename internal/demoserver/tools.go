package demoserver

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// addTools registers the built-in catalog. The order is the list order.
func (s *Server) addTools() {
	for _, spec := range []toolSpec{
		s.echoTool(), s.addTool(), s.searchIssuesTool(), s.createEventTool(), s.configureTool(),
		s.shapeAreaTool(), s.weatherTool(), s.imageTool(), s.failTool(), s.updateItemsTool(),
		s.deleteItemTool(), s.writeNoteTool(), s.slowTool(), s.askUserTool(), s.sampleTool(),
		s.listRootsTool(), s.addToolTool(), s.logTool(), s.statsTool(),
	} {
		s.tools.add(spec)
	}
}

func (s *Server) echoTool() toolSpec {
	return toolSpec{
		tool: mcp.Tool{Name: "echo", Description: "Echoes the message back, repeated if asked.", Annotations: readOnly("Echo")},
		input: `{"type": "object",
 "properties": {
  "message": {"type": "string", "minLength": 1, "description": "Text to send back.", "examples": ["hello"]},
  "repeat": {"type": "integer", "minimum": 1, "maximum": 5, "default": 1, "description": "How many times to repeat it."}
 },
 "required": ["message"], "additionalProperties": false}`,
		run: func(_ context.Context, _ *mcp.CallToolRequest, raw json.RawMessage) (*mcp.CallToolResult, error) {
			args := struct {
				Message string `json:"message"`
				Repeat  int    `json:"repeat"`
			}{Repeat: 1}
			if err := decode(raw, &args); err != nil {
				return nil, err
			}
			return textResult("%s", strings.TrimSpace(strings.Repeat(args.Message+" ", args.Repeat))), nil
		},
	}
}

func (s *Server) addTool() toolSpec {
	return toolSpec{
		tool: mcp.Tool{Name: "add", Description: "Adds two numbers.",
			Annotations: &mcp.ToolAnnotations{Title: "Add", ReadOnlyHint: true, IdempotentHint: true, OpenWorldHint: ptr(false)}},
		input: `{"type": "object",
 "properties": {
  "a": {"type": "number", "description": "First addend."},
  "b": {"type": "number", "description": "Second addend."}
 },
 "required": ["a", "b"], "additionalProperties": false}`,
		run: func(_ context.Context, _ *mcp.CallToolRequest, raw json.RawMessage) (*mcp.CallToolResult, error) {
			var args struct{ A, B float64 }
			if err := decode(raw, &args); err != nil {
				return nil, err
			}
			return textResult("%s", formatNumber(args.A+args.B)), nil
		},
	}
}

func formatNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return fmt.Sprintf("%d", int64(f))
	}
	return fmt.Sprintf("%g", f)
}

func (s *Server) searchIssuesTool() toolSpec {
	return toolSpec{
		tool: mcp.Tool{Name: "search_issues", Title: "Search issues",
			Description: "Searches a pretend issue tracker. Shows numbers with ranges, enums, defaults, examples, a date format and a set of labels.",
			Annotations: &mcp.ToolAnnotations{Title: "Search issues", ReadOnlyHint: true, OpenWorldHint: ptr(true)}},
		input: `{"type": "object",
 "properties": {
  "query": {"type": "string", "minLength": 1, "maxLength": 200, "description": "Free-text search.", "examples": ["memory leak", "crash on start"]},
  "state": {"type": "string", "enum": ["open", "closed", "all"], "default": "open", "description": "Filter by state."},
  "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20, "description": "Maximum number of results."},
  "minScore": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.5, "description": "Relevance threshold."},
  "labels": {"type": "array", "items": {"type": "string", "enum": ["bug", "enhancement", "docs", "security", "perf"]}, "uniqueItems": true, "maxItems": 5, "description": "Only issues carrying all these labels."},
  "since": {"type": "string", "format": "date", "description": "Only issues updated on or after this day.", "examples": ["2026-01-31"]},
  "sort": {"type": "string", "enum": ["created", "updated", "comments"], "default": "updated", "description": "Sort key."}
 },
 "required": ["query"], "additionalProperties": false}`,
		run: func(_ context.Context, _ *mcp.CallToolRequest, raw json.RawMessage) (*mcp.CallToolResult, error) {
			args := struct {
				Query string `json:"query"`
				State string `json:"state"`
				Limit int    `json:"limit"`
				Sort  string `json:"sort"`
			}{State: "open", Limit: 20, Sort: "updated"}
			if err := decode(raw, &args); err != nil {
				return nil, err
			}
			var b strings.Builder
			fmt.Fprintf(&b, "%d %s issues matching %q, by %s:\n", min(args.Limit, 3), args.State, args.Query, args.Sort)
			for i := range min(args.Limit, 3) {
				fmt.Fprintf(&b, "#%d %s (%d)\n", 100+i, args.Query, i+1)
			}
			return textResult("%s", strings.TrimSuffix(b.String(), "\n")), nil
		},
	}
}

func (s *Server) createEventTool() toolSpec {
	return toolSpec{
		tool: mcp.Tool{Name: "create_event", Title: "Create calendar event",
			Description: "Creates a pretend calendar event. Shows formats (date, date-time, email, uri), an array of objects, a oneOf location and a multipleOf.",
			Annotations: mutating("Create event", false, false)},
		input: `{"type": "object",
 "properties": {
  "title": {"type": "string", "minLength": 1, "maxLength": 120, "description": "What the event is."},
  "date": {"type": "string", "format": "date", "description": "Day of the event.", "examples": ["2026-03-14"]},
  "startsAt": {"type": "string", "format": "date-time", "description": "Exact start, if known.", "examples": ["2026-03-14T09:30:00Z"]},
  "durationMinutes": {"type": "integer", "minimum": 5, "maximum": 480, "multipleOf": 5, "default": 30},
  "organizer": {"type": "string", "format": "email", "description": "Who sends the invitations."},
  "link": {"type": "string", "format": "uri", "description": "Agenda or meeting notes."},
  "attendees": {"type": "array", "minItems": 1, "maxItems": 20, "description": "Who is invited.",
   "items": {"type": "object",
    "properties": {
     "email": {"type": "string", "format": "email"},
     "name": {"type": "string"},
     "optional": {"type": "boolean", "default": false}
    },
    "required": ["email"], "additionalProperties": false}},
  "location": {"description": "Where it happens: a place or a link.",
   "oneOf": [
    {"type": "object", "title": "In person",
     "properties": {"kind": {"const": "physical"}, "address": {"type": "string", "minLength": 1}, "room": {"type": "string"}},
     "required": ["kind", "address"], "additionalProperties": false},
    {"type": "object", "title": "Online",
     "properties": {"kind": {"const": "online"}, "url": {"type": "string", "format": "uri"}},
     "required": ["kind", "url"], "additionalProperties": false}
   ]},
  "reminders": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 10080}, "default": [10], "description": "Minutes before the start."}
 },
 "required": ["title", "date", "attendees"], "additionalProperties": false}`,
		run: func(_ context.Context, _ *mcp.CallToolRequest, raw json.RawMessage) (*mcp.CallToolResult, error) {
			args := struct {
				Title     string            `json:"title"`
				Date      string            `json:"date"`
				Duration  int               `json:"durationMinutes"`
				Attendees []json.RawMessage `json:"attendees"`
			}{Duration: 30}
			if err := decode(raw, &args); err != nil {
				return nil, err
			}
			return textResult("created %q on %s for %d minutes with %d attendee(s)", args.Title, args.Date, args.Duration, len(args.Attendees)), nil
		},
	}
}

func (s *Server) configureTool() toolSpec {
	return toolSpec{
		tool: mcp.Tool{Name: "configure", Title: "Configure service",
			Description: "Applies a pretend service configuration. Shows nested objects, a map of booleans, an ipv4 format and dependentRequired.",
			Annotations: mutating("Configure", false, true)},
		input: `{"type": "object",
 "properties": {
  "server": {"type": "object", "description": "Listener settings.",
   "properties": {
    "host": {"type": "string", "format": "ipv4", "default": "127.0.0.1"},
    "port": {"type": "integer", "minimum": 1, "maximum": 65535, "default": 8080},
    "tls": {"type": "object",
     "properties": {
      "enabled": {"type": "boolean", "default": false},
      "certFile": {"type": "string"},
      "minVersion": {"type": "string", "enum": ["1.2", "1.3"], "default": "1.2"}
     },
     "additionalProperties": false}
   },
   "required": ["port"], "additionalProperties": false},
  "mode": {"type": "string", "enum": ["development", "staging", "production"], "default": "development"},
  "features": {"type": "object", "additionalProperties": {"type": "boolean"}, "description": "Feature flags by name.", "examples": [{"beta": true}]},
  "limits": {"type": "object",
   "properties": {
    "rps": {"type": "number", "exclusiveMinimum": 0, "maximum": 10000},
    "burst": {"type": "integer", "minimum": 1}
   },
   "dependentRequired": {"burst": ["rps"]}}
 },
 "required": ["server"], "additionalProperties": false}`,
		run: func(_ context.Context, _ *mcp.CallToolRequest, raw json.RawMessage) (*mcp.CallToolResult, error) {
			args := struct {
				Mode   string `json:"mode"`
				Server struct {
					Port int `json:"port"`
				} `json:"server"`
			}{Mode: "development"}
			if err := decode(raw, &args); err != nil {
				return nil, err
			}
			return textResult("configuration applied: %s mode on port %d", args.Mode, args.Server.Port), nil
		},
	}
}

func (s *Server) shapeAreaTool() toolSpec {
	return toolSpec{
		tool: mcp.Tool{Name: "shape_area", Title: "Area of a shape",
			Description: "Computes the area of a circle, rectangle or triangle: a oneOf with a const discriminator.",
			Annotations: &mcp.ToolAnnotations{Title: "Shape area", ReadOnlyHint: true, IdempotentHint: true, OpenWorldHint: ptr(false)}},
		input: `{"type": "object",
 "properties": {
  "shape": {"description": "The shape, told apart by kind.",
   "oneOf": [
    {"type": "object", "title": "Circle",
     "properties": {"kind": {"const": "circle"}, "radius": {"type": "number", "exclusiveMinimum": 0}},
     "required": ["kind", "radius"], "additionalProperties": false},
    {"type": "object", "title": "Rectangle",
     "properties": {"kind": {"const": "rectangle"}, "width": {"type": "number", "exclusiveMinimum": 0}, "height": {"type": "number", "exclusiveMinimum": 0}},
     "required": ["kind", "width", "height"], "additionalProperties": false},
    {"type": "object", "title": "Triangle",
     "properties": {"kind": {"const": "triangle"}, "base": {"type": "number", "exclusiveMinimum": 0}, "height": {"type": "number", "exclusiveMinimum": 0}},
     "required": ["kind", "base", "height"], "additionalProperties": false}
   ]},
  "precision": {"type": "integer", "minimum": 0, "maximum": 6, "default": 2, "description": "Decimals in the answer."}
 },
 "required": ["shape"], "additionalProperties": false}`,
		run: func(_ context.Context, _ *mcp.CallToolRequest, raw json.RawMessage) (*mcp.CallToolResult, error) {
			args := struct {
				Shape struct {
					Kind                        string
					Radius, Width, Height, Base float64
				} `json:"shape"`
				Precision int `json:"precision"`
			}{Precision: 2}
			if err := decode(raw, &args); err != nil {
				return nil, err
			}
			sh := args.Shape
			area := map[string]float64{
				"circle":    math.Pi * sh.Radius * sh.Radius,
				"rectangle": sh.Width * sh.Height,
				"triangle":  sh.Base * sh.Height / 2,
			}[sh.Kind]
			return textResult("%.*f", args.Precision, area), nil
		},
	}
}

func (s *Server) weatherTool() toolSpec {
	return toolSpec{
		tool: mcp.Tool{Name: "get_weather", Title: "Weather",
			Description: "Reports made-up weather for a city as structured content matching its output schema.",
			Annotations: &mcp.ToolAnnotations{Title: "Weather", ReadOnlyHint: true, OpenWorldHint: ptr(true)}},
		input: `{"type": "object",
 "properties": {
  "city": {"type": "string", "minLength": 1, "description": "City name.", "examples": ["Paris", "Tokyo"]},
  "units": {"type": "string", "enum": ["metric", "imperial"], "default": "metric"}
 },
 "required": ["city"], "additionalProperties": false}`,
		output: `{"type": "object",
 "properties": {
  "city": {"type": "string"},
  "temperature": {"type": "number"},
  "units": {"type": "string", "enum": ["metric", "imperial"]},
  "conditions": {"type": "string", "enum": ["sunny", "cloudy", "rain", "snow", "fog"]},
  "humidity": {"type": "integer", "minimum": 0, "maximum": 100}
 },
 "required": ["city", "temperature", "units", "conditions", "humidity"], "additionalProperties": false}`,
		run: func(_ context.Context, _ *mcp.CallToolRequest, raw json.RawMessage) (*mcp.CallToolResult, error) {
			args := struct {
				City  string `json:"city"`
				Units string `json:"units"`
			}{Units: "metric"}
			if err := decode(raw, &args); err != nil {
				return nil, err
			}
			return weatherResult(args.City, args.Units)
		},
	}
}

// weatherResult derives stable weather from the city name.
func weatherResult(city, units string) (*mcp.CallToolResult, error) {
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(city)))
	n := h.Sum32()
	temp := float64(int(n%35)) - 5
	if units == "imperial" {
		temp = temp*9/5 + 32
	}
	out := map[string]any{
		"city":        city,
		"temperature": temp,
		"units":       units,
		"conditions":  []string{"sunny", "cloudy", "rain", "snow", "fog"}[n/35%5],
		"humidity":    int(n / 175 % 101),
	}
	text, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("encoding weather: %w", err)
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: string(text)}}, StructuredContent: out}, nil
}

func (s *Server) failTool() toolSpec {
	return toolSpec{
		tool: mcp.Tool{Name: "fail", Description: "Always fails with a tool error (isError), not a protocol error.", Annotations: readOnly("Fail")},
		input: `{"type": "object",
 "properties": {"message": {"type": "string", "default": "something went wrong", "description": "The error text."}},
 "additionalProperties": false}`,
		run: func(_ context.Context, _ *mcp.CallToolRequest, raw json.RawMessage) (*mcp.CallToolResult, error) {
			args := struct {
				Message string `json:"message"`
			}{Message: "something went wrong"}
			if err := decode(raw, &args); err != nil {
				return nil, err
			}
			return errorResult("%s", args.Message), nil
		},
	}
}
