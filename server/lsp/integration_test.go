package lsp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"mcpls/server/lsp"
	"mcpls/server/lsp/lsptest"
	"mcpls/server/lspext"
)

// timeout bounds every wait of these tests; none of them sleeps.
const timeout = 20 * time.Second

// binary is the mcpls binary built by TestMain for the out-of-process runs.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mcpls-lsp-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "mcpls")
	build := exec.Command("go", "build", "-o", binary, "mcpls/server")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "building mcpls: %v\n", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// session is one editor connected to one server, in process or not.
type session struct {
	*lsptest.Editor
	exit func(ctx context.Context) (int, error) // waits for the server's exit code
}

// transports are the two ways the tests reach a server.
var transports = []struct {
	name  string
	start func(t *testing.T) *session
}{
	{"inprocess", startInProcess},
	{"binary", startBinary},
}

func startInProcess(t *testing.T) *session {
	ctx, cancel := context.WithCancel(context.Background())
	serverEnd, editorEnd := lsptest.Pipe()
	code := make(chan int, 1)
	logs := &testLog{t: t}
	go func() {
		code <- lsp.Serve(ctx, serverEnd, lsp.Options{Log: logs, TestHooks: true})
		serverEnd.Close()
	}()
	ed := lsptest.Connect(ctx, editorEnd)
	t.Cleanup(func() {
		cancel()
		ed.Disconnect()
		<-code
		logs.stop()
	})
	return &session{Editor: ed, exit: func(ctx context.Context) (int, error) {
		select {
		case c := <-code:
			code <- c
			return c, nil
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}}
}

func startBinary(t *testing.T) *session {
	cmd := exec.Command(binary, "serve", "--stdio")
	cmd.Env = append(os.Environ(), "MCPLS_TEST_HOOKS=1")
	logs := &testLog{t: t}
	cmd.Stderr = logs
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	ctx, cancel := context.WithCancel(context.Background())
	ed := lsptest.Connect(ctx, procConn{stdout, stdin})
	var once sync.Once
	var exitErr error
	wait := func(ctx context.Context) (int, error) {
		select {
		case err := <-waited:
			once.Do(func() { exitErr = err })
			waited <- err
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		var ee *exec.ExitError
		if errors.As(exitErr, &ee) {
			return ee.ExitCode(), nil
		}
		return 0, exitErr
	}
	t.Cleanup(func() {
		cancel()
		stdin.Close()
		ed.Disconnect()
		cmd.Process.Kill() // fails harmlessly when it has exited
		<-waited
		logs.stop()
	})
	return &session{Editor: ed, exit: wait}
}

// procConn is a child's stdout and stdin as one stream.
type procConn struct {
	r io.ReadCloser
	w io.WriteCloser
}

func (p procConn) Read(b []byte) (int, error)  { return p.r.Read(b) }
func (p procConn) Write(b []byte) (int, error) { return p.w.Write(b) }
func (p procConn) Close() error                { return errors.Join(p.w.Close(), p.r.Close()) }

// testLog sends the server's stderr to the test log while the test runs.
type testLog struct {
	mu      sync.Mutex
	t       *testing.T
	stopped bool
	buf     bytes.Buffer
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	if !l.stopped {
		for {
			line, err := l.buf.ReadString('\n')
			if err != nil {
				l.buf.WriteString(line)
				break
			}
			l.t.Log("server: " + strings.TrimSuffix(line, "\n"))
		}
	}
	return len(p), nil
}

func (l *testLog) stop() {
	l.mu.Lock()
	l.stopped = true
	l.mu.Unlock()
}

// forEachTransport runs a test against the in-process server and against
// the built binary.
func forEachTransport(t *testing.T, test func(t *testing.T, ctx context.Context, s *session)) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			test(t, ctx, tr.start(t))
		})
	}
}

