package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"mcpls/internal/console"
	"mcpls/internal/version"
)

// defaultProtocolVersion is offered in initialize unless Options says
// otherwise: the newest version negotiated by initialize alone (the SDK's
// 2026-07-28 default probes server/discover first, an extra round trip
// that older servers answer with errors).
const defaultProtocolVersion = "2025-11-25"

// Session is a live connection to one MCP server. Its methods are safe for
// concurrent use. A streamable HTTP session the server forgets (404) is
// initialized again transparently.
type Session struct {
	target Target
	opts   Options
	em     emitter
	client *sdk.Client

	ctx       context.Context // the session's lifetime; Close cancels it
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	relist    relistState
	nextToken atomic.Int64

	progMu   sync.Mutex
	progress map[string]func(Progress)

	rootsMu  sync.Mutex
	rootURIs []string

	redialMu sync.Mutex // one re-initialization at a time

	// dialing is the streamable transport of the dial in progress.
	dialing atomic.Pointer[streamableTransport]

	wireSchemas wireSchemas // elicitation schemas as sent, for their order

	// mu guards the connection, the catalog and its compiled schemas;
	// a re-initialization swaps them.
	mu      sync.Mutex
	conn    *connection
	catalog Catalog
	schemas map[string]*jsonschema.Schema
	closed  bool
}

// connection is one SDK session and what carries it.
type connection struct {
	cs        *sdk.ClientSession
	transport Transport          // the transport in use (sse after a fallback)
	proc      *process           // stdio
	logged    *loggedTransport   // stdio
	wire      *wire              // http and sse
	endLife   context.CancelFunc // ends an SSE stream's context, if any
	end       *readEnd           // when and why the SDK stopped reading it
	closing   atomic.Bool        // we are closing it: its end is no news
	broken    atomic.Bool        // the SDK session ended or met a fatal error: redial before use
	stream    *streamConn        // streamable HTTP
}

// dead reports a connection to replace before its next request.
func (c *connection) dead() bool {
	return c.broken.Load() || (c.stream != nil && c.stream.isFailed())
}

func (c *connection) close() error {
	c.closing.Store(true)
	err := c.cs.Close()
	if c.endLife != nil {
		c.endLife()
	}
	if c.proc != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*stopGrace+time.Second)
		defer cancel()
		c.proc.stop(ctx)
	}
	return err
}

