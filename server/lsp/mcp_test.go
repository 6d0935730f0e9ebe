package lsp_test

// Integration tests of the MCP features: a fake editor drives an
// in-process server connected to a real demo MCP server on 127.0.0.1:0.

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"mcpls/internal/demoserver"
	"mcpls/server/lsp"
	"mcpls/server/lsp/lsptest"
	"mcpls/server/lspext"
)

// demo is a demo MCP server running for one test.
type demo struct {
	*demoserver.Server
	url  string
	stop func() // stops it before the test ends
}

func startDemo(t *testing.T) *demo {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv := demoserver.New(demoserver.Options{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ctx, ln)
	}()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return &demo{Server: srv, url: demoserver.URL(ln.Addr()), stop: stop}
}

// mcpWorld is an editor, a server and a workspace holding .mcp.json.
type mcpWorld struct {
	*lsptest.Editor
	dir, path string
	uri       uri.URI
	outDir    string
}

// startMCP starts an in-process server with its own cache and output
// directories (cacheDir "" means a new one) and initializes it with caps
// under experimental.mcpls.
func startMCP(t *testing.T, ctx context.Context, cacheDir string, caps *lspext.Capabilities, edits ...func(*protocol.InitializeParams)) *mcpWorld {
	t.Helper()
	if cacheDir == "" {
		cacheDir = t.TempDir()
	}
	w := &mcpWorld{dir: t.TempDir(), outDir: t.TempDir()}
	w.path = filepath.Join(w.dir, ".mcp.json")
	w.uri = uri.File(w.path)
	sctx, cancel := context.WithCancel(context.Background())
	serverEnd, editorEnd := lsptest.Pipe()
	code := make(chan int, 1)
	logs := &testLog{t: t}
	go func() {
		code <- lsp.Serve(sctx, serverEnd, lsp.Options{Log: logs, CacheDir: cacheDir, OutputDir: w.outDir})
		serverEnd.Close()
	}()
	w.Editor = lsptest.Connect(sctx, editorEnd)
	t.Cleanup(func() {
		cancel()
		w.Disconnect()
		<-code
		logs.stop()
	})
	params := lsptest.InitializeParams(w.dir)
	yes := true
	params.Capabilities.Window = &protocol.WindowClientCapabilities{WorkDoneProgress: &yes,
		ShowDocument: &protocol.ShowDocumentClientCapabilities{Support: true}}
	if caps != nil {
		raw, _ := json.Marshal(map[string]any{lspext.CapabilityName: caps})
		params.Capabilities.Experimental = raw
	}
	for _, edit := range edits {
		edit(params)
	}
	w.Answer(protocol.MethodWindowWorkDoneProgressCreate, func(context.Context, json.RawMessage) (any, error) { return nil, nil })
	if _, err := w.InitializeWith(ctx, params); err != nil {
		t.Fatal(err)
	}
	return w
}

// configText is a config with the demo server and saved requests.
func configText(url string, requests ...string) string {
	return fmt.Sprintf(`{
  "mcpServers": {
    "demo": { "type": "http", "url": %q }
  },
  "requests": [
    %s
  ]
}
`, url, strings.Join(requests, ",\n    "))
}

func (w *mcpWorld) open(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	if err := os.WriteFile(w.path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := w.Open(ctx, w.uri, text); err != nil {
		t.Fatal(err)
	}
}

// shownDocuments answers window/showDocument with success and passes on
// the path of each document shown (up to n before the test reads them).
func (w *mcpWorld) shownDocuments(n int) <-chan string {
	shown := make(chan string, n)
	w.Answer(protocol.MethodWindowShowDocument, func(_ context.Context, raw json.RawMessage) (any, error) {
		var p protocol.ShowDocumentParams
		if err := protocol.Unmarshal(raw, &p); err != nil {
			return nil, err
		}
		shown <- p.URI.FsPath()
		return &protocol.ShowDocumentResult{Success: true}, nil
	})
	return shown
}

func (w *mcpWorld) command(ctx context.Context, name string, arg, result any) error {
	raw, err := json.Marshal(arg)
	if err != nil {
		return err
	}
	return w.Call(ctx, protocol.MethodWorkspaceExecuteCommand,
		&protocol.ExecuteCommandParams{Command: name, Arguments: []protocol.LSPAny{raw}}, result)
}

func (w *mcpWorld) connect(t *testing.T, ctx context.Context) lspext.ServerState {
	t.Helper()
	var st lspext.ServerState
	if err := w.command(ctx, lspext.CmdConnect, lspext.ServerArgs{URI: string(w.uri), Server: "demo"}, &st); err != nil {
		t.Fatalf("connect: %v", err)
	}
	return st
}

func (w *mcpWorld) lenses(t *testing.T, ctx context.Context) []protocol.CodeLens {
	t.Helper()
	var lenses []protocol.CodeLens
	err := w.Call(ctx, protocol.MethodTextDocumentCodeLens,
		&protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: w.uri}}, &lenses)
	if err != nil {
		t.Fatalf("codeLens: %v", err)
	}
	return lenses
}

