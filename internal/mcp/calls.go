package mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"mcpls/internal/console"
)

// errIdle and errMax are the causes a request's watchdog cancels with.
var (
	errIdle = errors.New("no answer or progress in time")
	errMax  = errors.New("maximum request time reached")
)

// watchdog bounds one request: idle time, reset by progress, up to max.
// One timer serves both bounds: progress only records when it came, and
// the timer, when it fires, checks and re-arms itself. That keeps the
// common case (an answer before any bound) at one timer start and stop.
type watchdog struct {
	cancel   context.CancelCauseFunc
	done     <-chan struct{}
	timer    atomic.Pointer[time.Timer]
	idle     time.Duration
	start    time.Time
	max      time.Duration
	lastBeat atomic.Int64 // nanoseconds after start of the last progress
}

func newWatchdog(parent context.Context, idle, max time.Duration) (context.Context, *watchdog, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	w := &watchdog{cancel: cancel, done: ctx.Done(), idle: idle, max: max, start: time.Now()}
	w.timer.Store(time.AfterFunc(min(idle, max), w.fire))
	return ctx, w, func() {
		w.timer.Load().Stop()
		cancel(nil)
	}
}

// fire ends the request when a bound is reached, or waits for the
// nearer one with a new timer.
func (w *watchdog) fire() {
	select {
	case <-w.done:
		return
	default:
	}
	now := time.Since(w.start)
	if now >= w.max {
		w.cancel(errMax)
		return
	}
	idleEnd := time.Duration(w.lastBeat.Load()) + w.idle
	if now >= idleEnd {
		w.cancel(errIdle)
		return
	}
	w.timer.Store(time.AfterFunc(min(idleEnd, w.max)-now, w.fire))
}

func (w *watchdog) reset() { w.lastBeat.Store(int64(time.Since(w.start))) }

// request runs one request on the live connection with a progress token,
// the target's timeouts, typed errors, and one transparent retry when the
// server forgot our HTTP session (it never saw the request).
func (s *Session) request(ctx context.Context, op string, progress func(Progress),
	fn func(ctx context.Context, conn *connection, token string) error) error {
	conn, err := s.current(ctx)
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
	fn func(ctx context.Context, conn *connection, token string) error) error {
	idle, max := s.target.timeouts()
	wctx, dog, stop := newWatchdog(ctx, idle, max)
	defer stop()
	wctx, slot := withSlot(wctx)
	token := "mcpls-" + strconv.FormatInt(s.nextToken.Add(1), 10)
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
	if err := fn(wctx, conn, token); err != nil {
		return s.callError(wctx, ctx, conn, slot, op, err)
	}
	return nil
}

// codeRejected is the SDK's JSON-RPC code for "rejected by transport":
// the HTTP exchange failed, and only the wire knows how.
const codeRejected = -32005

// callError turns a failed request into a typed error. ctx is the
// request's context (its cause tells a timeout or a dead server); parent,
// when set, is the caller's, whose cancellation is reported as such; slot
// is what the wire saw of this request.
func (s *Session) callError(ctx, parent context.Context, conn *connection, slot *callSlot, op string, err error) error {
	if e := s.causeError(ctx, parent, op, err); e != nil {
		return e
	}
	if conn.wire != nil {
		if e := s.badResponse(conn, op, err); e != nil {
			return e
		}
	}
	var rpcErr *jsonrpc.Error
	isRPC := errors.As(err, &rpcErr)
	// What the wire saw explains a rejected request (HTTP 500 and its
	// body) better than the SDK's generic "rejected by transport".
	if f := slot.failure(); f != nil && (!isRPC || rpcErr.Code == codeRejected) {
		if f.status != 0 && !isRPC {
			// Not a status the SDK deems transient: it ended its session.
			conn.broken.Store(true)
		}
		if f.status != 0 || f.err != nil {
			return s.httpFailure(ctx, op, f, err)
		}
	}
	if isRPC {
		return &Error{Server: s.target.Name, Op: op, Kind: KindProtocol, Err: err,
			Detail: fmt.Sprintf("%s (code %d)", console.RedactText(rpcErr.Message), rpcErr.Code)}
	}
	if conn.proc != nil {
		if e := s.garbageError(op, conn.proc, conn.logged, err); e != nil {
			return e
		}
		if conn.proc.exitedWithin(time.Second) {
			return conn.proc.exitError(s.target.Name, op)
		}
	}
	if conn.wire != nil {
		if conn.wire.sessionGone.Load() {
			return &Error{Server: s.target.Name, Op: op, Kind: KindSessionGone, Err: err}
		}
	}
	if errors.Is(err, sdk.ErrConnectionClosed) {
		conn.broken.Store(true)
		return &Error{Server: s.target.Name, Op: op, Kind: KindClosed, Err: err, Detail: console.RedactText(err.Error())}
	}
	return &Error{Server: s.target.Name, Op: op, Kind: KindUnclassified, Err: err, Detail: console.RedactText(err.Error())}
}

// causeError reports a request that its context ended: a timeout, a dead
// server, or the caller giving up. It returns nil otherwise.
func (s *Session) causeError(ctx, parent context.Context, op string, err error) error {
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
	return nil
}

