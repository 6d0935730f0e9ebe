// Package lsptest drives an LSP server the way an editor does, for
// integration tests: it speaks LSP over any stream (pipes to an in-process
// server, or a child process's stdio), mirrors the documents it opens, and
// lets tests wait on what the server publishes instead of sleeping.
package lsptest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// Editor is a fake editor connected to one server.
type Editor struct {
	conn jsonrpc2.Conn

	mu      sync.Mutex
	diags   map[uri.URI]*protocol.PublishDiagnosticsParams // latest per URI
	changed chan struct{}                                  // closed and replaced on every publish
	docs    map[uri.URI]*doc
	logs    []string
	notes   []Note                 // every notification from the server, in order
	answers map[string]RequestFunc // how server-to-editor requests are answered
}

// Note is one notification the server sent.
type Note struct {
	Method string
	Params json.RawMessage
}

// RequestFunc answers one server-to-editor request.
type RequestFunc func(ctx context.Context, params json.RawMessage) (any, error)

// doc is the editor's own copy of an open document.
type doc struct {
	version int32
	text    string
}

// Connect starts talking LSP on rwc. Close ends the connection.
func Connect(ctx context.Context, rwc io.ReadWriteCloser) *Editor {
	e := &Editor{
		diags:   map[uri.URI]*protocol.PublishDiagnosticsParams{},
		changed: make(chan struct{}),
		docs:    map[uri.URI]*doc{},
		answers: map[string]RequestFunc{},
	}
	e.conn = jsonrpc2.NewConn(jsonrpc2.NewHeaderStream(rwc), jsonrpc2.WithCodec(codec{}))
	e.conn.Go(ctx, e.handle)
	return e
}

// Pipe returns the two ends of an in-memory LSP stream: one for the server,
// one for the editor.
func Pipe() (server, editor io.ReadWriteCloser) {
	sr, ew := io.Pipe()
	er, sw := io.Pipe()
	return pipeEnd{sr, sw}, pipeEnd{er, ew}
}

type pipeEnd struct {
	r *io.PipeReader
	w *io.PipeWriter
}

func (p pipeEnd) Read(b []byte) (int, error)  { return p.r.Read(b) }
func (p pipeEnd) Write(b []byte) (int, error) { return p.w.Write(b) }
func (p pipeEnd) Close() error                { return errors.Join(p.r.Close(), p.w.Close()) }

// handle answers what the server sends: diagnostics are recorded, log
// messages kept, every notification recorded, requests answered by the
// functions set with Answer and refused otherwise.
func (e *Editor) handle(ctx context.Context, req *jsonrpc2.Request) (any, error) {
	if req.IsCall() {
		e.mu.Lock()
		f := e.answers[req.Method()]
		e.mu.Unlock()
		if f == nil {
			return nil, jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "fake editor: no %s", req.Method())
		}
		jsonrpc2.Async(ctx)
		return f(ctx, json.RawMessage(req.Params()))
	}
	e.mu.Lock()
	// The connection reuses its buffers: keep copies.
	e.notes = append(e.notes, Note{Method: strings.Clone(req.Method()), Params: append(json.RawMessage(nil), req.Params()...)})
	close(e.changed)
	e.changed = make(chan struct{})
	e.mu.Unlock()
	switch req.Method() {
	case protocol.MethodTextDocumentPublishDiagnostics:
		var p protocol.PublishDiagnosticsParams
		if err := protocol.Unmarshal(req.Params(), &p); err != nil {
			return nil, fmt.Errorf("decoding diagnostics: %w", err)
		}
		e.mu.Lock()
		e.diags[p.URI] = &p
		close(e.changed)
		e.changed = make(chan struct{})
		e.mu.Unlock()
		return nil, nil
	case protocol.MethodWindowLogMessage:
		var p protocol.LogMessageParams
		if err := protocol.Unmarshal(req.Params(), &p); err == nil {
			e.mu.Lock()
			e.logs = append(e.logs, p.Message)
			e.mu.Unlock()
		}
		return nil, nil
	}
	return nil, nil
}

// Answer sets how the editor answers the server's requests of method.
func (e *Editor) Answer(method string, f RequestFunc) {
	e.mu.Lock()
	e.answers[method] = f
	e.mu.Unlock()
}

// AwaitNotification waits for a notification of method, sent since the
// connection began, whose params satisfy ok, and returns its params.
func (e *Editor) AwaitNotification(ctx context.Context, method string, ok func(params json.RawMessage) bool) (json.RawMessage, error) {
	seen := 0
	for {
		e.mu.Lock()
		notes, changed := e.notes[seen:], e.changed
		seen = len(e.notes)
		e.mu.Unlock()
		for _, n := range notes {
			if n.Method == method && ok(n.Params) {
				return n.Params, nil
			}
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for %s (%d received, %s): %w", method, len(e.Notes(method)), e.noteMethods(), ctx.Err())
		}
	}
}

// Notes returns the notifications of method received so far.
func (e *Editor) Notes(method string) []json.RawMessage {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []json.RawMessage
	for _, n := range e.notes {
		if n.Method == method {
			out = append(out, n.Params)
		}
	}
	return out
}

// Call sends a request and waits for its answer.
func (e *Editor) Call(ctx context.Context, method string, params, result any) error {
	_, err := e.conn.Call(ctx, method, params, result)
	return err
}