// Connect starts the transport, initializes the session and discovers the
// server's whole catalog. Failures are *Error values saying what failed.
func Connect(ctx context.Context, t Target, opts *Options) (*Session, error) {
	s := newSession(t, opts)
	conn, err := s.dial(ctx)
	if err != nil {
		s.cancel()
		return nil, err
	}
	s.conn = conn
	s.watchConn(conn)
	if _, err := s.Resync(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.applyLogLevel(ctx)
	s.armRelist()
	return s, nil
}

func newSession(t Target, opts *Options) *Session {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Console == nil {
		o.Console = console.Discard
	}
	if o.HTTPClient == nil {
		o.HTTPClient = defaultHTTPClient()
	}
	if o.ProtocolVersion == "" {
		o.ProtocolVersion = defaultProtocolVersion
	}
	if t.Transport == "" {
		t.Transport = TransportStdio
		if t.URL != "" {
			t.Transport = TransportHTTP
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Session{target: t, opts: o, em: emitter{server: t.Name, sink: o.Console},
		ctx: ctx, cancel: cancel, progress: map[string]func(Progress){}}
	s.client = s.newClient()
	s.client.AddSendingMiddleware(s.directHandshake)
	return s
}

// directHandshake sends initialize and notifications/initialized on the
// direct path of our streamable transport. The SDK's call layer would
// decode the initialize result through a 32 KiB buffer, and it sends the
// notification with an empty params object, which costs servers a decode
// (the go-sdk's: another 32 KiB buffer) for nothing; the protocol lets it
// go without. Other transports take the SDK's way.
func (s *Session) directHandshake(next sdk.MethodHandler) sdk.MethodHandler {
	return func(ctx context.Context, method string, req sdk.Request) (sdk.Result, error) {
		st := s.dialing.Load()
		if st == nil || st.last() == nil {
			return next(ctx, method, req)
		}
		c := st.last()
		switch method {
		case "initialize":
			if p, ok := req.GetParams().(*sdk.InitializeParams); ok && p != nil && p.Capabilities != nil {
				return initialize(ctx, c, p)
			}
		case "notifications/initialized":
			return nil, c.Write(ctx, &jsonrpc.Request{Method: method})
		}
		return next(ctx, method, req)
	}
}

// initialize sends p on c's direct path, with its errors shaped as the
// SDK's call layer shapes them.
func initialize(ctx context.Context, c *streamConn, p *sdk.InitializeParams) (*sdk.InitializeResult, error) {
	raw, err := c.request(ctx, "initialize", initializeWire(p))
	switch {
	case err == nil:
	case errors.Is(err, sdk.ErrConnectionClosed), ctx.Err() != nil:
		return nil, err
	default:
		return nil, fmt.Errorf("calling %q: %w", "initialize", err)
	}
	var res sdk.InitializeResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, fmt.Errorf("calling %q: decoding the result: %w", "initialize", err)
	}
	return &res, nil
}

// initializeParams is sdk.InitializeParams as the SDK puts it on the wire:
// its capabilities' roots come from RootsV2 (the SDK's fix for #607;
// encoding/json lets the shallower field win).
type initializeParams struct {
	*sdk.InitializeParams
	Capabilities *clientCapabilities `json:"capabilities"`
}

type clientCapabilities struct {
	*sdk.ClientCapabilities
	Roots *sdk.RootCapabilities `json:"roots,omitempty"`
}

func initializeWire(p *sdk.InitializeParams) initializeParams {
	return initializeParams{InitializeParams: p,
		Capabilities: &clientCapabilities{ClientCapabilities: p.Capabilities, Roots: p.Capabilities.RootsV2}}
}

// applyLogLevel sends the configured logging level when the server logs.
func (s *Session) applyLogLevel(ctx context.Context) {
	if s.opts.LogLevel == "" || !s.hasCapability("logging") {
		return
	}
	if err := s.SetLogLevel(ctx, s.opts.LogLevel); err != nil {
		s.em.event(console.LevelWarning, "setting log level: %v", err)
	}
}

// dial connects a fresh SDK session, bounded by the target's timeout.
func (s *Session) dial(ctx context.Context) (*connection, error) {
	idle, _ := s.target.timeouts()
	cctx, cancel := context.WithTimeout(ctx, idle)
	defer cancel()
	s.em.event(console.LevelInfo, "connecting (%s)", s.target.Transport)
	var conn *connection
	var err error
	switch s.target.Transport {
	case TransportStdio:
		conn, err = s.dialStdio(cctx)
	case TransportHTTP:
		conn, err = s.dialHTTP(cctx, TransportHTTP)
		if fallback(conn, err) {
			conn, err = s.dialSSEFallback(cctx, err)
		}
	case TransportSSE:
		conn, err = s.dialHTTP(cctx, TransportSSE)
	default:
		err = &Error{Server: s.target.Name, Op: "connect", Kind: KindUnclassified, Detail: fmt.Sprintf("unknown transport %q", s.target.Transport)}
	}
	if err != nil {
		s.em.event(console.LevelError, "%v", err)
		return nil, err
	}
	res := conn.cs.InitializeResult()
	s.em.event(console.LevelInfo, "connected to %s %s, protocol %s", res.ServerInfo.Name, res.ServerInfo.Version, res.ProtocolVersion)
	return conn, nil
}

func (s *Session) sessionOptions() *sdk.ClientSessionOptions {
	return &sdk.ClientSessionOptions{ProtocolVersion: s.opts.ProtocolVersion}
}

func (s *Session) dialStdio(ctx context.Context) (*connection, error) {
	p, err := startProcess(s.target, s.em)
	if err != nil {
		return nil, err
	}
	lt := &loggedTransport{inner: &sdk.IOTransport{Reader: p.reader(), Writer: p.stdin}, em: s.em}
	end := &readEnd{}
	cs, err := s.client.Connect(ctx, s.wireSchemas.transport(lt, end), s.sessionOptions())
	if err != nil {
		err = s.stdioFailure(ctx, "connect", p, lt, err)
		stopCtx, cancel := context.WithTimeout(context.Background(), 3*stopGrace+time.Second)
		defer cancel()
		p.stop(stopCtx)
		return nil, err
	}
	return &connection{cs: cs, transport: TransportStdio, proc: p, logged: lt, end: end}, nil
}

// stdioFailure says why a stdio exchange failed: garbage on stdout, the
// process exiting, or no answer in time.
func (s *Session) stdioFailure(ctx context.Context, op string, p *process, lt *loggedTransport, err error) error {
	if e := s.cancelled(ctx, op, err); e != nil {
		return e
	}
	readErr := lt.firstReadErr()
	if e := s.garbageError(op, p, lt, err); e != nil {
		return e
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		// Checked before the exit: giving up closes stdin, and a server
		// may exit on that.
		idle, _ := s.target.timeouts()
		return &Error{Server: s.target.Name, Op: op, Kind: KindTimeout, Err: err, Detail: fmt.Sprintf("no answer within %s", idle)}
	}
	if readErr != nil && p.exitedWithin(time.Second) {
		return p.exitError(s.target.Name, op)
	}
	if readErr != nil {
		return &Error{Server: s.target.Name, Op: op, Kind: KindHandshake, Err: err,
			Detail: fmt.Sprintf("%v; stdout ended with %q", readErr, culprit(console.RedactText(p.stdoutTail()), 200))}
	}
	return &Error{Server: s.target.Name, Op: op, Kind: KindHandshake, Err: err, Detail: console.RedactText(err.Error())}
}

// cancelled is the error of an exchange given up because ctx was
// cancelled (not timed out), nil otherwise: whatever the peer did after
// we stopped listening says nothing about it.
func (s *Session) cancelled(ctx context.Context, op string, err error) *Error {
	if !errors.Is(ctx.Err(), context.Canceled) {
		return nil
	}
	return &Error{Server: s.target.Name, Op: op, Kind: KindClosed, Err: errors.Join(context.Canceled, err), Detail: "cancelled"}
}

// garbageError reports a stdout that stopped being JSON-RPC, or nil.
func (s *Session) garbageError(op string, p *process, lt *loggedTransport, err error) *Error {
	readErr := lt.firstReadErr()
	if readErr == nil || errors.Is(readErr, io.EOF) || errors.Is(readErr, os.ErrClosed) {
		return nil
	}
	return &Error{Server: s.target.Name, Op: op, Kind: KindHandshake, Err: err,
		Detail: fmt.Sprintf("the server wrote something that is not JSON-RPC to stdout (%v): %q", readErr, culprit(console.RedactText(p.stdoutTail()), 200))}
}

func (s *Session) dialHTTP(ctx context.Context, kind Transport) (*connection, error) {
	hc := newWire(s.opts.HTTPClient, s.target.Headers, s.em, kind == TransportSSE)
	w := hc.Transport.(*wire)
	st := &streamableTransport{url: s.target.URL, client: hc, em: s.em}
	var tr sdk.Transport = st
	life, endLife := ctx, context.CancelFunc(func() {})
	if kind == TransportSSE {
		tr = &sdk.SSEClientTransport{Endpoint: s.target.URL, HTTPClient: hc}
		// The SDK binds the SSE stream to Connect's context: give it one
		// that outlives connecting, cancelled only if connecting times out.
		life, endLife = context.WithCancel(context.WithoutCancel(ctx))
		stop := context.AfterFunc(ctx, endLife)
		defer func() {
			if !stop() && ctx.Err() != nil {
				endLife()
			}
		}()
	}
	if kind == TransportHTTP {
		s.dialing.Store(st)
	}
	end := &readEnd{}
	cs, err := s.client.Connect(connectingContext(life), s.wireSchemas.transport(tr, end), s.sessionOptions())
	s.dialing.Store(nil)
	if err == nil && ctx.Err() != nil {
		_ = cs.Close()
		err = ctx.Err()
	}
	if err != nil {
		endLife()
		return &connection{wire: w, transport: kind}, s.httpFailure(ctx, "connect", w.lastFailure(), err)
	}
	w.clearFailure()
	conn := &connection{cs: cs, transport: kind, wire: w, endLife: endLife, end: end}
	if kind == TransportHTTP {
		conn.stream = st.last()
	}
	return conn, nil
}

// fallback reports whether a streamable connect failed the way a legacy
// SSE server fails it: POSTing initialize got 400, 404 or 405.
func fallback(conn *connection, err error) bool {
	if err == nil || conn == nil || conn.wire == nil {
		return false
	}
	f := conn.wire.lastFailure()
	return f != nil && f.isInit && (f.status == 400 || f.status == 404 || f.status == 405)
}

func (s *Session) dialSSEFallback(ctx context.Context, first error) (*connection, error) {
	s.em.event(console.LevelInfo, "POST initialize was refused (%v); trying the legacy SSE transport", first)
	conn, err := s.dialHTTP(ctx, TransportSSE)
	if err != nil {
		var e *Error
		if errors.As(first, &e) {
			e2 := *e
			e2.Detail += fmt.Sprintf(" (legacy SSE fallback failed too: %v)", err)
			return nil, &e2
		}
		return nil, first
	}
	return conn, nil
}

// httpFailure turns an SDK error into a typed one using what the wire
// saw, f (nil when it saw nothing wrong).
func (s *Session) httpFailure(ctx context.Context, op string, f *httpFailure, err error) error {
	if e := s.cancelled(ctx, op, err); e != nil {
		return e
	}
	e := &Error{Server: s.target.Name, Op: op, Err: err}
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded) && (f == nil || f.status == 0):
		idle, _ := s.target.timeouts()
		e.Kind, e.Detail = KindTimeout, fmt.Sprintf("no answer within %s", idle)
	case f != nil && f.status != 0:
		e.Kind, e.Status = KindHTTPStatus, f.status
		e.Detail = fmt.Sprintf("%s got HTTP %d", f.method, f.status)
		if f.body != "" {
			e.Detail += ": " + f.body
		}
	case f != nil && f.err != nil:
		e.Kind = classifyNetErr(f.err)
		e.Detail = console.RedactText(f.err.Error())
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		idle, _ := s.target.timeouts()
		e.Kind, e.Detail = KindTimeout, fmt.Sprintf("no answer within %s", idle)
	default:
		e.Kind, e.Detail = KindHandshake, console.RedactText(err.Error())
	}
	return e
}