func initialize(t *testing.T, ctx context.Context, s *session, folders ...string) *protocol.InitializeResult {
	t.Helper()
	res, err := s.Initialize(ctx, folders...)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func hasVersion(v int32, n func(int) bool) func(*protocol.PublishDiagnosticsParams) bool {
	return func(p *protocol.PublishDiagnosticsParams) bool {
		got, ok := p.Version.Get()
		return ok && got == v && n(len(p.Diagnostics))
	}
}

func some(n int) bool { return n > 0 }
func none(n int) bool { return n == 0 }

func errorCode(err error) jsonrpc2.Code {
	var e *jsonrpc2.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

func TestInitialize(t *testing.T) {
	forEachTransport(t, func(t *testing.T, ctx context.Context, s *session) {
		res := initialize(t, ctx, s)
		if res.ServerInfo.Name != "mcpls" {
			t.Errorf("serverInfo.name = %q, want mcpls", res.ServerInfo.Name)
		}
		sync, ok := res.Capabilities.TextDocumentSync.(*protocol.TextDocumentSyncOptions)
		if !ok || sync.Change == nil || *sync.Change != protocol.TextDocumentSyncKindIncremental {
			t.Errorf("textDocumentSync = %#v, want incremental options", res.Capabilities.TextDocumentSync)
		}
		if cp := res.Capabilities.CompletionProvider; cp == nil || strings.Join(cp.TriggerCharacters, "") != `":{$` {
			t.Errorf("completionProvider = %#v, want trigger characters \" : { $", cp)
		}
		if cmds := res.Capabilities.ExecuteCommandProvider.Commands; !slices.Equal(cmds, lspext.CommandNames()) {
			t.Errorf("executeCommandProvider.commands = %v, want %v", cmds, lspext.CommandNames())
		}
		if res.Capabilities.CodeLensProvider == nil {
			t.Error("codeLensProvider is not announced")
		}
		err := s.Call(ctx, protocol.MethodInitialize, &protocol.InitializeParams{}, nil)
		if errorCode(err) != jsonrpc2.InvalidRequest {
			t.Errorf("second initialize: err = %v, want InvalidRequest", err)
		}
	})
}

func TestRequestBeforeInitialize(t *testing.T) {
	forEachTransport(t, func(t *testing.T, ctx context.Context, s *session) {
		err := s.Call(ctx, protocol.MethodTextDocumentHover, &protocol.HoverParams{}, nil)
		if errorCode(err) != jsonrpc2.ServerNotInitialized {
			t.Errorf("hover before initialize: err = %v, want ServerNotInitialized", err)
		}
	})
}

func TestDiagnosticsFollowEdits(t *testing.T) {
	forEachTransport(t, func(t *testing.T, ctx context.Context, s *session) {
		dir := t.TempDir()
		initialize(t, ctx, s, dir)
		u := uri.File(filepath.Join(dir, "open.mcp.json"))
		broken := `{"mcpServers": {"a": {"command": "npx"}}`
		if err := s.Open(ctx, u, broken); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AwaitDiagnostics(ctx, u, hasVersion(1, some)); err != nil {
			t.Fatal(err)
		}
		v, err := s.Edit(ctx, u, len(broken), len(broken), "}")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AwaitDiagnostics(ctx, u, hasVersion(v, none)); err != nil {
			t.Fatal(err)
		}
	})
}

// TestEditsInOrder sends rapid incremental edits whose positions depend on
// every edit before them: applied out of order, the text would differ.
func TestEditsInOrder(t *testing.T) {
	forEachTransport(t, func(t *testing.T, ctx context.Context, s *session) {
		dir := t.TempDir()
		initialize(t, ctx, s, dir)
		u := uri.File(filepath.Join(dir, "edits.mcp.json"))
		text := `{"mcpServers": {"a": {"command": "é"`
		if err := s.Open(ctx, u, text); err != nil {
			t.Fatal(err)
		}
		var v int32
		for i := range 50 {
			cur := s.Text(u)
			at := strings.LastIndex(cur, `"`) // inside the last string
			var err error
			if v, err = s.Edit(ctx, u, at, at, fmt.Sprintf("%d😀", i)); err != nil {
				t.Fatal(err)
			}
		}
		end := len(s.Text(u))
		if v, err := s.Edit(ctx, u, end, end, "}}}"); err != nil {
			t.Fatal(err)
		} else if _, err := s.AwaitDiagnostics(ctx, u, hasVersion(v, none)); err != nil {
			t.Fatal(err)
		}
		var got *string
		if err := s.Call(ctx, lsp.TestMethodText, &protocol.TextDocumentIdentifier{URI: u}, &got); err != nil {
			t.Fatal(err)
		}
		if want := s.Text(u); got == nil || *got != want {
			t.Errorf("server text after %d edits:\n%v\nwant:\n%s", v, got, want)
		}
	})
}

func TestDiskChanges(t *testing.T) {
	forEachTransport(t, func(t *testing.T, ctx context.Context, s *session) {
		dir := t.TempDir()
		path := filepath.Join(dir, ".mcp.json")
		writeFile(t, path, `{"mcpServers": {}}`)
		initialize(t, ctx, s, dir)
		u := uri.File(path)
		unversioned := func(n func(int) bool) func(*protocol.PublishDiagnosticsParams) bool {
			return func(p *protocol.PublishDiagnosticsParams) bool { return p.Version.IsZero() && n(len(p.Diagnostics)) }
		}
		if _, err := s.AwaitDiagnostics(ctx, u, unversioned(none)); err != nil {
			t.Fatalf("config found by the walk: %v", err)
		}
		writeFile(t, path, `{"mcpServers": {`)
		if _, err := s.AwaitDiagnostics(ctx, u, unversioned(some)); err != nil {
			t.Fatalf("after breaking it on disk: %v", err)
		}
		sub := filepath.Join(dir, "sub", ".vscode")
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		nested := filepath.Join(sub, "mcp.json")
		writeFile(t, nested, `{"servers": `)
		if _, err := s.AwaitDiagnostics(ctx, uri.File(nested), unversioned(some)); err != nil {
			t.Fatalf("config created in a new directory: %v", err)
		}
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AwaitDiagnostics(ctx, u, unversioned(none)); err != nil {
			t.Fatalf("after deleting it: %v", err)
		}
	})
}

func TestOpenTextWinsOverDisk(t *testing.T) {
	forEachTransport(t, func(t *testing.T, ctx context.Context, s *session) {
		dir := t.TempDir()
		path := filepath.Join(dir, ".mcp.json")
		writeFile(t, path, `{"mcpServers": {}}`)
		initialize(t, ctx, s, dir)
		u := uri.File(path)
		if err := s.Open(ctx, u, `{"mcpServers": {`); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AwaitDiagnostics(ctx, u, hasVersion(1, some)); err != nil {
			t.Fatal(err)
		}
		writeFile(t, path, `{"mcpServers": {"x": {"command": "npx"}}}`) // valid on disk, broken in the editor
		if _, err := s.AwaitDiagnostics(ctx, u, hasVersion(1, some)); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(ctx, u); err != nil {
			t.Fatal(err)
		}
		closed := func(p *protocol.PublishDiagnosticsParams) bool { return p.Version.IsZero() && len(p.Diagnostics) == 0 }
		if _, err := s.AwaitDiagnostics(ctx, u, closed); err != nil {
			t.Fatalf("after close, diagnostics from disk: %v", err)
		}
	})
}

func TestWorkspaceFolderChanges(t *testing.T) {
	forEachTransport(t, func(t *testing.T, ctx context.Context, s *session) {
		initialize(t, ctx, s)
		dir := t.TempDir()
		path := filepath.Join(dir, "x.mcp.json")
		writeFile(t, path, `{`)
		u := uri.File(path)
		folder := []protocol.WorkspaceFolder{{URI: uri.File(dir), Name: "x"}}
		change := func(added, removed []protocol.WorkspaceFolder) {
			err := s.Notify(ctx, protocol.MethodWorkspaceDidChangeWorkspaceFolders, &protocol.DidChangeWorkspaceFoldersParams{
				Event: protocol.WorkspaceFoldersChangeEvent{Added: added, Removed: removed},
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		change(folder, nil)
		if _, err := s.AwaitDiagnostics(ctx, u, func(p *protocol.PublishDiagnosticsParams) bool { return len(p.Diagnostics) > 0 }); err != nil {
			t.Fatalf("after adding the folder: %v", err)
		}
		change(nil, folder)
		if _, err := s.AwaitDiagnostics(ctx, u, func(p *protocol.PublishDiagnosticsParams) bool { return len(p.Diagnostics) == 0 }); err != nil {
			t.Fatalf("after removing the folder: %v", err)
		}
	})
}

func TestPanicIsAnswered(t *testing.T) {
	forEachTransport(t, func(t *testing.T, ctx context.Context, s *session) {
		dir := t.TempDir()
		initialize(t, ctx, s, dir)
		err := s.Call(ctx, lsp.TestMethodPanic, nil, nil)
		if errorCode(err) != jsonrpc2.InternalError {
			t.Errorf("panicking request: err = %v, want InternalError", err)
		}
		if err := s.Notify(ctx, lsp.TestMethodPanicNotification, nil); err != nil {
			t.Fatal(err)
		}
		u := uri.File(filepath.Join(dir, "after.mcp.json"))
		if err := s.Open(ctx, u, `{"mcpServers": {}}`); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AwaitDiagnostics(ctx, u, hasVersion(1, none)); err != nil {
			t.Fatalf("after the panics: %v", err)
		}
		var got *string
		if err := s.Call(ctx, lsp.TestMethodText, &protocol.TextDocumentIdentifier{URI: u}, &got); err != nil {
			t.Fatalf("request after the panics: %v", err)
		}
	})
}

func TestCommandErrors(t *testing.T) {
	forEachTransport(t, func(t *testing.T, ctx context.Context, s *session) {
		initialize(t, ctx, s)
		signIn := []protocol.LSPAny{protocol.LSPAny(`{"uri":"file:///x/.mcp.json","server":"x"}`)}
		for _, tc := range []struct {
			command string
			args    []protocol.LSPAny
			code    jsonrpc2.Code
			message string
		}{
			{"mcpls.connect", nil, jsonrpc2.InvalidParams, "missing the command's argument"},
			{"mcpls.signIn", signIn, -32803, "reading /x/.mcp.json"},
			{"mcpls.nope", nil, jsonrpc2.InvalidParams, "unknown command"},
		} {
			err := s.Call(ctx, protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: tc.command, Arguments: tc.args}, nil)
			if errorCode(err) != tc.code || !strings.Contains(fmt.Sprint(err), tc.message) {
				t.Errorf("%s: err = %v, want code %d with %q", tc.command, err, tc.code, tc.message)
			}
		}
	})
}

func TestShutdownExit(t *testing.T) {
	for _, tc := range []struct {
		name     string
		shutdown bool
		want     int
	}{
		{"shutdown then exit", true, 0},
		{"exit without shutdown", false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			forEachTransport(t, func(t *testing.T, ctx context.Context, s *session) {
				initialize(t, ctx, s)
				if tc.shutdown {
					if err := s.Call(ctx, protocol.MethodShutdown, nil, nil); err != nil {
						t.Fatal(err)
					}
					err := s.Call(ctx, protocol.MethodTextDocumentHover, &protocol.HoverParams{}, nil)
					if errorCode(err) != jsonrpc2.InvalidRequest {
						t.Errorf("request after shutdown: err = %v, want InvalidRequest", err)
					}
				}
				if err := s.Exit(ctx); err != nil {
					t.Fatal(err)
				}
				code, err := s.exit(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if code != tc.want {
					t.Errorf("exit code = %d, want %d", code, tc.want)
				}
			})
		})
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCompletionAndHover(t *testing.T) {
	forEachTransport(t, func(t *testing.T, ctx context.Context, s *session) {
		dir := t.TempDir()
		initialize(t, ctx, s, dir)
		u := uri.File(filepath.Join(dir, ".mcp.json"))
		text := `{"mcpServers": {"a": {"command": "npx", }}}`
		if err := s.Open(ctx, u, text); err != nil {
			t.Fatal(err)
		}
		pos := func(offset int) protocol.TextDocumentPositionParams {
			return protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}, Position: lsptest.Position(text, offset)}
		}
		var list *protocol.CompletionList
		at := strings.Index(text, ", }") + 2
		if err := s.Call(ctx, protocol.MethodTextDocumentCompletion, &protocol.CompletionParams{TextDocumentPositionParams: pos(at)}, &list); err != nil {
			t.Fatal(err)
		}
		var labels []string
		for _, it := range list.Items {
			labels = append(labels, it.Label)
		}
		if !slices.Contains(labels, "args") {
			t.Errorf("completion in a stdio server entry: %v, want args among them", labels)
		}
		var h *protocol.Hover
		if err := s.Call(ctx, protocol.MethodTextDocumentHover, &protocol.HoverParams{TextDocumentPositionParams: pos(strings.Index(text, "command") + 1)}, &h); err != nil {
			t.Fatal(err)
		}
		mc, ok := h.Contents.(*protocol.MarkupContent)
		if !ok || !strings.Contains(mc.Value, "command") {
			t.Errorf("hover on \"command\" = %#v, want markup about command", h)
		}
	})
}

// TestEnvFileChanges: a config's envFile, here outside the workspace, is
// watched; creating it re-checks the config, open or not.
func TestEnvFileChanges(t *testing.T) {
	for _, open := range []bool{false, true} {
		t.Run(fmt.Sprintf("open=%v", open), func(t *testing.T) {
			forEachTransport(t, func(t *testing.T, ctx context.Context, s *session) {
				dir, elsewhere := t.TempDir(), t.TempDir()
				envFile := filepath.Join(elsewhere, "app.env")
				path := filepath.Join(dir, ".mcp.json")
				text := fmt.Sprintf(`{"mcpServers": {"s": {"command": "x", "envFile": %q}}}`, envFile)
				writeFile(t, path, text)
				initialize(t, ctx, s, dir)
				u := uri.File(path)
				if open {
					if err := s.Open(ctx, u, text); err != nil {
						t.Fatal(err)
					}
				}
				hasCode := func(code string) func(*protocol.PublishDiagnosticsParams) bool {
					return func(p *protocol.PublishDiagnosticsParams) bool {
						if _, versioned := p.Version.Get(); versioned != open {
							return false
						}
						for _, d := range p.Diagnostics {
							if d.Code == protocol.String(code) {
								return true
							}
						}
						return code == "" && len(p.Diagnostics) == 0
					}
				}
				if _, err := s.AwaitDiagnostics(ctx, u, hasCode("envfile/not-found")); err != nil {
					t.Fatal(err)
				}
				writeFile(t, envFile, "A=1\n")
				if _, err := s.AwaitDiagnostics(ctx, u, hasCode("")); err != nil {
					t.Fatalf("after creating the envFile: %v", err)
				}
			})
		})
	}
}

// TestRequestsDoNotBlockNotifications: while a request is in flight, the
// read loop goes on applying notifications; cancelling the request ends it.
func TestRequestsDoNotBlockNotifications(t *testing.T) {
	forEachTransport(t, func(t *testing.T, ctx context.Context, s *session) {
		dir := t.TempDir()
		initialize(t, ctx, s, dir)
		callCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		blocked := make(chan error, 1)
		go func() { blocked <- s.CallCancellable(callCtx, lsp.TestMethodBlock, nil, nil) }()
		u := uri.File(filepath.Join(dir, "during.mcp.json"))
		if err := s.Open(ctx, u, `{`); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AwaitDiagnostics(ctx, u, hasVersion(1, some)); err != nil {
			t.Fatalf("while a request is in flight: %v", err)
		}
		select {
		case err := <-blocked:
			t.Fatalf("the blocking request returned early: %v", err)
		default:
		}
		cancel()
		if err := <-blocked; !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled request: err = %v, want context.Canceled", err)
		}
		var got *string // the server still answers
		if err := s.Call(ctx, lsp.TestMethodText, &protocol.TextDocumentIdentifier{URI: u}, &got); err != nil || got == nil || *got != "{" {
			t.Errorf("after the cancel: text %v, err %v", got, err)
		}
	})
}

// TestTestHooksOffByDefault: the fault-injection methods exist only when
// asked for.
func TestTestHooksOffByDefault(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	serverEnd, editorEnd := lsptest.Pipe()
	done := make(chan int, 1)
	go func() { done <- lsp.Serve(ctx, serverEnd, lsp.Options{Log: &testLog{t: t}}) }()
	ed := lsptest.Connect(ctx, editorEnd)
	defer func() { cancel(); ed.Disconnect(); serverEnd.Close(); <-done }()
	initialize(t, ctx, &session{Editor: ed}, t.TempDir())
	if err := ed.Call(ctx, lsp.TestMethodPanic, nil, nil); errorCode(err) != jsonrpc2.MethodNotFound {
		t.Errorf("%s without TestHooks: err = %v, want MethodNotFound", lsp.TestMethodPanic, err)
	}
}
