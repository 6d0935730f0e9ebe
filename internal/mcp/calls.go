package mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// errIdle and errMax are the causes a request's watchdog cancels with.
var (
	errIdle = errors.New("no answer or progress in time")
	errMax  = errors.New("maximum request time reached")
)

// watchdog bounds one request: idle time, reset by progress, up to max.
type watchdog struct {
	timer *time.Timer
	idle  time.Duration
}

func newWatchdog(parent context.Context, idle, max time.Duration) (context.Context, *watchdog, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ctx, cancelMax := context.WithTimeoutCause(ctx, max, errMax)
	w := &watchdog{idle: idle, timer: time.AfterFunc(idle, func() { cancel(errIdle) })}
	return ctx, w, func() {
		w.timer.Stop()
		cancelMax()
		cancel(nil)
	}
}

func (w *watchdog) reset() { w.timer.Reset(w.idle) }

// request runs one request on the live connection with a progress token,
// the target's timeouts, typed errors, and one transparent retry when the
// server forgot our HTTP session (it never saw the request).
func (s *Session) request(ctx context.Context, op string, progress func(Progress),
	fn func(ctx context.Context, cs *sdk.ClientSession, token string) error) error {
	conn, err := s.current()
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		err = s.attempt(ctx, conn, op, progress, fn)
		if err == nil || attempt > 0 || conn.wire == nil || !conn.wire.sessionGone.Load() {
			return err
		}
		if conn, err = s.reinitialize(ctx, conn); err != nil {
			return err
		}
	}
}

func (s *Session) attempt(ctx context.Context, conn *connection, op string, progress func(Progress),
	fn func(ctx context.Context, cs *sdk.ClientSession, token string) error) error {
	idle, max := s.target.timeouts()
	wctx, dog, stop := newWatchdog(ctx, idle, max)
	defer stop()
	token := fmt.Sprintf("mcpls-%d", s.nextToken.Add(1))
	s.progMu.Lock()
	s.progress[token] = func(p Progress) {
		dog.reset()
		if progress != nil {
			progress(p)
		}
	}
	s.progMu.Unlock()
	defer func() {
		s.progMu.Lock()
		delete(s.progress, token)
		s.progMu.Unlock()
	}()
	if err := fn(wctx, conn.cs, token); err != nil {
		return s.callError(wctx, ctx, conn, op, err)
	}
	return nil
}

// callError turns a failed request into a typed error. ctx is the
// request's context (its cause tells a timeout); parent, when set, is the
// caller's, whose cancellation is reported as such.
func (s *Session) callError(ctx, parent context.Context, conn *connection, op string, err error) error {
	cause := context.Cause(ctx)
	switch {
	case errors.Is(cause, errIdle), errors.Is(cause, errMax):
		idle, max := s.target.timeouts()
		d := idle
		if errors.Is(cause, errMax) {
			d = max
		}
		return &Error{Server: s.target.Name, Op: op, Kind: KindTimeout, Err: err,
			Detail: fmt.Sprintf("%v (%s); the request was cancelled", cause, d)}
	case parent != nil && parent.Err() != nil:
		return fmt.Errorf("%s on %q: %w", op, s.target.Name, parent.Err())
	}
	var rpcErr *jsonrpc.Error
	if errors.As(err, &rpcErr) {
		return &Error{Server: s.target.Name, Op: op, Kind: KindProtocol, Err: err,
			Detail: fmt.Sprintf("%s (code %d)", rpcErr.Message, rpcErr.Code)}
	}
	if conn.proc != nil && conn.proc.exitedWithin(time.Second) {
		return conn.proc.exitError(s.target.Name, op)
	}
	if conn.wire != nil {
		if conn.wire.sessionGone.Load() {
			return &Error{Server: s.target.Name, Op: op, Kind: KindSessionGone, Err: err}
		}
		if f := conn.wire.lastFailure(); f != nil {
			return s.httpFailure(ctx, op, conn.wire, err)
		}
	}
	if errors.Is(err, sdk.ErrConnectionClosed) {
		return &Error{Server: s.target.Name, Op: op, Kind: KindClosed, Err: err, Detail: err.Error()}
	}
	return &Error{Server: s.target.Name, Op: op, Kind: KindUnclassified, Err: err, Detail: err.Error()}
}

// CallTool calls a tool. args is a JSON object (nil means {}). A tool that
// reports failure gives a result with IsError, not an error; a result
// whose structuredContent does not match the tool's outputSchema carries
// SchemaError.
func (s *Session) CallTool(ctx context.Context, name string, args json.RawMessage, progress func(Progress)) (*ToolResult, error) {
	if len(bytes.TrimSpace(args)) == 0 {
		args = json.RawMessage(`{}`)
	}
	var out ToolResult
	err := s.request(ctx, "tools/call "+name, progress, func(ctx context.Context, cs *sdk.ClientSession, token string) error {
		params := &sdk.CallToolParams{Name: name, Arguments: args}
		params.SetProgressToken(token)
		res, err := cs.CallTool(ctx, params)
		if err != nil {
			return err
		}
		return convert(res, &out)
	})
	if err != nil {
		return nil, err
	}
	out.SchemaError = s.checkOutput(name, &out)
	return &out, nil
}

