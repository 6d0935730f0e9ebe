package lsp

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"sync"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// codeRequestFailed is LSP's RequestFailed: the request was valid but
// could not be carried out (for example a command that is not available).
const codeRequestFailed jsonrpc2.Code = -32803

// newConn wires the connection on rwc: LSP's header framing, our codec,
// and the writer that recycles pooled results (reply.go).
func newConn(rwc io.ReadWriteCloser) jsonrpc2.Conn {
	w := newReplyWriter(rwc)
	return jsonrpc2.NewConn(jsonrpc2.NewHeaderStream(w), jsonrpc2.WithCodec(lspCodec{replies: w}))
}

// lspCodec marshals payloads with the protocol package's union-aware codec;
// the stock one is unexported, and the connection is wired by hand here.
// Results already encoded pass as they are: jsonrpc2 copies them into its
// frame and checks nothing. replies, when set, learns of pooled results
// being sent, to recycle their buffers.
type lspCodec struct{ replies *replyWriter }

func (c lspCodec) Marshal(v any) ([]byte, error) {
	switch v := v.(type) {
	case jsonrpc2.RawMessage:
		if v == nil {
			return []byte("null"), nil
		}
		return v, nil
	case *pooledReply:
		if len(*v.buf) == 0 {
			return []byte("null"), nil
		}
		if c.replies != nil {
			c.replies.sending(v.buf)
		}
		return *v.buf, nil
	}
	return protocol.Marshal(v)
}

func (lspCodec) Unmarshal(data []byte, v any) error {
	if p, ok := v.(*jsonrpc2.RawMessage); ok {
		*p = append(jsonrpc2.RawMessage(nil), data...)
		return nil
	}
	return protocol.Unmarshal(data, v)
}

// requestFunc answers a request from the snapshot current at its arrival.
type requestFunc func(ctx context.Context, s *Server, snap *Snapshot, params jsonrpc2.RawMessage) (any, error)

// notificationFunc handles a notification on the read loop, in wire order.
// It must not wait on the editor.
type notificationFunc func(ctx context.Context, s *Server, params jsonrpc2.RawMessage) error

// requestSpec is one entry of the request table. Inline requests run on the
// read loop because they change the lifecycle state (initialize, shutdown).
type requestSpec struct {
	run    requestFunc
	inline bool
}

// request adapts a typed request handler: decoding its params is the only
// thing every handler would otherwise repeat.
func request[P, R any](f func(ctx context.Context, s *Server, snap *Snapshot, p *P) (R, error)) requestFunc {
	return func(ctx context.Context, s *Server, snap *Snapshot, raw jsonrpc2.RawMessage) (any, error) {
		p := new(P)
		if len(raw) > 0 && !isVoid(p) {
			if err := protocol.Unmarshal(raw, p); err != nil {
				return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "decoding params: %v", err)
			}
		}
		return f(ctx, s, snap, p)
	}
}

// isVoid reports whether a method takes no params (shutdown, exit): what
// an editor sends there anyway (null, [], {}) is ignored, as LSP intends.
func isVoid(p any) bool {
	_, void := p.(*struct{})
	return void
}

// notification adapts a typed notification handler.
func notification[P any](f func(ctx context.Context, s *Server, p *P) error) notificationFunc {
	return func(ctx context.Context, s *Server, raw jsonrpc2.RawMessage) error {
		p := new(P)
		if len(raw) > 0 && !isVoid(p) {
			if err := protocol.Unmarshal(raw, p); err != nil {
				return fmt.Errorf("decoding params: %w", err)
			}
		}
		return f(ctx, s, p)
	}
}