// current returns the live connection. An HTTP connection whose SDK
// session died (a malformed response, a stream that broke for good) is
// replaced first: one bad answer must not end the session for good.
func (s *Session) current(ctx context.Context) (*connection, error) {
	s.mu.Lock()
	closed, conn := s.closed, s.conn
	s.mu.Unlock()
	if closed {
		return nil, &Error{Server: s.target.Name, Op: "call", Kind: KindClosed}
	}
	if conn.wire != nil && conn.dead() {
		return s.reinitialize(ctx, conn)
	}
	return conn, nil
}

// reinitialize replaces old, whose session the server forgot or whose
// SDK session died, with a new one and re-lists the catalog. Concurrent
// callers share one redial; the catalog stays readable meanwhile.
func (s *Session) reinitialize(ctx context.Context, old *connection) (*connection, error) {
	s.redialMu.Lock()
	defer s.redialMu.Unlock()
	s.mu.Lock()
	closed, cur := s.closed, s.conn
	s.mu.Unlock()
	if closed {
		return nil, &Error{Server: s.target.Name, Op: "reconnect", Kind: KindClosed}
	}
	if cur != old {
		return cur, nil
	}
	if old.wire != nil && old.wire.sessionGone.Load() {
		s.em.event(console.LevelWarning, "session expired on the server; initializing again")
	} else {
		s.em.event(console.LevelWarning, "the connection broke; connecting and initializing again")
	}
	_ = old.close()
	conn, err := s.dial(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = conn.close()
		return nil, &Error{Server: s.target.Name, Op: "reconnect", Kind: KindClosed}
	}
	s.conn = conn
	s.watchConn(conn)
	s.mu.Unlock()
	s.requestRelist()
	if s.opts.LogLevel != "" && s.hasCapability("logging") {
		// A new session starts at the server's default level. Sent on conn
		// directly: a request could re-enter reinitialize.
		if err := conn.cs.SetLoggingLevel(ctx, &sdk.SetLoggingLevelParams{Level: sdk.LoggingLevel(s.opts.LogLevel)}); err != nil {
			s.em.event(console.LevelWarning, "setting log level: %v", err)
		}
	}
	return conn, nil
}