func lensTitles(lenses []protocol.CodeLens) []string {
	var out []string
	for _, l := range lenses {
		out = append(out, l.Command.Title)
	}
	return out
}

func findLens(lenses []protocol.CodeLens, prefix string) (protocol.CodeLens, bool) {
	for _, l := range lenses {
		if strings.HasPrefix(l.Command.Title, prefix) {
			return l, true
		}
	}
	return protocol.CodeLens{}, false
}

func (w *mcpWorld) runLens(ctx context.Context, l protocol.CodeLens, result any) error {
	return w.Call(ctx, protocol.MethodWorkspaceExecuteCommand,
		&protocol.ExecuteCommandParams{Command: l.Command.Command, Arguments: l.Command.Arguments}, result)
}

// receive waits for a value on c, failing the test when ctx ends first.
func receive[T any](t *testing.T, ctx context.Context, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-ctx.Done():
		t.Fatalf("waiting for %s: %v", what, ctx.Err())
		panic("unreachable")
	}
}

func hasDiag(code string, pred func(protocol.Diagnostic) bool) func(*protocol.PublishDiagnosticsParams) bool {
	return func(p *protocol.PublishDiagnosticsParams) bool {
		for _, d := range p.Diagnostics {
			if fmt.Sprint(d.Code) == code && (pred == nil || pred(d)) {
				return true
			}
		}
		return false
	}
}

