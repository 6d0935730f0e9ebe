// Package demoserver owns the embedded demo MCP server behind `mcpls
// demo-server`: a real server, built on the official go-sdk, whose catalog is
// rich enough to exercise a client and an editor. It has tools with varied
// input schemas (ranges, enums, nested objects, arrays of objects, oneOf,
// defaults, examples, formats, annotations), a tool with an output schema, a
// tool returning an image and an embedded resource, one returning isError, a
// slow tool with progress and cancellation, a tool asking for elicitation, a
// tool adding a tool at runtime (list_changed), a tool logging at every
// level, prompts with argument completion, text and blob resources, resource
// templates with variable completion, and resource subscriptions.
//
// It serves streamable HTTP at /mcp, legacy SSE at /sse, or stdio. Tests and
// other packages run it in-process:
//
//	s := demoserver.New(demoserver.Options{})
//	ln, _ := net.Listen("tcp", "127.0.0.1:0")
//	go s.Serve(ctx, ln) // http://<ln.Addr()>/mcp until ctx is done
//
// Extra tools (for benchmarks) come from a JSON file; see [ParseTools].
package demoserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"mcpls/internal/version"
)

// DefaultPageSize is the list page size when [Options.PageSize] is zero.
// It is small on purpose, so that clients must follow cursors.
const DefaultPageSize = 10

// sessionTimeout closes HTTP sessions a client left idle, so a server left
// running does not accumulate them.
const sessionTimeout = time.Hour

// Endpoint paths served by [Server.Handler].
const (
	PathStreamable = "/mcp"
	PathSSE        = "/sse"
)

// Options configures a demo server. The zero value is ready to use.
type Options struct {
	// PageSize is the number of items per page of every list; zero means
	// DefaultPageSize.
	PageSize int
	// ExtraTools are added beside the built-in tools; each echoes its
	// arguments back as text.
	ExtraTools []ExtraTool
	// Logger receives the server's own activity (calls, cancellations);
	// nil discards it.
	Logger *slog.Logger
	// WrapHandler, if set, wraps the whole HTTP handler. It is the seam for
	// the auth mode (issue 5): a wrapper can check bearer tokens on the MCP
	// endpoints and serve the OAuth metadata paths itself.
	WrapHandler func(http.Handler) http.Handler
}

// Server is one demo MCP server. Its catalog is shared by every session,
// so a tool added by one client is seen (and announced) by all.
type Server struct {
	opts    Options
	log     *slog.Logger
	mcp     *mcp.Server
	handler http.Handler

	// closing is closed when Close begins: long calls watch it and answer
	// at once. life is cancelled closeGrace later (or when Close is done);
	// every request's context ends with it, so Close never waits long.
	closing   chan struct{}
	closeOnce sync.Once
	calls     callTracker
	life      context.Context
	stopLife  context.CancelFunc

	tools *toolSet
	state *state
}

// New builds a demo server with the built-in catalog plus opts.ExtraTools.
func New(opts Options) *Server {
	if opts.PageSize <= 0 {
		opts.PageSize = DefaultPageSize
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	life, stop := context.WithCancel(context.Background())
	s := &Server{opts: opts, log: log, closing: make(chan struct{}), life: life, stopLife: stop, state: newState()}
	s.mcp = mcp.NewServer(&mcp.Implementation{
		Name:    version.Name + "-demo",
		Title:   "mcpls demo server",
		Version: version.Version,
	}, &mcp.ServerOptions{
		Instructions:       "A demo server for trying MCP clients: every kind of schema, content, prompt and resource.",
		PageSize:           opts.PageSize,
		CompletionHandler:  s.complete,
		SubscribeHandler:   s.subscribe,
		UnsubscribeHandler: s.unsubscribe,
		Logger:             log.With("component", "mcp"),
	})
	s.mcp.AddReceivingMiddleware(s.bindLife)
	s.tools = newToolSet(s)
	s.addTools()
	for _, t := range opts.ExtraTools {
		s.addExtraTool(t)
	}
	s.addPrompts()
	s.addResources()
	s.handler = s.buildHandler()
	return s
}

// bindLife ends every request's context when the server's life ends, and
// tracks tool calls so that Close can let them answer first.
func (s *Server) bindLife(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		if method == "tools/call" {
			s.calls.begin()
			defer s.calls.end()
		}
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		stop := context.AfterFunc(s.life, cancel)
		defer stop()
		return next(ctx, method, req)
	}
}

// callTracker counts calls in flight; idle is closed while there are none.
type callTracker struct {
	mu   sync.Mutex
	n    int
	idle chan struct{}
}

func (c *callTracker) begin() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == 0 {
		c.idle = make(chan struct{})
	}
	c.n++
}