// watchConn reports a connection that ends without our asking: the
// server exited, dropped the stream for good, or forgot the session. It
// waits in no goroutine of its own: the connection's reader says when it
// stops (see readEnd).
func (s *Session) watchConn(c *connection) {
	c.end.watch(func(err error) {
		c.broken.Store(true)
		if c.closing.Load() {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.connectionLost(c, err)
		}()
	})
}

// connectionLost says why c ended, err being its reader's last error.
func (s *Session) connectionLost(c *connection, err error) {
	if errors.Is(err, io.EOF) {
		err = nil
	}
	switch {
	case c.proc != nil && c.proc.exitedWithin(time.Second):
		err = c.proc.exitError(s.target.Name, "session")
	case c.wire != nil && c.wire.sessionGone.Load():
		err = &Error{Server: s.target.Name, Op: "session", Kind: KindSessionGone, Detail: "the next request initializes a new session"}
	case err == nil:
		err = &Error{Server: s.target.Name, Op: "session", Kind: KindClosed, Detail: "the server closed the connection"}
	default:
		err = &Error{Server: s.target.Name, Op: "session", Kind: KindClosed, Err: err, Detail: console.RedactText(err.Error())}
	}
	s.em.event(console.LevelError, "connection lost: %v", err)
	if s.opts.OnDisconnected != nil {
		s.opts.OnDisconnected(err)
	}
}