func TestConnectLens(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	d := startDemo(t)
	yes := true
	w := startMCP(t, ctx, "", &lspext.Capabilities{ServerState: true}, func(p *protocol.InitializeParams) {
		p.Capabilities.Workspace.CodeLens = &protocol.CodeLensWorkspaceClientCapabilities{RefreshSupport: &yes}
	})
	refreshed := make(chan struct{}, 100)
	w.Answer(protocol.MethodWorkspaceCodeLensRefresh, func(context.Context, json.RawMessage) (any, error) {
		refreshed <- struct{}{}
		return nil, nil
	})
	w.open(t, ctx, configText(d.url, `{ "name": "add", "server": "demo", "tool": "add", "arguments": { "a": 1, "b": 2 } }`))

	lenses := w.lenses(t, ctx)
	connect, ok := findLens(lenses, "Connect")
	if !ok {
		t.Fatalf("lenses before connecting = %q, want Connect", lensTitles(lenses))
	}
	if _, ok := findLens(lenses, "▶ Call tool"); !ok {
		t.Errorf("lenses = %q, want ▶ Call tool on the request", lensTitles(lenses))
	}
	var st lspext.ServerState
	if err := w.runLens(ctx, connect, &st); err != nil {
		t.Fatalf("running the Connect lens: %v", err)
	}
	if st.State != lspext.StateConnected || st.Counts.Tools == 0 {
		t.Fatalf("state after Connect = %+v, want connected with tools", st)
	}
	_, err := w.AwaitNotification(ctx, lspext.MethodServerState, func(raw json.RawMessage) bool {
		var got lspext.ServerState
		return json.Unmarshal(raw, &got) == nil && got.State == lspext.StateConnected && got.Name == "demo" && len(got.Catalog) > 0
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-refreshed:
	case <-ctx.Done():
		t.Fatal("no workspace/codeLens/refresh after connecting")
	}
	lenses = w.lenses(t, ctx)
	want := fmt.Sprintf("● %d tools · %d prompts · %d resources", st.Counts.Tools, st.Counts.Prompts, st.Counts.Resources)
	for _, title := range []string{want, "Resync", "Disconnect"} {
		if _, ok := findLens(lenses, title); !ok {
			t.Errorf("lenses when connected = %q, want %q", lensTitles(lenses), title)
		}
	}
	disconnect, _ := findLens(lenses, "Disconnect")
	if err := w.runLens(ctx, disconnect, &st); err != nil || st.State != lspext.StateDisconnected {
		t.Errorf("Disconnect: state %q, err %v", st.State, err)
	}
}

func TestCompletionAndDiagnosticsFromLiveSchema(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	d := startDemo(t)
	w := startMCP(t, ctx, "", nil)
	text := configText(d.url,
		`{ "server": "demo", "tool": "" }`,
		`{ "server": "demo", "tool": "add", "arguments": {  } }`,
		`{ "server": "demo", "tool": "add", "arguments": { "a": "one", "b": 2 } }`)
	w.open(t, ctx, text)
	w.connect(t, ctx)

	complete := func(offset int) map[string]bool {
		list := w.completeAt(t, ctx, text, offset)
		labels := map[string]bool{}
		for _, it := range list.Items {
			labels[strings.Trim(it.Label, `"`)] = true
		}
		return labels
	}
	tools := complete(strings.Index(text, `"tool": ""`) + len(`"tool": "`))
	for _, name := range []string{"add", "slow", "delete_item"} {
		if !tools[name] {
			t.Errorf("tool completion lacks %q: %v", name, tools)
		}
	}
	keys := complete(strings.Index(text, `"arguments": {  }`) + len(`"arguments": { `))
	for _, name := range []string{"a", "b"} {
		if !keys[name] {
			t.Errorf("argument completion lacks %q: %v", name, keys)
		}
	}
	var h protocol.Hover
	err := w.Call(ctx, protocol.MethodTextDocumentHover, &protocol.HoverParams{
		TextDocumentPositionParams: protocol.TextDocumentPositionParams{
			TextDocument: protocol.TextDocumentIdentifier{URI: w.uri},
			Position:     lsptest.Position(text, strings.Index(text, `"tool": "add"`)+len(`"tool": "a`))},
	}, &h)
	if mc, ok := h.Contents.(*protocol.MarkupContent); err != nil || !ok || !strings.Contains(mc.Value, "Adds two numbers") {
		t.Errorf("hover on the tool name = %#v, %v; want its description", h.Contents, err)
	}
	at := strings.Index(text, `"one"`)
	want := lsptest.Position(text, at)
	_, err = w.AwaitDiagnostics(ctx, w.uri, hasDiag("request/invalid-arguments", func(d protocol.Diagnostic) bool {
		return d.Range.Start == want
	}))
	if err != nil {
		t.Fatal(err)
	}
}

// runRequest runs saved request i and returns the result.
func (w *mcpWorld) runRequest(ctx context.Context, cmd string, i int) (*lspext.Result, error) {
	var res lspext.Result
	err := w.command(ctx, cmd, lspext.RunArgs{URI: string(w.uri), Request: &i}, &res)
	return &res, err
}

func TestRunRequestShowsResult(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	d := startDemo(t)
	w := startMCP(t, ctx, "", nil)
	shown := w.shownDocuments(4)
	w.open(t, ctx, configText(d.url,
		`{ "name": "add", "server": "demo", "tool": "add", "arguments": { "a": 40, "b": 2 } }`,
		`{ "server": "demo", "tool": "get_image" }`))

	res, err := w.runRequest(ctx, lspext.CmdCallTool, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK || !strings.HasSuffix(res.Summary, "· 42") {
		t.Errorf("result = %+v, want OK with summary ending in 42", res)
	}
	var path string
	select {
	case path = <-shown:
	case <-ctx.Done():
		t.Fatal("no window/showDocument")
	}
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), "42") || !strings.HasPrefix(path, w.outDir) {
		t.Errorf("rendered result %s (err %v):\n%s", path, err, data)
	}
	if _, err := w.AwaitNotification(ctx, protocol.MethodWindowShowMessage, func(raw json.RawMessage) bool {
		return strings.Contains(string(raw), "add (demo)")
	}); err != nil {
		t.Error(err)
	}
	lenses := w.lenses(t, ctx)
	if _, ok := findLens(lenses, "✓ "); !ok {
		t.Errorf("lenses after the run = %q, want the ✓ outcome", lensTitles(lenses))
	}
	var last lspext.Result
	if err := w.command(ctx, lspext.CmdShowResult, lspext.RequestArgs{URI: string(w.uri), Request: 0}, &last); err != nil || last.Summary != res.Summary {
		t.Errorf("showResult = %+v, %v; want %q", last, err, res.Summary)
	}

	// An image is saved beside the rendered file and linked from it.
	if _, err := w.runRequest(ctx, lspext.CmdCallTool, 1); err != nil {
		t.Fatal(err)
	}
	path = receive(t, ctx, shown, "window/showDocument of the image result")
	data, _ = os.ReadFile(path)
	images, _ := filepath.Glob(strings.TrimSuffix(path, ".md") + "-*.png")
	if len(images) == 0 || !strings.Contains(string(data), "![image/png]("+filepath.Base(images[0])+")") {
		t.Errorf("image result: files %v, rendered:\n%s", images, data)
	}
}