// badResponse reports a response body that could not be decoded: the
// transport's answer for it, or (legacy SSE) the SDK's error, after which
// the SDK ends its session and the connection is marked for a redial.
func (s *Session) badResponse(conn *connection, op string, err error) error {
	var rpcErr *jsonrpc.Error
	if errors.As(err, &rpcErr) && rpcErr.Code == codeBadResponse && strings.HasPrefix(rpcErr.Message, badResponsePrefix) {
		return &Error{Server: s.target.Name, Op: op, Kind: KindBadResponse, Err: err,
			Detail: console.RedactText(strings.TrimPrefix(rpcErr.Message, badResponsePrefix))}
	}
	msg := err.Error()
	i := strings.Index(msg, "failed to decode ")
	if i < 0 || rpcErr != nil {
		return nil
	}
	conn.broken.Store(true)
	detail := msg[i+len("failed to decode "):]
	if _, after, ok := strings.Cut(detail, ": "); ok {
		detail = after
	}
	return &Error{Server: s.target.Name, Op: op, Kind: KindBadResponse, Err: err,
		Detail: console.RedactText(detail) + "; the next request connects again"}
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
	err := s.request(ctx, "tools/call "+name, progress, func(ctx context.Context, conn *connection, token string) error {
		if conn.fast() {
			return conn.stream.callTool(ctx, name, args, token, &out)
		}
		params := &sdk.CallToolParams{Name: name, Arguments: args}
		params.SetProgressToken(token)
		res, err := conn.cs.CallTool(ctx, params)
		if err != nil {
			return err
		}
		return toolResult(res, &out)
	})
	if err != nil {
		return nil, err
	}
	out.SchemaError = s.checkOutput(name, &out)
	return &out, nil
}

// toolResult copies the SDK's result into ours, part by part: cheaper
// than a round trip of the whole result through JSON.
func toolResult(res *sdk.CallToolResult, out *ToolResult) error {
	out.IsError = res.IsError
	out.Content = make([]json.RawMessage, 0, len(res.Content))
	for _, c := range res.Content {
		raw, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("encoding tool result content: %w", err)
		}
		out.Content = append(out.Content, raw)
	}
	var err error
	if res.StructuredContent != nil {
		if out.StructuredContent, err = json.Marshal(res.StructuredContent); err != nil {
			return fmt.Errorf("encoding structuredContent: %w", err)
		}
	}
	if len(res.Meta) > 0 {
		if out.Meta, err = json.Marshal(res.Meta); err != nil {
			return fmt.Errorf("encoding tool result _meta: %w", err)
		}
	}
	return nil
}

// GetPrompt renders a prompt with its arguments.
func (s *Session) GetPrompt(ctx context.Context, name string, args map[string]string, progress func(Progress)) (*PromptResult, error) {
	var out PromptResult
	err := s.request(ctx, "prompts/get "+name, progress, func(ctx context.Context, conn *connection, token string) error {
		params := &sdk.GetPromptParams{Name: name, Arguments: args}
		params.SetProgressToken(token)
		res, err := conn.cs.GetPrompt(ctx, params)
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
	err := s.request(ctx, "resources/read "+uri, progress, func(ctx context.Context, conn *connection, token string) error {
		params := &sdk.ReadResourceParams{URI: uri}
		params.SetProgressToken(token)
		res, err := conn.cs.ReadResource(ctx, params)
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
	err := s.request(ctx, "completion/complete", nil, func(ctx context.Context, conn *connection, _ string) error {
		params := &sdk.CompleteParams{Ref: &sdk.CompleteReference{Type: ref.Type, Name: ref.Name, URI: ref.URI},
			Argument: sdk.CompleteParamsArgument{Name: argName, Value: value}}
		if len(contextArgs) > 0 {
			params.Context = &sdk.CompleteContext{Arguments: contextArgs}
		}
		res, err := conn.cs.Complete(ctx, params)
		if err != nil {
			return err
		}
		values = res.Completion.Values
		return nil
	})
	return values, err
}

// Subscribe asks for notifications/resources/updated about uri; they reach
// Options.OnResourceUpdated.
func (s *Session) Subscribe(ctx context.Context, uri string) error {
	return s.request(ctx, "resources/subscribe", nil, func(ctx context.Context, conn *connection, _ string) error {
		return conn.cs.Subscribe(ctx, &sdk.SubscribeParams{URI: uri})
	})
}

// Unsubscribe ends a Subscribe.
func (s *Session) Unsubscribe(ctx context.Context, uri string) error {
	return s.request(ctx, "resources/unsubscribe", nil, func(ctx context.Context, conn *connection, _ string) error {
		return conn.cs.Unsubscribe(ctx, &sdk.UnsubscribeParams{URI: uri})
	})
}

// Ping checks the server answers.
func (s *Session) Ping(ctx context.Context) error {
	return s.request(ctx, "ping", nil, func(ctx context.Context, conn *connection, _ string) error {
		return conn.cs.Ping(ctx, nil)
	})
}

// SetLogLevel asks the server to send log messages at level and above.
func (s *Session) SetLogLevel(ctx context.Context, level string) error {
	return s.request(ctx, "logging/setLevel", nil, func(ctx context.Context, conn *connection, _ string) error {
		return conn.cs.SetLoggingLevel(ctx, &sdk.SetLoggingLevelParams{Level: sdk.LoggingLevel(level)})
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