// Catalog returns the last discovered catalog.
func (s *Session) Catalog() Catalog {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.catalog
}

// Target returns the target this session connects to.
func (s *Session) Target() Target { return s.target }

// Transport returns the transport in use: "sse" after a fallback.
func (s *Session) Transport() Transport {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conn.transport
}

// Close ends the session: DELETE for streamable HTTP, stdin close then
// SIGTERM then SIGKILL for stdio. It waits for every goroutine it started.
func (s *Session) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	conn := s.conn
	s.mu.Unlock()
	s.endRelist()
	s.cancel()
	var err error
	if conn != nil {
		err = conn.close()
	}
	s.wg.Wait()
	s.em.event(console.LevelInfo, "disconnected")
	return err
}

// DiscoverAll connects to every target in parallel. Results keep the
// order of targets; each holds a Session or an Err.
func DiscoverAll(ctx context.Context, targets []Target, opts *Options) []Result {
	results := make([]Result, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i].Target = t
			s, err := Connect(ctx, t, opts)
			if err != nil {
				results[i].Err = err
				return
			}
			results[i].Session, results[i].Catalog = s, s.Catalog()
		}()
	}
	wg.Wait()
	return results
}

var clientImpl = &sdk.Implementation{Name: version.Name, Version: version.Version}

// PID returns the process id of a stdio server, 0 for HTTP.
func (s *Session) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil || s.conn.proc == nil {
		return 0
	}
	return s.conn.proc.cmd.Process.Pid
}