func TestRunRequestResultNotification(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	d := startDemo(t)
	w := startMCP(t, ctx, "", &lspext.Capabilities{Results: true})
	w.open(t, ctx, configText(d.url, `{ "server": "demo", "prompt": "greet", "arguments": { "name": "Ada" } }`))
	res, err := w.runRequest(ctx, lspext.CmdGetPrompt, 0)
	if err != nil || !res.OK {
		t.Fatalf("getPrompt: %+v, %v", res, err)
	}
	raw, err := w.AwaitNotification(ctx, lspext.MethodResult, func(json.RawMessage) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	var got lspext.Result
	if err := json.Unmarshal(raw, &got); err != nil || got.Kind != "prompt" || !strings.Contains(string(got.Response), "Ada") {
		t.Errorf("mcp/result = %s (%v)", raw, err)
	}

	// An ad-hoc call from the catalog (no saved request) runs too.
	var adhoc lspext.Result
	err = w.command(ctx, lspext.CmdCallTool, lspext.RunArgs{URI: string(w.uri), Server: "demo", Target: "echo",
		Arguments: json.RawMessage(`{"message": "hi there"}`)}, &adhoc)
	if err != nil || !adhoc.OK || adhoc.Request != -1 || !strings.Contains(string(adhoc.Response), "hi there") {
		t.Errorf("ad-hoc echo: %+v, %v", adhoc, err)
	}
}

func TestCancelStopsSlowTool(t *testing.T) {
	for _, how := range []string{"cancelRequest", "workDoneProgress"} {
		t.Run(how, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			d := startDemo(t)
			w := startMCP(t, ctx, "", nil)
			w.open(t, ctx, configText(d.url, `{ "server": "demo", "tool": "slow", "arguments": { "steps": 100, "intervalMs": 100 } }`))
			w.connect(t, ctx)
			runCtx, stopRun := context.WithCancel(ctx)
			defer stopRun()
			done := make(chan error, 1)
			go func() {
				i := 0
				raw, _ := json.Marshal(lspext.RunArgs{URI: string(w.uri), Request: &i})
				done <- w.CallCancellable(runCtx, protocol.MethodWorkspaceExecuteCommand,
					&protocol.ExecuteCommandParams{Command: lspext.CmdCallTool, Arguments: []protocol.LSPAny{raw}}, nil)
			}()
			// Wait for the MCP progress to reach the editor: the tool is running.
			report, err := w.AwaitNotification(ctx, protocol.MethodProgress, func(raw json.RawMessage) bool {
				return strings.Contains(string(raw), `"report"`) && strings.Contains(string(raw), "step 1 of 100")
			})
			if err != nil {
				t.Fatal(err)
			}
			if how == "cancelRequest" {
				stopRun()
			} else {
				var p struct {
					Token string `json:"token"`
				}
				json.Unmarshal(report, &p)
				w.Notify(ctx, protocol.MethodWindowWorkDoneProgressCancel, map[string]string{"token": p.Token})
			}
			if _, err := d.WaitStats(ctx, func(s demoserver.Stats) bool { return s.SlowCancelled == 1 }); err != nil {
				t.Fatalf("the server did not see the cancellation: %v", err)
			}
			if err := <-done; how == "workDoneProgress" && err != nil {
				t.Errorf("run cancelled by progress: %v", err)
			}
			// The user asked for it: an information, not an error.
			msg, err := w.AwaitNotification(ctx, protocol.MethodWindowShowMessage, func(raw json.RawMessage) bool {
				return strings.Contains(string(raw), "slow")
			})
			if err != nil {
				t.Fatal(err)
			}
			var shown protocol.ShowMessageParams
			if json.Unmarshal(msg, &shown); shown.Type != protocol.MessageTypeInfo || !strings.HasPrefix(shown.Message, "⊘ tool slow (demo): cancelled after") {
				t.Errorf("shown after the cancel: %+v", shown)
			}
		})
	}
}

