package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"mcpls/internal/mcp"
)

// conformanceScenario plays one suite scenario against run.url.
type conformanceScenario func(ctx context.Context, run *conformanceRun) error

// conformanceScenarios is the one table of client scenarios we play, by the
// suite's names (`conformance list --client`). Scenarios under "auth/" are
// matched by prefix in lookupScenario.
var conformanceScenarios = map[string]conformanceScenario{
	"initialize":                          playInitialize,
	"tools_call":                          playToolsCall,
	"elicitation-sep1034-client-defaults": playElicitationDefaults,
	"sse-retry":                           playSSERetry,
}

// lookupScenario finds the player for name.
func lookupScenario(name string) (conformanceScenario, bool) {
	if play, ok := conformanceScenarios[name]; ok {
		return play, true
	}
	if strings.HasPrefix(name, "auth/") {
		return playOAuth, true // conformance_auth.go (issue 5)
	}
	return nil, false
}

// playInitialize connects (initialize, initialized, discovery) and closes:
// the suite checks the protocol version and clientInfo we send.
func playInitialize(ctx context.Context, run *conformanceRun) (err error) {
	s, err := run.connect(ctx, nil)
	if err != nil {
		return err
	}
	defer closeSession(s, &err)
	if got := s.Catalog().ProtocolVersion; got == "" {
		return fmt.Errorf("no protocol version negotiated")
	}
	return nil
}

// playToolsCall calls the mock's add_numbers tool with two numbers.
func playToolsCall(ctx context.Context, run *conformanceRun) (err error) {
	s, err := run.connect(ctx, nil)
	if err != nil {
		return err
	}
	defer closeSession(s, &err)
	_, err = callListedTool(ctx, s, "add_numbers", `{"a":5,"b":3}`)
	return err
}

// playElicitationDefaults calls a tool that asks for a form whose fields all
// have defaults (SEP-1034). Our "user" accepts the form untouched, an empty
// content; the client core must fill in the schema's defaults.
func playElicitationDefaults(ctx context.Context, run *conformanceRun) (err error) {
	s, err := run.connect(ctx, &mcp.Options{Elicit: acceptUntouched{}})
	if err != nil {
		return err
	}
	defer closeSession(s, &err)
	_, err = callListedTool(ctx, s, "test_client_elicitation_defaults", `{}`)
	return err
}

// playSSERetry calls a tool whose SSE response stream the server closes
// after a priming event (an id and retry: 500): the client core must wait
// the retry delay, resume with GET and Last-Event-ID, and read the result
// from the resumed stream (SEP-1699).
func playSSERetry(ctx context.Context, run *conformanceRun) (err error) {
	s, err := run.connect(ctx, nil)
	if err != nil {
		return err
	}
	defer closeSession(s, &err)
	_, err = callListedTool(ctx, s, "test_reconnection", `{}`)
	return err
}

// callListedTool calls a tool the server listed, and fails on a protocol
// error or an isError result.
func callListedTool(ctx context.Context, s *mcp.Session, name, args string) (*mcp.ToolResult, error) {
	if !hasTool(s.Catalog(), name) {
		return nil, fmt.Errorf("server does not list tool %q", name)
	}
	res, err := s.CallTool(ctx, name, json.RawMessage(args), nil)
	if err != nil {
		return nil, fmt.Errorf("calling %s: %w", name, err)
	}
	if res.IsError {
		return res, fmt.Errorf("calling %s: the tool reported an error: %s", name, contentText(res))
	}
	return res, nil
}

func hasTool(c mcp.Catalog, name string) bool {
	for _, t := range c.Tools {
		if t.Name == name {
			return true
		}
	}
	return false
}

// contentText joins the text blocks of a tool result, for error messages.
func contentText(res *mcp.ToolResult) string {
	var parts []string
	for _, raw := range res.Content {
		var block struct {
			Type string `json:"type"`
			Text string `json:"text"`
		}
		if json.Unmarshal(raw, &block) == nil && block.Type == "text" {
			parts = append(parts, block.Text)
		}
	}
	return strings.Join(parts, " ")
}

// acceptUntouched answers every form elicitation as a user who presses
// Accept without editing anything: content is empty, not absent, so the
// schema's defaults apply. URL-mode requests are declined (no browser here).
type acceptUntouched struct{}

func (acceptUntouched) Elicit(_ context.Context, _ string, req mcp.ElicitRequest) (mcp.ElicitResult, error) {
	if req.Mode == "url" {
		return mcp.ElicitResult{Action: "decline"}, nil
	}
	return mcp.ElicitResult{Action: "accept", Content: map[string]any{}}, nil
}