// GetPrompt renders a prompt with its arguments.
func (s *Session) GetPrompt(ctx context.Context, name string, args map[string]string, progress func(Progress)) (*PromptResult, error) {
	var out PromptResult
	err := s.request(ctx, "prompts/get "+name, progress, func(ctx context.Context, cs *sdk.ClientSession, token string) error {
		params := &sdk.GetPromptParams{Name: name, Arguments: args}
		params.SetProgressToken(token)
		res, err := cs.GetPrompt(ctx, params)
		if err != nil {
			return err
		}
		return convert(res, &out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ReadResource reads a resource by URI.
func (s *Session) ReadResource(ctx context.Context, uri string, progress func(Progress)) (*ResourceResult, error) {
	var out ResourceResult
	err := s.request(ctx, "resources/read "+uri, progress, func(ctx context.Context, cs *sdk.ClientSession, token string) error {
		params := &sdk.ReadResourceParams{URI: uri}
		params.SetProgressToken(token)
		res, err := cs.ReadResource(ctx, params)
		if err != nil {
			return err
		}
		return convert(res, &out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Complete asks for completions of a prompt argument or template variable.
func (s *Session) Complete(ctx context.Context, ref CompletionRef, argName, value string, contextArgs map[string]string) ([]string, error) {
	var values []string
	err := s.request(ctx, "completion/complete", nil, func(ctx context.Context, cs *sdk.ClientSession, _ string) error {
		params := &sdk.CompleteParams{Ref: &sdk.CompleteReference{Type: ref.Type, Name: ref.Name, URI: ref.URI},
			Argument: sdk.CompleteParamsArgument{Name: argName, Value: value}}
		if len(contextArgs) > 0 {
			params.Context = &sdk.CompleteContext{Arguments: contextArgs}
		}
		res, err := cs.Complete(ctx, params)
		if err != nil {
			return err
		}
		values = res.Completion.Values
		return nil
	})
	return values, err
}

// Ping checks the server answers.
func (s *Session) Ping(ctx context.Context) error {
	return s.request(ctx, "ping", nil, func(ctx context.Context, cs *sdk.ClientSession, _ string) error {
		return cs.Ping(ctx, nil)
	})
}

// SetLogLevel asks the server to send log messages at level and above.
func (s *Session) SetLogLevel(ctx context.Context, level string) error {
	return s.request(ctx, "logging/setLevel", nil, func(ctx context.Context, cs *sdk.ClientSession, _ string) error {
		return cs.SetLoggingLevel(ctx, &sdk.SetLoggingLevelParams{Level: sdk.LoggingLevel(level)})
	})
}

// checkOutput validates structuredContent against the tool's outputSchema
// and says what is wrong, or "" when it conforms (or there is no schema).
func (s *Session) checkOutput(name string, res *ToolResult) string {
	if res.IsError {
		return ""
	}
	sch, msg := s.outputSchema(name)
	if sch == nil {
		return msg
	}
	if len(res.StructuredContent) == 0 {
		return "the tool declares an outputSchema but returned no structuredContent"
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(res.StructuredContent))
	if err != nil {
		return fmt.Sprintf("structuredContent is not JSON: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		return "structuredContent does not match the outputSchema: " + strings.TrimSpace(err.Error())
	}
	return ""
}

// outputSchema compiles (once per catalog) the tool's outputSchema. A
// schema that does not compile is reported in the second result.
func (s *Session) outputSchema(name string) (*jsonschema.Schema, string) {
	t, ok := s.tool(name)
	if !ok || len(t.OutputSchema) == 0 || string(t.OutputSchema) == "null" {
		return nil, ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if sch, ok := s.schemas[name]; ok {
		return sch, ""
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(t.OutputSchema))
	if err != nil {
		return nil, fmt.Sprintf("cannot check structuredContent: outputSchema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	loc := "mcpls:///tools/output.json"
	if err := c.AddResource(loc, doc); err != nil {
		return nil, fmt.Sprintf("cannot check structuredContent: %v", err)
	}
	sch, err := c.Compile(loc)
	if err != nil {
		return nil, fmt.Sprintf("cannot check structuredContent: outputSchema does not compile: %v", err)
	}
	if s.schemas == nil {
		s.schemas = map[string]*jsonschema.Schema{}
	}
	s.schemas[name] = sch
	return sch, ""
}