func TestDestructiveToolAsksFirst(t *testing.T) {
	for _, answer := range []string{"Cancel", "Run"} {
		t.Run(answer, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			d := startDemo(t)
			w := startMCP(t, ctx, "", nil)
			asked := make(chan string, 1)
			w.Answer(protocol.MethodWindowShowMessageRequest, func(_ context.Context, raw json.RawMessage) (any, error) {
				asked <- string(raw)
				return &protocol.MessageActionItem{Title: answer}, nil
			})
			w.open(t, ctx, configText(d.url, `{ "server": "demo", "tool": "delete_item", "arguments": { "id": 1, "confirm": true } }`))
			res, err := w.runRequest(ctx, lspext.CmdCallTool, 0)
			select {
			case q := <-asked:
				if !strings.Contains(q, "delete_item") {
					t.Errorf("question = %s", q)
				}
			default:
				t.Fatal("the destructive tool ran without asking")
			}
			calls := d.Stats().Calls["delete_item"]
			switch answer {
			case "Cancel":
				if err == nil || !strings.Contains(err.Error(), "not confirmed") || calls != 0 {
					t.Errorf("after Cancel: err %v, %d calls", err, calls)
				}
			case "Run":
				if err != nil || !res.OK || calls != 1 {
					t.Errorf("after Run: %+v, err %v, %d calls", res, err, calls)
				}
			}
		})
	}
}

func TestOfflineUsesCachedCatalog(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	d := startDemo(t)
	cacheDir := t.TempDir()
	text := configText(d.url, `{ "server": "demo", "tool": "add", "arguments": { "a": 1, "b": 2 } }`)
	first := startMCP(t, ctx, cacheDir, nil)
	first.open(t, ctx, text)
	if st := first.connect(t, ctx); st.State != lspext.StateConnected {
		t.Fatalf("first connect: %+v", st)
	}
	d.stop()

	w := startMCP(t, ctx, cacheDir, nil)
	w.open(t, ctx, text)
	// The cached catalog is used before any connection.
	if _, err := w.AwaitDiagnostics(ctx, w.uri, hasDiag("request/catalog-cached", func(d protocol.Diagnostic) bool {
		return d.Severity == protocol.DiagnosticSeverityInformation
	})); err != nil {
		t.Fatal(err)
	}
	st := w.connect(t, ctx)
	if st.State != lspext.StateOffline || st.CachedAt == "" || st.Counts.Tools == 0 || st.Error == "" {
		t.Errorf("state with the server down = %+v, want offline with the cached catalog", st)
	}
	lenses := w.lenses(t, ctx)
	for _, title := range []string{"Offline: cached just now", "Retry"} {
		if _, ok := findLens(lenses, title); !ok {
			t.Errorf("lenses = %q, want %q", lensTitles(lenses), title)
		}
	}
}

