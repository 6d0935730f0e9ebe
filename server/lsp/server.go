// Package lsp is the mcpls language server: it speaks LSP over one stream
// (stdio in production, pipes in tests) and owns the editor-facing state:
// open documents as immutable snapshots, workspace folders, file watching and
// the publication of diagnostics.
//
// Wiring (conn.go): notifications are handled in wire order on the read loop
// and each makes a new snapshot; requests take the snapshot current at their
// arrival and then run concurrently. Handlers (one file per area) are thin:
// they read a snapshot and call a feature function. features.go is the only
// file that calls the editor-agnostic feature packages (internal/config,
// internal/complete, internal/hover, internal/requests).
//
// The MCP side (mcpservers.go) keeps one entry per (config file, server):
// connection state, session, catalog (live, else from the offline cache),
// last error and the last outcome of each saved request. Commands
// (commands.go, the table of lspext.Commands) connect, run requests
// (run.go: progress, cancellation, confirmation of destructive tools) and
// deliver results through the mcp/* extensions the editor announced under
// experimental.mcpls, else through plain LSP (render.go, showDocument,
// logMessage). Code lenses (codelens.go) show each server's state and run
// each saved request.
package lsp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
)

// Options configure a server. The zero value is ready to use.
type Options struct {
	// Log receives the server's log lines (never stdout); nil means os.Stderr.
	Log io.Writer
	// TestHooks registers the methods that integration tests use to inject
	// faults (see testhooks.go). Never set in production.
	TestHooks bool
	// CacheDir holds the offline catalogs; "" means the cache's default
	// ($MCPLS_CACHE_DIR, else the user cache dir).
	CacheDir string
	// OutputDir receives rendered results and console files for editors
	// without the mcp/* extensions; "" means <user cache dir>/mcpls.
	OutputDir string
	// LimitMemory lets the server set the process's soft memory limit from
	// its live heap (see memlimit.go). mcpls serve sets it unless
	// GOMEMLIMIT is set; tests, which share a process, do not.
	LimitMemory bool
}

// Exit codes returned by Serve, as the LSP specification prescribes for the
// exit notification.
const (
	ExitOK         = 0 // exit after shutdown
	ExitNoShutdown = 1 // exit (or end of stream) without shutdown
)

// Server is one language-server session on one connection.
type Server struct {
	ctx    context.Context // ends when the server stops
	opts   Options
	logger *log.Logger

	conn   jsonrpc2.Conn
	client *client
	state  *session
	diags  *diagnoser
	watch  *watcher
	mcp    *mcpServers
	args   *argCompleter
	auth   *serverAuth
	runs   *runs
	valid  *validators
	memory *memoryLimiter
	lenses coalesced // workspace/codeLens/refresh calls
	// autoSlots bounds the automatic connects in flight (mcpwiring.go).
	autoSlots chan struct{}

	// exited is closed by the exit notification.
	exited   chan struct{}
	exitOnce sync.Once

	cancels *cancels
}

// Serve runs a language server on rwc until the editor sends exit, the
// stream ends, or ctx is done. It returns the process exit code the LSP
// specification asks for: 0 when shutdown came before, 1 otherwise.
func Serve(ctx context.Context, rwc io.ReadWriteCloser, opts Options) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := newServer(ctx, rwc, opts)
	select {
	case <-s.exited:
	case <-s.conn.Done():
	case <-ctx.Done():
	}
	cancel()
	s.close()
	if s.state.lifecycle() == stateShutdown {
		return ExitOK
	}
	return ExitNoShutdown
}

func newServer(ctx context.Context, rwc io.ReadWriteCloser, opts Options) *Server {
	logw := opts.Log
	if logw == nil {
		logw = os.Stderr
	}
	s := &Server{
		ctx:       ctx,
		opts:      opts,
		logger:    log.New(logw, "mcpls: ", log.LstdFlags|log.Lmicroseconds),
		exited:    make(chan struct{}),
		state:     newSession(),
		cancels:   newCancels(),
		autoSlots: make(chan struct{}, autoConnectSlots),
	}
	s.mcp = newMCPServers(s, opts.CacheDir)
	s.args = newArgCompleter(s)
	s.auth = newServerAuth(s)
	s.runs = newRuns()
	s.valid = newValidators()
	s.memory = newMemoryLimiter(opts.LimitMemory)
	s.conn = newConn(rwc)
	s.client = newClient(ctx, s.conn, s.logger)
	s.watch = newWatcher(ctx, s.logger, s.onDiskChange, s.onConfigGone)
	s.diags = newDiagnoser(ctx, s.computeDiagnostics, s.client.publishDiagnostics, s.logger)
	s.conn.Go(ctx, s.handle)
	return s
}

// close stops everything the server started and waits for it. The
// connection gets a bounded grace period: a reader blocked on a stdin that
// cannot be interrupted must not keep the process alive after exit.
func (s *Server) close() {
	s.memory.stop()
	s.args.close()
	s.mcp.close()
	s.watch.close()
	s.diags.close()
	s.client.close()
	done := make(chan error, 1)
	go func() { done <- s.conn.Close() }()
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, os.ErrClosed) && !errors.Is(err, io.ErrClosedPipe) {
			s.logf("closing the connection: %v", err)
		}
	case <-time.After(time.Second):
		s.logf("closing the connection: still blocked after 1s, leaving it")
	}
}

func (s *Server) logf(format string, args ...any) {
	s.logger.Output(2, fmt.Sprintf(format, args...))
}