func (c *callTracker) end() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n--
	if c.n == 0 {
		close(c.idle)
	}
}

func (c *callTracker) idleChan() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == 0 {
		done := make(chan struct{})
		close(done)
		return done
	}
	return c.idle
}

func (s *Server) buildHandler() http.Handler {
	getServer := func(*http.Request) *mcp.Server { return s.mcp }
	mux := http.NewServeMux()
	mux.Handle(PathStreamable, mcp.NewStreamableHTTPHandler(getServer, &mcp.StreamableHTTPOptions{
		EventStore:     mcp.NewMemoryEventStore(nil), // lets clients resume with Last-Event-ID
		SessionTimeout: sessionTimeout,
		Logger:         s.log.With("component", "http"),
	}))
	mux.Handle(PathSSE, mcp.NewSSEHandler(getServer, nil))
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "mcpls demo MCP server: streamable HTTP at %s, legacy SSE at %s\n", PathStreamable, PathSSE)
	})
	if s.opts.WrapHandler != nil {
		return s.opts.WrapHandler(mux)
	}
	return mux
}

// Handler serves streamable HTTP at /mcp and legacy SSE at /sse.
func (s *Server) Handler() http.Handler { return s.handler }

// URL is the streamable HTTP endpoint for a listener address.
func URL(addr net.Addr) string { return "http://" + addr.String() + PathStreamable }

// Serve serves HTTP on ln until ctx is done, then closes the server: in-flight
// calls are stopped, sessions and their streams closed, and Serve returns
// once the HTTP server has shut down. It returns nil after a clean stop.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	var conns connTracker
	hs := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second, ConnState: conns.track}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		s.Close()
		return fmt.Errorf("serving HTTP on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	s.Close()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	hs.SetKeepAlivesEnabled(false)
	// Shutdown counts a connection that has sent nothing yet as busy for
	// 5 s; it has no request to finish, so close it now.
	conns.closeNew()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		hs.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving HTTP on %s: %w", ln.Addr(), err)
	}
	return nil
}

// connTracker remembers the connections that have not sent a request yet.
type connTracker struct {
	mu    sync.Mutex
	fresh map[net.Conn]bool
}

func (ct *connTracker) track(c net.Conn, st http.ConnState) {
	ct.mu.Lock()
	defer ct.mu.Unlock()
	if ct.fresh == nil {
		ct.fresh = map[net.Conn]bool{}
	}
	if st == http.StateNew {
		ct.fresh[c] = true
	} else {
		delete(ct.fresh, c)
	}
}

func (ct *connTracker) closeNew() {
	ct.mu.Lock()
	defer ct.mu.Unlock()
	for c := range ct.fresh {
		c.Close()
	}
}

// ServeStdio serves one session of newline-delimited JSON-RPC on in and out
// until the client closes in or ctx is done. If in or out is also an
// io.Closer, it is closed when the session ends.
func (s *Server) ServeStdio(ctx context.Context, in io.Reader, out io.Writer) error {
	stop := context.AfterFunc(ctx, s.Close)
	defer stop()
	t := &mcp.IOTransport{Reader: readCloser(in), Writer: writeCloser(out)}
	err := s.mcp.Run(ctx, t)
	if err == nil || ctx.Err() != nil || clientGone(err) {
		return nil
	}
	return fmt.Errorf("serving stdio: %w", err)
}

// clientGone reports whether err only says that the client closed its end.
func clientGone(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrClosedPipe) ||
		errors.Is(err, os.ErrClosed) || errors.Is(err, mcp.ErrConnectionClosed)
}

// closeGrace is how long Close lets in-flight calls answer before it
// cancels them.
const closeGrace = 2 * time.Second

// Close stops in-flight calls and closes every session. Long calls see the
// server closing and answer with a tool error; a call still running
// closeGrace later is cancelled. Sessions close after that, since a closed
// session can no longer deliver an answer. The server accepts no further
// work.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	grace := time.NewTimer(closeGrace)
	defer grace.Stop()
	select {
	case <-s.calls.idleChan():
	case <-grace.C:
	}
	s.stopLife()
	var wg sync.WaitGroup
	for ss := range s.mcp.Sessions() {
		wg.Go(func() { ss.Close() })
	}
	wg.Wait()
}

func readCloser(r io.Reader) io.ReadCloser {
	if rc, ok := r.(io.ReadCloser); ok {
		return rc
	}
	return io.NopCloser(r)
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

func writeCloser(w io.Writer) io.WriteCloser {
	if wc, ok := w.(io.WriteCloser); ok {
		return wc
	}
	return nopWriteCloser{w}
}
