package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"mcpls/internal/config"
	"mcpls/internal/mcp"
	"mcpls/internal/runner"
	"mcpls/server/lspext"
)

// runs maps the work-done progress tokens of running requests to their
// cancel, for window/workDoneProgress/cancel.
type runs struct {
	mu      sync.Mutex
	next    int
	cancels map[string]context.CancelFunc
}

func newRuns() *runs { return &runs{cancels: map[string]context.CancelFunc{}} }

func (r *runs) add(cancel context.CancelFunc) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.next++
	token := fmt.Sprintf("mcpls-run-%d", r.next)
	r.cancels[token] = cancel
	return token
}

func (r *runs) remove(token string) {
	r.mu.Lock()
	delete(r.cancels, token)
	r.mu.Unlock()
}

func (r *runs) cancel(token string) {
	r.mu.Lock()
	cancel := r.cancels[token]
	r.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

func workDoneProgressCancel(_ context.Context, s *Server, p *protocol.WorkDoneProgressCancelParams) error {
	switch t := p.Token.(type) {
	case protocol.String:
		s.runs.cancel(string(t))
	case *protocol.String:
		if t != nil {
			s.runs.cancel(string(*t))
		}
	}
	return nil
}

// runTarget is a request ready to send, with where it comes from.
type runTarget struct {
	server serverKey
	index  int // the saved request's index, -1 for an ad-hoc call
	name   string
	call   runner.Call
}

// cmdRun runs a saved request or an ad-hoc call of kind.
func cmdRun(kind string) func(ctx context.Context, s *Server, snap *Snapshot, a *lspext.RunArgs) (*lspext.Result, error) {
	return func(ctx context.Context, s *Server, snap *Snapshot, a *lspext.RunArgs) (*lspext.Result, error) {
		f, du, folder, err := s.configOf(snap, a.URI)
		if err != nil {
			return nil, err
		}
		rt, err := prepareRun(f, du, folder, kind, a, s.mcp.lookupInput(du))
		switch {
		case err != nil && rt.index >= 0:
			// A saved request that cannot be prepared shows why on its lens.
			return s.finish(ctx, rt, failedResult(rt, err)), nil
		case err != nil:
			return nil, err
		}
		srv := f.Server(rt.server.name)
		if srv == nil {
			return nil, fmt.Errorf("no server %q in %s", rt.server.name, a.URI)
		}
		if st := s.connectBounded(ctx, snap, rt.server, f, srv, folder); st.State != lspext.StateConnected {
			return s.finish(ctx, rt, failedResult(rt, fmt.Errorf("%q is %s: %s", rt.server.name, st.State, st.Error))), nil
		}
		if err := s.confirmDestructive(ctx, rt); err != nil {
			return nil, err
		}
		return s.finish(ctx, rt, s.send(ctx, rt)), nil
	}
}

// connectBounded connects server k within the connect timeout of the
// settings; a connect that ran out of it says so in the state returned.
func (s *Server) connectBounded(ctx context.Context, snap *Snapshot, k serverKey, f *config.File, srv *config.Server, folder string) lspext.ServerState {
	ctx, cancel := snap.Settings().connectContext(ctx)
	defer cancel()
	st := s.mcp.connect(ctx, k, f, srv, folder)
	if te := timedOut(ctx); te != nil && st.State != lspext.StateConnected {
		st.Error = te.Error()
	}
	return st
}

// resyncBounded re-lists server k's catalog within the connect timeout.
func (s *Server) resyncBounded(ctx context.Context, snap *Snapshot, k serverKey) (lspext.ServerState, error) {
	ctx, cancel := snap.Settings().connectContext(ctx)
	defer cancel()
	st, err := s.mcp.resync(ctx, k)
	if te := timedOut(ctx); te != nil && err != nil {
		err = fmt.Errorf("resyncing %q: %w", k.name, te)
	}
	return st, err
}

// prepareRun resolves RunArgs into a call.
func prepareRun(f *config.File, du uri.URI, folder, kind string, a *lspext.RunArgs, inputs func(string) (string, bool)) (runTarget, error) {
	if a.Request == nil {
		return adHocRun(du, kind, a)
	}
	i := *a.Request
	if i < 0 || i >= len(f.Requests) {
		return runTarget{index: -1}, fmt.Errorf("no request %d in %s", i, a.URI)
	}
	req := f.Requests[i]
	env := serverEnv(folder)
	env.LookupInput = inputs
	call, err := runner.Prepare(f, req, env)
	if err != nil {
		rt := runTarget{server: serverKey{du, req.Server.Value}, index: i, name: runner.NameOf(req)}
		if k, target, ok := req.Kind(); ok {
			rt.call.Kind, rt.call.Target = k, target.Value
		}
		return rt, fmt.Errorf("preparing %s: %w", runner.NameOf(req), err)
	}
	return runTarget{server: serverKey{du, req.Server.Value}, index: i, name: runner.NameOf(req), call: call}, nil
}

func adHocRun(du uri.URI, kind string, a *lspext.RunArgs) (runTarget, error) {
	if a.Server == "" || a.Target == "" {
		return runTarget{index: -1}, errors.New("name a saved request, or a server and a target")
	}
	call := runner.Call{Kind: kind, Target: a.Target}
	switch kind {
	case config.RequestTool:
		call.Arguments = a.Arguments
	case config.RequestPrompt:
		if len(a.Arguments) > 0 {
			var args map[string]any
			if err := json.Unmarshal(a.Arguments, &args); err != nil {
				return runTarget{index: -1}, fmt.Errorf("decoding the prompt's arguments: %w", err)
			}
			call.PromptArgs = map[string]string{}
			for k, v := range args {
				if str, ok := v.(string); ok {
					call.PromptArgs[k] = str
				} else {
					raw, _ := json.Marshal(v)
					call.PromptArgs[k] = string(raw)
				}
			}
		}
	}
	return runTarget{server: serverKey{du, a.Server}, index: -1, name: kind + " " + a.Target, call: call}, nil
}

// confirmDestructive asks before calling a tool that may destroy: one
// without readOnlyHint whose destructiveHint is not false.
func (s *Server) confirmDestructive(ctx context.Context, rt runTarget) error {
	if rt.call.Kind != config.RequestTool || !s.isDestructive(rt) {
		return nil
	}
	var item *protocol.MessageActionItem
	err := s.client.Call(ctx, protocol.MethodWindowShowMessageRequest, &protocol.ShowMessageRequestParams{
		Type:    protocol.MessageTypeWarning,
		Message: fmt.Sprintf("%s may change or delete data on %s. Run it?", rt.call.Target, rt.server.name),
		Actions: []protocol.MessageActionItem{{Title: "Run"}, {Title: "Cancel"}},
	}, &item)
	if err != nil {
		return fmt.Errorf("asking to confirm %s: %w", rt.call.Target, err)
	}
	if item == nil || item.Title != "Run" {
		return jsonrpc2.Errorf(codeRequestFailed, "not run: %s was not confirmed", rt.call.Target)
	}
	return nil
}

func (s *Server) isDestructive(rt runTarget) bool {
	cat, _, ok := s.mcp.catalogs(rt.server.uri)(rt.server.name)
	if !ok {
		return true
	}
	for _, t := range cat.Tools {
		if t.Name != rt.call.Target {
			continue
		}
		var ann struct {
			ReadOnly    bool  `json:"readOnlyHint"`
			Destructive *bool `json:"destructiveHint"`
		}
		_ = json.Unmarshal(t.Annotations, &ann)
		return !ann.ReadOnly && (ann.Destructive == nil || *ann.Destructive)
	}
	return true
}

// send makes the call with work-done progress carrying the MCP progress;
// cancelling the progress or the request, or the request timeout of the
// settings running out, cancels the call, which sends
// notifications/cancelled to the server.
func (s *Server) send(ctx context.Context, rt runTarget) lspext.Result {
	sess := s.mcp.session(rt.server)
	if sess == nil {
		return failedResult(rt, fmt.Errorf("%q is not connected", rt.server.name))
	}
	ctx, cancel := s.state.snapshot().Settings().requestContext(ctx)
	defer cancel()
	prog := s.beginProgress(ctx, cancel, fmt.Sprintf("%s on %s", rt.name, rt.server.name))
	defer prog.end()
	start := time.Now()
	raw, summary, isError, err := call(ctx, sess, rt.call, prog.report)
	d := time.Since(start)
	if err != nil {
		s.mcp.lost(rt.server, sess, err)
		cancelled := false
		if te := timedOut(ctx); te != nil {
			err = te
		} else if ctx.Err() != nil {
			err, cancelled = fmt.Errorf("cancelled after %s", d.Round(time.Millisecond)), true
		}
		r := failedResult(rt, err)
		r.DurationMs, r.Cancelled = ms(d), cancelled
		return r
	}
	r := baseResult(rt)
	r.OK, r.IsError, r.Response, r.DurationMs = !isError, isError, raw, ms(d)
	r.Summary = fmt.Sprintf("%d ms · %s", d.Milliseconds(), summary)
	if isError {
		r.Error = summary
	}
	return r
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// call sends one prepared call and sums up its result.
func call(ctx context.Context, sess *mcp.Session, c runner.Call, progress func(mcp.Progress)) (json.RawMessage, string, bool, error) {
	var (
		result  any
		summary string
		isError bool
	)
	switch c.Kind {
	case config.RequestTool:
		res, err := sess.CallTool(ctx, c.Target, c.Arguments, progress)
		if err != nil {
			return nil, "", false, err
		}
		result, summary, isError = res, runner.ToolSummary(res), res.IsError
	case config.RequestPrompt:
		res, err := sess.GetPrompt(ctx, c.Target, c.PromptArgs, progress)
		if err != nil {
			return nil, "", false, err
		}
		result, summary = res, plural(len(res.Messages), "message")
	case config.RequestResource:
		res, err := sess.ReadResource(ctx, c.Target, progress)
		if err != nil {
			return nil, "", false, err
		}
		result, summary = res, plural(len(res.Contents), "item")
		if len(res.Contents) > 0 && res.Contents[0].MIMEType != "" {
			summary += ", " + res.Contents[0].MIMEType
		}
	default:
		return nil, "", false, fmt.Errorf("unknown request kind %q", c.Kind)
	}
	raw, err := json.Marshal(result)
	if err != nil {
		return nil, "", false, fmt.Errorf("encoding the result: %w", err)
	}
	return raw, summary, isError, nil
}

func baseResult(rt runTarget) lspext.Result {
	return lspext.Result{URI: string(rt.server.uri), Request: rt.index, Name: rt.name, Server: rt.server.name,
		Kind: rt.call.Kind, Target: rt.call.Target, Time: time.Now().UTC().Format(time.RFC3339)}
}

func failedResult(rt runTarget, err error) lspext.Result {
	r := baseResult(rt)
	r.Error = shortError(err)
	r.Summary = r.Error
	return r
}

// finish records the outcome of a saved request and delivers the result:
// mcp/result when announced, else a rendered file shown with showDocument
// and a one-line summary.
func (s *Server) finish(ctx context.Context, rt runTarget, r lspext.Result) *lspext.Result {
	if rt.index >= 0 {
		s.mcp.setOutcome(requestKey{rt.server.uri, rt.index}, r)
		s.refreshLenses()
	}
	if s.state.snapshot().Caps().MCP.Results {
		s.client.Notify(lspext.MethodResult, r)
		return &r
	}
	typ := protocol.MessageTypeInfo // done, or cancelled as asked
	if !r.OK && !r.Cancelled {
		typ = protocol.MessageTypeError
	}
	s.client.Notify(protocol.MethodWindowShowMessage, &protocol.ShowMessageParams{Type: typ,
		Message: fmt.Sprintf("%s %s (%s): %s", outcomeMark(r), r.Name, r.Server, r.Summary)})
	if r.Response == nil {
		return &r
	}
	path, err := renderResult(s.outputDir(), r)
	if err != nil {
		s.logf("rendering the result of %s: %v", r.Name, err)
		return &r
	}
	if err := s.showDocument(ctx, path); err != nil {
		s.logf("showing %s: %v", path, err)
	}
	return &r
}

// showDocument opens a file in the editor.
func (s *Server) showDocument(ctx context.Context, path string) error {
	var res protocol.ShowDocumentResult
	yes := true
	err := s.client.Call(ctx, protocol.MethodWindowShowDocument,
		&protocol.ShowDocumentParams{URI: uri.File(path), TakeFocus: &yes}, &res)
	if err != nil {
		s.client.LogMessage(protocol.MessageTypeInfo, "mcpls wrote "+path)
		return fmt.Errorf("window/showDocument: %w", err)
	}
	return nil
}

// progress reports one run's work-done progress; its zero value (no
// editor support) does nothing.
type progress struct {
	s     *Server
	token string
}

func (s *Server) beginProgress(ctx context.Context, cancel context.CancelFunc, title string) progress {
	if !s.state.snapshot().Caps().WorkDoneProgress {
		return progress{}
	}
	token := s.runs.add(cancel)
	p := progress{s: s, token: token}
	if err := s.client.Call(ctx, protocol.MethodWindowWorkDoneProgressCreate,
		&protocol.WorkDoneProgressCreateParams{Token: protocol.String(token)}, nil); err != nil {
		s.runs.remove(token)
		return progress{}
	}
	yes := true
	p.notify(&protocol.WorkDoneProgressBegin{Kind: "begin", Title: title, Cancellable: &yes})
	return p
}

func (p progress) notify(v any) {
	raw, _ := json.Marshal(v)
	p.s.client.Notify(protocol.MethodProgress, &protocol.ProgressParams{Token: protocol.String(p.token), Value: raw})
}

func (p progress) report(mp mcp.Progress) {
	if p.s == nil {
		return
	}
	msg := strings.TrimSpace(mp.Message)
	r := &protocol.WorkDoneProgressReport{Kind: "report", Message: &msg}
	if mp.Total > 0 {
		pct := uint32(min(100, max(0, 100*mp.Progress/mp.Total)))
		r.Percentage = &pct
	}
	p.notify(r)
}

func (p progress) end() {
	if p.s == nil {
		return
	}
	p.s.runs.remove(p.token)
	p.notify(&protocol.WorkDoneProgressEnd{Kind: "end"})
}