func TestAddRequestAndCodeActions(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	d := startDemo(t)
	w := startMCP(t, ctx, "", nil)
	edits := make(chan protocol.ApplyWorkspaceEditParams, 1)
	w.Answer(protocol.MethodWorkspaceApplyEdit, func(_ context.Context, raw json.RawMessage) (any, error) {
		var p protocol.ApplyWorkspaceEditParams
		if err := protocol.Unmarshal(raw, &p); err != nil {
			return nil, err
		}
		edits <- p
		return &protocol.ApplyWorkspaceEditResult{Applied: true}, nil
	})
	text := strings.Replace(configText(d.url, `{ "server": "demo", "tool": "ad" }`), `"type"`, `"tpye"`, 1)
	w.open(t, ctx, text)
	w.connect(t, ctx)
	err := w.command(ctx, lspext.CmdAddRequest, lspext.AddRequestArgs{URI: string(w.uri), Server: "demo", Kind: "tool", Target: "add"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := receive(t, ctx, edits, "workspace/applyEdit")
	te := e.Edit.Changes[w.uri]
	if len(te) != 1 || !strings.Contains(te[0].NewText, `"tool": "add"`) || !strings.Contains(te[0].NewText, `"a"`) {
		t.Errorf("addRequest edit = %+v", e)
	}
	at := strings.Index(text, `"ad"`)
	var actions []protocol.CodeAction
	err = w.Call(ctx, protocol.MethodTextDocumentCodeAction, &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: w.uri},
		Range:        protocol.Range{Start: lsptest.Position(text, at), End: lsptest.Position(text, at+4)},
	}, &actions)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, a := range actions {
		titles = append(titles, a.Title)
	}
	if !strings.Contains(strings.Join(titles, "|"), `Change to "add"`) {
		t.Errorf("code actions = %q, want Change to \"add\"", titles)
	}
	// The "did you mean" of a config diagnostic is a fix too.
	at = strings.Index(text, `"tpye"`)
	err = w.Call(ctx, protocol.MethodTextDocumentCodeAction, &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: w.uri},
		Range:        protocol.Range{Start: lsptest.Position(text, at), End: lsptest.Position(text, at+1)},
	}, &actions)
	if err != nil {
		t.Fatal(err)
	}
	if len(actions) != 1 || actions[0].Edit == nil || actions[0].Edit.Changes[w.uri][0].NewText != `"type"` {
		t.Errorf("code actions on the misspelt key = %+v, want the change to \"type\"", actions)
	}
}

// initOptions sets initializationOptions.
func initOptions(raw string) func(*protocol.InitializeParams) {
	return func(p *protocol.InitializeParams) { p.InitializationOptions = protocol.LSPAny(raw) }
}

func isState(state string) func(json.RawMessage) bool {
	return func(raw json.RawMessage) bool {
		var got lspext.ServerState
		return json.Unmarshal(raw, &got) == nil && got.State == state
	}
}

func TestAutoConnect(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	d := startDemo(t)
	w := startMCP(t, ctx, "", &lspext.Capabilities{ServerState: true}, initOptions(`{"autoConnect": "http"}`))
	w.open(t, ctx, configText(d.url))
	if _, err := w.AwaitNotification(ctx, lspext.MethodServerState, isState(lspext.StateConnected)); err != nil {
		t.Fatal(err)
	}
}

// stdioConfig is a config whose server runs the demo server over stdio.
func stdioConfig() string {
	return fmt.Sprintf(`{ "mcpServers": { "local": { "command": %q, "args": ["demo-server", "--stdio"] } } }`, binary)
}

func TestStdioServerAndTrust(t *testing.T) {
	for _, tc := range []struct {
		name    string
		options string
		want    string
	}{
		{"trusted by default", `{}`, lspext.StateConnected},
		{"untrusted workspace", `{"trusted": false}`, lspext.StateError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			w := startMCP(t, ctx, "", nil, initOptions(tc.options))
			w.open(t, ctx, stdioConfig())
			var st lspext.ServerState
			if err := w.command(ctx, lspext.CmdConnect, lspext.ServerArgs{URI: string(w.uri), Server: "local"}, &st); err != nil {
				t.Fatal(err)
			}
			if st.State != tc.want || st.Transport != "stdio" {
				t.Errorf("state = %+v, want %s", st, tc.want)
			}
			if tc.want == lspext.StateError && !strings.Contains(st.Error, "not trusted") {
				t.Errorf("error = %q, want it to say the workspace is not trusted", st.Error)
			}
		})
	}
}

