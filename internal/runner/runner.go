// Package runner runs the saved requests of an MCP config file: it turns
// a config server into the target internal/mcp connects to (TargetFor, the
// one place that conversion happens), expands a request's arguments
// (Prepare), sends it on a session and sums up the outcome (Run), and runs
// whole collections, one connection per server, servers in parallel and
// requests in file order (RunAll). The headless CLI (mcpls run) and the
// language server's code lenses share it. It knows nothing of LSP or of
// terminals.
package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"mcpls/internal/config"
	"mcpls/internal/mcp"
)

// Outcome is the result of one saved request.
type Outcome struct {
	Name     string // the request's name, or "<kind> <target>" when it has none
	Server   string
	Kind     string // tool, prompt or resource
	Target   string // the tool or prompt name, or the resource URI
	Duration time.Duration
	// OK is true when the request got a result that is not an error.
	OK bool
	// IsError is a tool's result with isError set: the tool ran and failed.
	IsError bool
	// Err is a failure to get a result at all: connecting, preparing the
	// arguments, or a protocol error. Nil when OK or IsError.
	Err error
	// Summary is one line about the result ("3", "2 messages", the tool's
	// error text) or the error.
	Summary string
	// Response is the result in MCP's wire shape; nil when Err is set.
	Response json.RawMessage
}

// MarshalJSON encodes an outcome as mcpls run --json prints it.
func (o Outcome) MarshalJSON() ([]byte, error) {
	var errText string
	if o.Err != nil {
		errText = o.Err.Error()
	}
	return json.Marshal(struct {
		Name       string          `json:"name"`
		Server     string          `json:"server"`
		Kind       string          `json:"kind"`
		Target     string          `json:"target"`
		DurationMs float64         `json:"durationMs"`
		OK         bool            `json:"ok"`
		IsError    bool            `json:"isError,omitempty"`
		Error      string          `json:"error,omitempty"`
		Summary    string          `json:"summary"`
		Response   json.RawMessage `json:"response,omitempty"`
	}{o.Name, o.Server, o.Kind, o.Target, float64(o.Duration.Microseconds()) / 1000,
		o.OK, o.IsError, errText, o.Summary, o.Response})
}

// NameOf is the name a request is shown under: its "name", else its kind
// and target ("tool add").
func NameOf(req *config.Request) string {
	if req.Name.Set && req.Name.Value != "" {
		return req.Name.Value
	}
	if kind, target, ok := req.Kind(); ok {
		return kind + " " + target.Value
	}
	return fmt.Sprintf("request %d", req.Index+1)
}

// newOutcome is the outcome of req before it runs.
func newOutcome(req *config.Request) Outcome {
	o := Outcome{Name: NameOf(req), Server: req.Server.Value}
	if kind, target, ok := req.Kind(); ok {
		o.Kind, o.Target = kind, target.Value
	}
	return o
}

// failed fills o with an error that kept the request from getting a result.
func (o Outcome) failed(err error) Outcome {
	o.OK, o.Err, o.Summary = false, err, oneLine(err.Error())
	return o
}

// Run prepares req (a request of file f, its variables expanded with env)
// and sends it on sess, a live session to the request's server. It takes
// the file and env beside the request because a request's ${...}
// variables are expanded against them.
func Run(ctx context.Context, sess *mcp.Session, f *config.File, req *config.Request, env config.Env) Outcome {
	o := newOutcome(req)
	call, err := Prepare(f, req, env)
	if err != nil {
		return o.failed(err)
	}
	o.Target = call.Target
	start := time.Now()
	res, summary, isError, err := send(ctx, sess, call)
	o.Duration = time.Since(start)
	if err != nil {
		return o.failed(err)
	}
	o.Response, o.Summary, o.IsError, o.OK = res, summary, isError, !isError
	return o
}

// send makes the call and returns the result, its summary, and whether the
// tool reported an error.
func send(ctx context.Context, sess *mcp.Session, call Call) (json.RawMessage, string, bool, error) {
	var (
		result  any
		summary string
		isError bool
	)
	switch call.Kind {
	case config.RequestTool:
		res, err := sess.CallTool(ctx, call.Target, call.Arguments, nil)
		if err != nil {
			return nil, "", false, err
		}
		result, summary, isError = res, ToolSummary(res), res.IsError
		if !isError && res.SchemaError != "" {
			return nil, "", false, fmt.Errorf("structuredContent does not match the outputSchema: %s", res.SchemaError)
		}
	case config.RequestPrompt:
		res, err := sess.GetPrompt(ctx, call.Target, call.PromptArgs, nil)
		if err != nil {
			return nil, "", false, err
		}
		result, summary = res, count(len(res.Messages), "message")
	case config.RequestResource:
		res, err := sess.ReadResource(ctx, call.Target, nil)
		if err != nil {
			return nil, "", false, err
		}
		result, summary = res, resourceSummary(res)
	default:
		return nil, "", false, fmt.Errorf("unknown request kind %q", call.Kind)
	}
	raw, err := json.Marshal(result)
	if err != nil {
		return nil, "", false, fmt.Errorf("encoding the result: %w", err)
	}
	return raw, summary, isError, nil
}

// ToolSummary is one line about a tool result: the first line of its
// first text content, else the number of content items.
func ToolSummary(res *mcp.ToolResult) string {
	for _, c := range res.Content {
		var part struct {
			Type string `json:"type"`
			Text string `json:"text"`
		}
		if json.Unmarshal(c, &part) == nil && part.Type == "text" && strings.TrimSpace(part.Text) != "" {
			return oneLine(part.Text)
		}
	}
	if len(res.Content) == 0 && len(res.StructuredContent) > 0 {
		return oneLine(string(res.StructuredContent))
	}
	return count(len(res.Content), "item")
}

func resourceSummary(res *mcp.ResourceResult) string {
	s := count(len(res.Contents), "item")
	if len(res.Contents) > 0 && res.Contents[0].MIMEType != "" {
		s += ", " + res.Contents[0].MIMEType
	}
	return s
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// oneLine is the first non-empty line of s, at most 100 characters.
func oneLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			s = line
			break
		}
	}
	if r := []rune(s); len(r) > 100 {
		s = string(r[:99]) + "…"
	}
	return s
}