// CallCancellable is Call that, when ctx ends first, tells the server with
// $/cancelRequest.
func (e *Editor) CallCancellable(ctx context.Context, method string, params, result any) error {
	return protocol.Call(ctx, e.conn, method, params, result)
}

// Notify sends a notification.
func (e *Editor) Notify(ctx context.Context, method string, params any) error {
	return e.conn.Notify(ctx, method, params)
}

// Initialize runs the initialize handshake with the given workspace folders
// (absolute paths) and sends initialized.
func (e *Editor) Initialize(ctx context.Context, folders ...string) (*protocol.InitializeResult, error) {
	return e.InitializeWith(ctx, InitializeParams(folders...))
}

// InitializeParams are the params Initialize sends: a plain LSP editor
// with workspace folders, for tests to extend.
func InitializeParams(folders ...string) *protocol.InitializeParams {
	var ws []protocol.WorkspaceFolder
	for _, f := range folders {
		ws = append(ws, protocol.WorkspaceFolder{URI: uri.File(f), Name: f})
	}
	yes := true
	params := &protocol.InitializeParams{
		ClientInfo: protocol.ClientInfo{Name: "lsptest"},
		Capabilities: protocol.ClientCapabilities{
			Workspace: &protocol.WorkspaceClientCapabilities{WorkspaceFolders: &yes},
		},
	}
	params.WorkspaceFolders = protocol.NewNullable(ws)
	return params
}

// InitializeWith runs the initialize handshake with params and sends
// initialized.
func (e *Editor) InitializeWith(ctx context.Context, params *protocol.InitializeParams) (*protocol.InitializeResult, error) {
	var res protocol.InitializeResult
	if err := e.Call(ctx, protocol.MethodInitialize, params, &res); err != nil {
		return nil, fmt.Errorf("initialize: %w", err)
	}
	if err := e.Notify(ctx, protocol.MethodInitialized, &protocol.InitializedParams{}); err != nil {
		return nil, fmt.Errorf("initialized: %w", err)
	}
	return &res, nil
}

// Open opens a document at version 1.
func (e *Editor) Open(ctx context.Context, u uri.URI, text string) error {
	e.mu.Lock()
	e.docs[u] = &doc{version: 1, text: text}
	e.mu.Unlock()
	return e.Notify(ctx, protocol.MethodTextDocumentDidOpen, &protocol.DidOpenTextDocumentParams{
		TextDocument: protocol.TextDocumentItem{URI: u, LanguageID: "jsonc", Version: 1, Text: text},
	})
}

// Edit replaces the byte range [start,end) of the editor's copy of an open
// document with text, sends it as one incremental change, and returns the
// new version. Positions are computed as an editor would (UTF-16).
func (e *Editor) Edit(ctx context.Context, u uri.URI, start, end int, text string) (int32, error) {
	e.mu.Lock()
	d, ok := e.docs[u]
	if !ok {
		e.mu.Unlock()
		return 0, fmt.Errorf("edit of %s, which is not open", u)
	}
	change := &protocol.TextDocumentContentChangePartial{
		Range: protocol.Range{Start: Position(d.text, start), End: Position(d.text, end)},
		Text:  text,
	}
	d.text = d.text[:start] + text + d.text[end:]
	d.version++
	version := d.version
	e.mu.Unlock()
	return version, e.Notify(ctx, protocol.MethodTextDocumentDidChange, &protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u}, Version: version},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{change},
	})
}

// Text returns the editor's copy of an open document.
func (e *Editor) Text(u uri.URI) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if d, ok := e.docs[u]; ok {
		return d.text
	}
	return ""
}

// Close closes a document.
func (e *Editor) Close(ctx context.Context, u uri.URI) error {
	e.mu.Lock()
	delete(e.docs, u)
	e.mu.Unlock()
	return e.Notify(ctx, protocol.MethodTextDocumentDidClose, &protocol.DidCloseTextDocumentParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: u},
	})
}

// AwaitDiagnostics waits until the latest diagnostics published for u
// satisfy ok, and returns them. It fails when ctx ends first, reporting the
// last diagnostics seen.
func (e *Editor) AwaitDiagnostics(ctx context.Context, u uri.URI, ok func(*protocol.PublishDiagnosticsParams) bool) (*protocol.PublishDiagnosticsParams, error) {
	for {
		e.mu.Lock()
		p, changed := e.diags[u], e.changed
		e.mu.Unlock()
		if p != nil && ok(p) {
			return p, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for diagnostics of %s (last: %s): %w", u, Describe(p), ctx.Err())
		}
	}
}

// Shutdown sends shutdown and then exit.
func (e *Editor) Shutdown(ctx context.Context) error {
	if err := e.Call(ctx, protocol.MethodShutdown, nil, nil); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return e.Exit(ctx)
}

// Exit sends exit.
func (e *Editor) Exit(ctx context.Context) error {
	return e.Notify(ctx, protocol.MethodExit, nil)
}

// Disconnect closes the connection.
func (e *Editor) Disconnect() error { return e.conn.Close() }

// Done is closed when the connection has ended (the server went away).
func (e *Editor) Done() <-chan struct{} { return e.conn.Done() }

func (e *Editor) noteMethods() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var ms []string
	for _, n := range e.notes {
		ms = append(ms, n.Method)
	}
	return fmt.Sprint(ms)
}