// handle is the connection's one handler. Notifications run inline, so the
// read loop applies them in wire order; a request captures the current
// snapshot and then releases the read loop with jsonrpc2.Async.
func (s *Server) handle(ctx context.Context, req *jsonrpc2.Request) (any, error) {
	if !req.IsCall() {
		s.notify(ctx, req)
		return nil, nil
	}
	if err := s.state.admitRequest(req.Method()); err != nil {
		return nil, err
	}
	spec, ok := s.requestSpec(req.Method())
	if !ok {
		return nil, jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "method not found: %s", req.Method())
	}
	if spec.inline {
		return s.runRequest(ctx, spec, req, nil)
	}
	snap := s.state.snapshot()
	id := req.ID()
	ctx, cancel := context.WithCancel(ctx)
	s.cancels.add(id, cancel)
	defer s.cancels.remove(id)
	defer cancel()
	jsonrpc2.Async(ctx)
	return s.runRequest(ctx, spec, req, snap)
}

func (s *Server) requestSpec(method string) (requestSpec, bool) {
	if spec, ok := requestTable[method]; ok {
		return spec, true
	}
	if s.opts.TestHooks {
		spec, ok := testRequests[method]
		return spec, ok
	}
	return requestSpec{}, false
}

// runRequest runs one request handler, turning a panic into an
// InternalError answer: the server keeps serving.
func (s *Server) runRequest(ctx context.Context, spec requestSpec, req *jsonrpc2.Request, snap *Snapshot) (result any, err error) {
	defer func() {
		if r := recover(); r != nil {
			s.logf("panic in %s: %v\n%s", req.Method(), r, debug.Stack())
			result, err = nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "internal error in %s: %v", req.Method(), r)
		}
	}()
	if snap == nil {
		snap = s.state.snapshot()
	}
	result, err = spec.run(ctx, s, snap, req.Params())
	if err != nil && ctx.Err() != nil {
		return nil, protocol.ErrRequestCancelled
	}
	return result, err
}

// notify runs one notification handler on the read loop. Errors and panics
// are logged, never returned: jsonrpc2 fails the whole connection on a
// notification error.
func (s *Server) notify(ctx context.Context, req *jsonrpc2.Request) {
	method := req.Method()
	defer func() {
		if r := recover(); r != nil {
			s.logf("panic in %s: %v\n%s", method, r, debug.Stack())
		}
	}()
	f, ok := s.notificationFunc(method)
	if !ok {
		if !strings.HasPrefix(method, "$/") {
			s.logf("ignoring unknown notification %s", method)
		}
		return
	}
	if !s.state.admitNotification(method) {
		return
	}
	if err := f(ctx, s, req.Params()); err != nil {
		s.logf("%s: %v", method, err)
	}
}

func (s *Server) notificationFunc(method string) (notificationFunc, bool) {
	if f, ok := notifications[method]; ok {
		return f, true
	}
	if s.opts.TestHooks {
		f, ok := testNotifications[method]
		return f, ok
	}
	return nil, false
}

// cancels maps in-flight request ids to the cancel of their context, for
// $/cancelRequest.
type cancels struct {
	mu sync.Mutex
	m  map[jsonrpc2.ID]context.CancelFunc
}

func newCancels() *cancels { return &cancels{m: make(map[jsonrpc2.ID]context.CancelFunc)} }

func (c *cancels) add(id jsonrpc2.ID, cancel context.CancelFunc) {
	c.mu.Lock()
	c.m[id] = cancel
	c.mu.Unlock()
}

func (c *cancels) remove(id jsonrpc2.ID) {
	c.mu.Lock()
	delete(c.m, id)
	c.mu.Unlock()
}

func (c *cancels) cancel(id jsonrpc2.ID) {
	c.mu.Lock()
	cancel := c.m[id]
	c.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

func cancelRequest(_ context.Context, s *Server, p *protocol.CancelParams) error {
	switch id := p.ID.(type) {
	case protocol.Integer:
		s.cancels.cancel(jsonrpc2.NewNumberID(int64(id)))
	case protocol.String:
		s.cancels.cancel(jsonrpc2.NewStringID(string(id)))
	}
	return nil
}