func TestConsoleReachesTheEditor(t *testing.T) {
	for _, tc := range []struct {
		name   string
		caps   *lspext.Capabilities
		method string
		want   string
	}{
		{"plain LSP", nil, protocol.MethodWindowLogMessage, "[demo]"},
		{"mcp/console", &lspext.Capabilities{Console: true}, lspext.MethodConsole, `"server":"demo"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			d := startDemo(t)
			w := startMCP(t, ctx, "", tc.caps)
			w.open(t, ctx, configText(d.url))
			w.connect(t, ctx)
			if _, err := w.AwaitNotification(ctx, tc.method, func(raw json.RawMessage) bool {
				return strings.Contains(string(raw), tc.want)
			}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestElicitation(t *testing.T) {
	for _, tc := range []struct {
		name string
		caps *lspext.Capabilities
		want string // in the tool's result
	}{
		{"declined without mcp/elicit", nil, "decline"},
		{"answered by mcp/elicit", &lspext.Capabilities{Elicit: true}, "Ada"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			d := startDemo(t)
			w := startMCP(t, ctx, "", tc.caps)
			asked := make(chan lspext.ElicitParams, 1)
			w.Answer(lspext.MethodElicit, func(_ context.Context, raw json.RawMessage) (any, error) {
				var p lspext.ElicitParams
				if err := json.Unmarshal(raw, &p); err != nil {
					return nil, err
				}
				asked <- p
				return lspext.ElicitResult{Action: "accept", Content: json.RawMessage(`{"name": "Ada"}`)}, nil
			})
			w.Answer(protocol.MethodWindowShowDocument, func(context.Context, json.RawMessage) (any, error) {
				return &protocol.ShowDocumentResult{Success: true}, nil
			})
			w.open(t, ctx, configText(d.url, `{ "server": "demo", "tool": "ask_user" }`))
			res, err := w.runRequest(ctx, lspext.CmdCallTool, 0)
			if err != nil || !strings.Contains(string(res.Response), tc.want) {
				t.Fatalf("ask_user: %+v, %v; want %q in the response", res, err, tc.want)
			}
			if tc.caps == nil {
				if _, err := w.AwaitNotification(ctx, protocol.MethodWindowLogMessage, func(raw json.RawMessage) bool {
					return strings.Contains(string(raw), "declined an elicitation")
				}); err != nil {
					t.Error(err)
				}
				return
			}
			// The form's fields come in the order the demo server sent them.
			p := receive(t, ctx, asked, "mcp/elicit")
			if want := []string{"name", "age", "color", "subscribe"}; !slices.Equal(p.PropertyOrder, want) {
				t.Errorf("mcp/elicit propertyOrder = %q, want %q", p.PropertyOrder, want)
			}
		})
	}
}

func TestShowConsoleWritesAFile(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	d := startDemo(t)
	w := startMCP(t, ctx, "", nil)
	shown := w.shownDocuments(1)
	w.open(t, ctx, configText(d.url))
	w.connect(t, ctx)
	if err := w.command(ctx, lspext.CmdShowConsole, lspext.ServerArgs{URI: string(w.uri), Server: "demo"}, nil); err != nil {
		t.Fatal(err)
	}
	path := receive(t, ctx, shown, "window/showDocument of the console")
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), "initialize") {
		t.Errorf("console file %s (%v):\n%s", path, err, data)
	}
}

func TestEditedServerReconnects(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	d1, d2 := startDemo(t), startDemo(t)
	w := startMCP(t, ctx, "", nil)
	text := configText(d1.url, `{ "server": "demo", "tool": "add", "arguments": { "a": 1, "b": 2 } }`)
	w.open(t, ctx, text)
	w.connect(t, ctx)
	at := strings.Index(text, d1.url)
	if _, err := w.Edit(ctx, w.uri, at, at+len(d1.url), d2.url); err != nil {
		t.Fatal(err)
	}
	res, err := w.runRequest(ctx, lspext.CmdCallTool, 0)
	if err != nil || !res.OK {
		t.Fatalf("run after the edit: %+v, %v", res, err)
	}
	if n1, n2 := d1.Stats().Calls["add"], d2.Stats().Calls["add"]; n1 != 0 || n2 != 1 {
		t.Errorf("calls of add: first server %d, second %d; want 0 and 1", n1, n2)
	}
}

func TestInputsAskedWithPrompt(t *testing.T) {
	for _, tc := range []struct {
		name string
		caps *lspext.Capabilities
		want string
	}{
		{"mcp/prompt", &lspext.Capabilities{Prompt: true}, lspext.StateConnected},
		{"plain LSP", nil, lspext.StateError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			d := startDemo(t)
			w := startMCP(t, ctx, "", tc.caps)
			var asked []lspext.PromptParams
			var mu sync.Mutex
			w.Answer(lspext.MethodPrompt, func(_ context.Context, raw json.RawMessage) (any, error) {
				var p lspext.PromptParams
				if err := json.Unmarshal(raw, &p); err != nil {
					return nil, err
				}
				mu.Lock()
				asked = append(asked, p)
				mu.Unlock()
				return lspext.PromptResult{Value: &d.url}, nil
			})
			w.open(t, ctx, `{
  "servers": { "demo": { "type": "http", "url": "${input:demo-url}" } },
  "inputs": [ { "id": "demo-url", "type": "promptString", "description": "Where the demo runs" } ]
}`)
			st := w.connect(t, ctx)
			if st.State != tc.want {
				t.Fatalf("state = %+v, want %s", st, tc.want)
			}
			mu.Lock()
			defer mu.Unlock()
			switch tc.caps {
			case nil:
				if len(asked) != 0 || !strings.Contains(st.Error, "MCPLS_INPUT_DEMO_URL") {
					t.Errorf("plain LSP: asked %v, error %q; want the environment variable named", asked, st.Error)
				}
			default:
				if len(asked) != 1 || asked[0].Prompt != "Where the demo runs" {
					t.Errorf("asked %+v, want one prompt with the input's description", asked)
				}
			}
		})
	}
}

func TestUnpreparedRequestShowsOnItsLens(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	d := startDemo(t)
	w := startMCP(t, ctx, "", nil)
	w.open(t, ctx, configText(d.url, `{ "server": "demo", "tool": "echo", "arguments": { "message": "${input:nope}" } }`))
	res, err := w.runRequest(ctx, lspext.CmdCallTool, 0)
	if err != nil || res.OK || !strings.Contains(res.Error, "nope") {
		t.Fatalf("run = %+v, %v; want a failed result naming the input", res, err)
	}
	if _, ok := findLens(w.lenses(t, ctx), "✖ "); !ok {
		t.Errorf("lenses = %q, want the ✖ outcome", lensTitles(w.lenses(t, ctx)))
	}
	if err := w.command(ctx, lspext.CmdCallTool, lspext.RunArgs{URI: string(w.uri), Request: new(int(7))}, nil); err == nil {
		t.Error("running request 7 of 1: no error")
	}
}

func TestSecretsStayOutOfTheEditor(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	d := startDemo(t)
	const secret = "s3cr3t-t0ken-value"
	w := startMCP(t, ctx, "", &lspext.Capabilities{ServerState: true, Console: true})
	w.open(t, ctx, fmt.Sprintf(`{ "mcpServers": { "demo": { "type": "http", "url": "%s?api_key=%s",
  "headers": { "Authorization": "Bearer %s" } } },
  "requests": [ { "server": "demo", "tool": "echo", "arguments": { "message": "hi" } } ] }`, d.url, secret, secret))
	st := w.connect(t, ctx)
	if st.State != lspext.StateConnected {
		t.Fatalf("state = %+v", st)
	}
	if _, err := w.runRequest(ctx, lspext.CmdCallTool, 0); err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{lspext.MethodServerState, lspext.MethodConsole, protocol.MethodWindowLogMessage, lspext.MethodResult} {
		for _, raw := range w.Notes(method) {
			if strings.Contains(string(raw), secret) {
				t.Errorf("%s carries the secret: %s", method, raw)
			}
		}
	}
	if len(w.Notes(lspext.MethodConsole)) == 0 {
		t.Error("no console events to check")
	}
}
