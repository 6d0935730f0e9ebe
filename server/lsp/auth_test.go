package lsp

// Tests of the editor side of the auth flow: an in-process server and the
// fake editor (lsptest) against the demo MCP server behind its own
// authorization server on 127.0.0.1:0. The test plays the browser.

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"mcpls/internal/config"
	"mcpls/internal/demoserver"
	"mcpls/internal/mcp"
	"mcpls/internal/oauth"
	"mcpls/internal/oauthtest"
	"mcpls/server/lsp/lsptest"
	"mcpls/server/lspext"
)

const authWait = 20 * time.Second

// authWorld is a demo server with auth, an in-process language server, a
// fake editor, and the serverAuth under test.
type authWorld struct {
	t      *testing.T
	auth   *demoserver.Auth
	url    string // the MCP endpoint
	base   string // the demo server's origin (its own issuer)
	s      *Server
	ed     *lsptest.Editor
	sa     *serverAuth
	k      serverKey
	file   *config.File
	srv    *config.Server
	folder string
	target mcp.Target

	asked     chan protocol.ShowMessageRequestParams
	docs      chan showDocument
	connected chan int // the tools listed after a reconnect
	prompts   chan lspext.PromptParams

	mu      sync.Mutex
	secrets map[string]string // the editor's secret store
	pick    string            // the action the user picks
	typed   *string           // what the user types into mcp/prompt
}

// authSetup says how a world starts.
type authSetup struct {
	caps    lspext.Capabilities
	pick    string
	headers string // the "headers" object of the server, "" for none
	// noShowDocument: the editor lacks window/showDocument.
	noShowDocument bool
}

func startAuthWorld(t *testing.T, ctx context.Context, setup authSetup) *authWorld {
	t.Helper()
	w := &authWorld{t: t, auth: demoserver.NewAuth(demoserver.AuthOptions{}), pick: setup.pick,
		asked: make(chan protocol.ShowMessageRequestParams, 4), docs: make(chan showDocument, 4),
		connected: make(chan int, 4), prompts: make(chan lspext.PromptParams, 4), secrets: map[string]string{}}
	demo := demoserver.New(demoserver.Options{WrapHandler: w.auth.Wrap})
	ts := httptest.NewServer(demo.Handler())
	t.Cleanup(demo.Close)
	t.Cleanup(ts.Close)
	w.base, w.url = ts.URL, ts.URL+demoserver.PathStreamable

	dir := t.TempDir()
	path := filepath.Join(dir, ".mcp.json")
	server := `"demo": { "type": "http", "url": "` + w.url + `"`
	if setup.headers != "" {
		server += `, "headers": ` + setup.headers
	}
	if err := os.WriteFile(path, []byte(`{ "mcpServers": { `+server+` } } }`), 0o600); err != nil {
		t.Fatal(err)
	}
	w.startServer(ctx, dir, setup)
	w.prepare(uri.File(path))
	return w
}

func (w *authWorld) startServer(ctx context.Context, dir string, setup authSetup) {
	t := w.t
	sctx, cancel := context.WithCancel(context.Background())
	serverEnd, editorEnd := lsptest.Pipe()
	logs := &authTestLog{t: t}
	w.s = newServer(sctx, serverEnd, Options{Log: logs, CacheDir: t.TempDir(), OutputDir: t.TempDir()})
	w.ed = lsptest.Connect(sctx, editorEnd)
	t.Cleanup(func() {
		cancel()
		w.ed.Disconnect()
		w.s.close()
		logs.stop()
	})
	w.answer()
	params := lsptest.InitializeParams(dir)
	yes := true
	params.Capabilities.Window = &protocol.WindowClientCapabilities{WorkDoneProgress: &yes,
		ShowDocument: &protocol.ShowDocumentClientCapabilities{Support: true},
		ShowMessage:  &protocol.ShowMessageRequestClientCapabilities{}}
	if setup.noShowDocument {
		params.Capabilities.Window.ShowDocument = nil
	}
	raw, _ := json.Marshal(map[string]any{lspext.CapabilityName: setup.caps})
	params.Capabilities.Experimental = raw
	if _, err := w.ed.InitializeWith(ctx, params); err != nil {
		t.Fatal(err)
	}
}

// answer plays the editor's side of every request the flow sends.
func (w *authWorld) answer() {
	ed := w.ed
	ed.Answer(protocol.MethodWindowWorkDoneProgressCreate, func(context.Context, json.RawMessage) (any, error) { return nil, nil })
	ed.Answer(protocol.MethodWindowShowMessageRequest, func(_ context.Context, raw json.RawMessage) (any, error) {
		var p protocol.ShowMessageRequestParams
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, err
		}
		w.asked <- p
		return &protocol.MessageActionItem{Title: w.pick}, nil
	})
	ed.Answer(protocol.MethodWindowShowDocument, func(_ context.Context, raw json.RawMessage) (any, error) {
		// Raw: protocol's decoder would canonicalise the URL's query.
		var p showDocument
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, err
		}
		w.docs <- p
		return &protocol.ShowDocumentResult{Success: true}, nil
	})
	ed.Answer(lspext.MethodPrompt, func(_ context.Context, raw json.RawMessage) (any, error) {
		var p lspext.PromptParams
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, err
		}
		w.prompts <- p
		w.mu.Lock()
		defer w.mu.Unlock()
		return lspext.PromptResult{Value: w.typed}, nil
	})
	ed.Answer(lspext.MethodSecretGet, func(_ context.Context, raw json.RawMessage) (any, error) {
		var k lspext.SecretKey
		if err := json.Unmarshal(raw, &k); err != nil {
			return nil, err
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		v, ok := w.secrets[k.Key]
		if !ok {
			return lspext.SecretValue{Key: k.Key}, nil
		}
		return lspext.SecretValue{Key: k.Key, Value: &v}, nil
	})
	ed.Answer(lspext.MethodSecretStore, func(_ context.Context, raw json.RawMessage) (any, error) {
		var v lspext.SecretValue
		if err := json.Unmarshal(raw, &v); err != nil || v.Value == nil {
			return nil, errors.New("bad secret")
		}
		w.mu.Lock()
		w.secrets[v.Key] = *v.Value
		w.mu.Unlock()
		return nil, nil
	})
	ed.Answer(lspext.MethodSecretDelete, func(_ context.Context, raw json.RawMessage) (any, error) {
		var k lspext.SecretKey
		if err := json.Unmarshal(raw, &k); err != nil {
			return nil, err
		}
		w.mu.Lock()
		delete(w.secrets, k.Key)
		w.mu.Unlock()
		return nil, nil
	})
}

// prepare builds the serverAuth under test for the file's demo server. Its
// reconnect connects through the auth client and lists the tools.
func (w *authWorld) prepare(u uri.URI) {
	t := w.t
	var err error
	var du uri.URI
	w.file, du, w.folder, err = w.s.configOf(w.s.state.snapshot(), string(u))
	if err != nil {
		t.Fatal(err)
	}
	w.srv = w.file.Server("demo")
	w.k = serverKey{du, "demo"}
	w.target, err = w.s.mcp.prime(w.k, w.file, w.srv, w.folder)
	if err != nil {
		t.Fatal(err)
	}
	w.sa = newServerAuth(w.s)
	w.sa.fileDir = filepath.Join(t.TempDir(), "tokens")
	w.sa.reconnect = func(ctx context.Context, e *authServer) error {
		sess, err := w.connect(ctx)
		if err != nil {
			return err
		}
		defer sess.Close()
		w.connected <- len(sess.Catalog().Tools)
		return nil
	}
	if w.sa.prepare(w.k, w.file, w.srv, w.folder, w.target) == nil {
		t.Fatal("no auth for an http server")
	}
}

// connect opens a session the way the server's connect does once wired.
func (w *authWorld) connect(ctx context.Context) (*mcp.Session, error) {
	return mcp.Connect(ctx, w.target, &mcp.Options{HTTPClient: w.sa.httpClient(w.k), Console: w.sa.sink()})
}

// playBrowser follows the next authorization URL the editor is asked to
// open, as the user's browser would.
func (w *authWorld) playBrowser(ctx context.Context) <-chan showDocument {
	opened := make(chan showDocument, 1)
	go func() {
		select {
		case p := <-w.docs:
			if err := oauthtest.Follow(ctx, p.URI, nil); err != nil {
				w.t.Errorf("playing the browser: %v", err)
			}
			opened <- p
		case <-ctx.Done():
		}
	}()
	return opened
}

// showDocument is window/showDocument's params as sent.
type showDocument struct {
	URI      string `json:"uri"`
	External *bool  `json:"external"`
}

func await[T any](t *testing.T, ctx context.Context, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		t.Fatalf("waiting for %s: %v", what, ctx.Err())
	}
	var zero T
	return zero
}

// storedToken returns the access token of the one resource record stored.
func (w *authWorld) storedToken(ctx context.Context) string {
	w.t.Helper()
	st := w.sa.entry(w.k)
	w.sa.mu.Lock()
	store := w.sa.store
	w.sa.mu.Unlock()
	keys, err := store.List(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, k := range keys {
		if k.Resource == "" {
			continue
		}
		rec, err := store.Get(ctx, k)
		if err != nil {
			w.t.Fatal(err)
		}
		return rec.AccessToken
	}
	w.t.Fatalf("no token stored for %s", st.k.name)
	return ""
}

func TestSignInFromTheNotification(t *testing.T) {
	for _, tc := range []struct {
		name string
		caps lspext.Capabilities
	}{
		{"editor secrets", lspext.Capabilities{Secrets: true, Console: true}},
		{"token files", lspext.Capabilities{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), authWait)
			defer cancel()
			w := startAuthWorld(t, ctx, authSetup{caps: tc.caps, pick: actionSignIn})
			opened := w.playBrowser(ctx)
			if _, err := w.connect(ctx); err == nil {
				t.Fatal("connected before signing in")
			}
			asked := await(t, ctx, w.asked, "the sign-in notification")
			if want := "demo needs sign-in at " + strings.TrimPrefix(w.base, "http://") + "."; asked.Message != want {
				t.Errorf("notification %q, want %q", asked.Message, want)
			}
			if got := titles(asked.Actions); got != "Sign in|Use a token|Cancel" {
				t.Errorf("actions %s", got)
			}
			doc := await(t, ctx, opened, "window/showDocument")
			if !strings.HasPrefix(doc.URI, w.base+demoserver.PathAuthorize+"?") || doc.External == nil || !*doc.External {
				t.Errorf("showDocument %s external=%v, want the authorize URL, external", doc.URI, doc.External)
			}
			if n := await(t, ctx, w.connected, "the connection after sign-in"); n == 0 {
				t.Error("connected, but no tools listed")
			}
			w.checkProgress(ctx)
			w.checkStore(ctx, tc.caps.Secrets)
			w.checkConsole(ctx, tc.caps.Console)

			tok := w.storedToken(ctx)
			st, err := w.sa.signOutCommand(ctx, w.s.state.snapshot(), w.args())
			if err != nil || st.State != lspext.StateDisconnected {
				t.Fatalf("sign out: %s %v", st.State, err)
			}
			if !w.auth.Revoked(tok) {
				t.Error("the token was not revoked at sign-out")
			}
			if st := w.sa.authState(w.k); st == nil || st.SignedIn {
				t.Errorf("auth state after sign-out %+v, want signed out", st)
			}
		})
	}
}

func titles(items []protocol.MessageActionItem) string {
	var out []string
	for _, it := range items {
		out = append(out, it.Title)
	}
	return strings.Join(out, "|")
}

// checkProgress: the wait for the browser was shown as work-done progress,
// and it ended.
func (w *authWorld) checkProgress(ctx context.Context) {
	w.t.Helper()
	_, err := w.ed.AwaitNotification(ctx, protocol.MethodProgress, func(raw json.RawMessage) bool {
		return strings.Contains(string(raw), `"end"`)
	})
	if err != nil {
		w.t.Fatal(err)
	}
	var begin, waiting bool
	for _, raw := range w.ed.Notes(protocol.MethodProgress) {
		begin = begin || strings.Contains(string(raw), "Signing in to demo")
		waiting = waiting || strings.Contains(string(raw), waitingMessage)
	}
	if !begin || !waiting {
		w.t.Errorf("progress: begin %v, waiting message %v", begin, waiting)
	}
}

// checkStore: tokens went to the editor's store when it has one, else to
// 0600 files; never both.
func (w *authWorld) checkStore(ctx context.Context, secrets bool) {
	w.t.Helper()
	files, _ := filepath.Glob(filepath.Join(w.sa.fileDir, "*.json"))
	w.mu.Lock()
	n := len(w.secrets)
	_, indexed := w.secrets[secretIndex]
	w.mu.Unlock()
	if secrets {
		if n < 2 || !indexed || len(files) != 0 {
			w.t.Errorf("editor secrets %d (index %v), files %d: want secrets only", n, indexed, len(files))
		}
		return
	}
	if n != 0 || len(files) == 0 {
		w.t.Errorf("editor secrets %d, files %d: want files only", n, len(files))
	}
	for _, f := range files {
		if fi, err := os.Stat(f); err != nil || fi.Mode().Perm() != 0o600 {
			w.t.Errorf("token file %s: %v %v, want mode 0600", f, fi.Mode(), err)
		}
	}
}

// checkConsole: the auth steps reached the editor (mcp/console, else
// window/logMessage), and no token did.
func (w *authWorld) checkConsole(ctx context.Context, console bool) {
	w.t.Helper()
	method := protocol.MethodWindowLogMessage
	if console {
		method = lspext.MethodConsole
	}
	if _, err := w.ed.AwaitNotification(ctx, method, func(raw json.RawMessage) bool {
		return strings.Contains(string(raw), "authorized for")
	}); err != nil {
		w.t.Error(err)
	}
	tok := w.storedToken(ctx)
	for _, m := range []string{method, protocol.MethodWindowShowMessage, protocol.MethodProgress} {
		for _, raw := range w.ed.Notes(m) {
			if strings.Contains(string(raw), tok) {
				w.t.Errorf("%s carried the access token", m)
			}
		}
	}
}

// TestSwitchFromAConfiguredHeader: a server whose configured Authorization
// header is refused, and which speaks OAuth, offers to switch; once the
// user signs in, the header is no longer sent and the token is.
func TestSwitchFromAConfiguredHeader(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), authWait)
	defer cancel()
	w := startAuthWorld(t, ctx, authSetup{caps: lspext.Capabilities{Secrets: true}, pick: actionSignIn,
		headers: `{"Authorization": "Bearer stale-token-123"}`})
	opened := w.playBrowser(ctx)
	if _, err := w.connect(ctx); err == nil {
		t.Fatal("connected with a refused header")
	}
	asked := await(t, ctx, w.asked, "the switch notification")
	if !strings.Contains(asked.Message, "refused the Authorization header") || !strings.Contains(asked.Message, "Switch to sign-in?") {
		t.Errorf("notification %q, want an offer to switch from the header", asked.Message)
	}
	await(t, ctx, opened, "window/showDocument")
	if n := await(t, ctx, w.connected, "the connection after sign-in"); n == 0 {
		t.Error("connected, but no tools listed")
	}
	if st := w.sa.authState(w.k); st == nil || st.Kind != "oauth" || !st.SignedIn {
		t.Errorf("auth state %+v, want signed in with oauth", st)
	}
}

// TestUseAToken: "Use a token" asks through mcp/prompt (masked) where the
// editor has it, and stores the token like any other; else a message says
// what to put in the config.
func TestUseAToken(t *testing.T) {
	t.Run("prompt", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), authWait)
		defer cancel()
		w := startAuthWorld(t, ctx, authSetup{caps: lspext.Capabilities{Prompt: true, Secrets: true}, pick: actionUseToken})
		tok := w.validToken(ctx)
		w.mu.Lock()
		w.typed = &tok
		w.mu.Unlock()
		if _, err := w.connect(ctx); err == nil {
			t.Fatal("connected before the token was given")
		}
		await(t, ctx, w.asked, "the sign-in notification")
		if p := await(t, ctx, w.prompts, "mcp/prompt"); !p.Password {
			t.Errorf("prompt %+v, want a masked input", p)
		}
		if n := await(t, ctx, w.connected, "the connection with the token"); n == 0 {
			t.Error("connected, but no tools listed")
		}
		if got := w.storedToken(ctx); got != tok {
			t.Error("the typed token was not stored")
		}
	})
	t.Run("no prompt", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), authWait)
		defer cancel()
		w := startAuthWorld(t, ctx, authSetup{pick: actionUseToken})
		if _, err := w.connect(ctx); err == nil {
			t.Fatal("connected without a token")
		}
		await(t, ctx, w.asked, "the sign-in notification")
		want := `"headers": {"Authorization": "Bearer ${env:DEMO_TOKEN}"}`
		if _, err := w.ed.AwaitNotification(ctx, protocol.MethodWindowShowMessage, func(raw json.RawMessage) bool {
			var p protocol.ShowMessageParams
			return json.Unmarshal(raw, &p) == nil && strings.Contains(p.Message, want)
		}); err != nil {
			t.Errorf("no message saying to add %s: %v", want, err)
		}
	})
}

// validToken signs in to the demo server on the side, as a user who got a
// token elsewhere.
func (w *authWorld) validToken(ctx context.Context) string {
	w.t.Helper()
	store := &oauth.MemoryStore{}
	a := oauth.New(w.url, oauth.Config{}, oauth.Options{UI: &oauthtest.Browser{}, Store: store})
	if err := a.SignIn(ctx); err != nil {
		w.t.Fatal(err)
	}
	keys, _ := store.List(ctx)
	for _, k := range keys {
		if k.Resource != "" {
			rec, _ := store.Get(ctx, k)
			return rec.AccessToken
		}
	}
	w.t.Fatal("no token from the side sign-in")
	return ""
}

// authTestLog sends the server's log to the test's log until it ends.
type authTestLog struct {
	mu      sync.Mutex
	t       *testing.T
	stopped bool
}

func (l *authTestLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.t.Log("server: " + strings.TrimSpace(string(p)))
	}
	return len(p), nil
}

func (l *authTestLog) stop() {
	l.mu.Lock()
	l.stopped = true
	l.mu.Unlock()
}

// TestSignInWithoutShowDocument: an editor without window/showDocument gets
// the authorize URL in a message; the user opens it and the flow finishes.
func TestSignInWithoutShowDocument(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), authWait)
	defer cancel()
	w := startAuthWorld(t, ctx, authSetup{pick: actionSignIn, noShowDocument: true})
	if _, err := w.connect(ctx); err == nil {
		t.Fatal("connected before signing in")
	}
	await(t, ctx, w.asked, "the sign-in notification")
	prefix := "Sign in to demo: open "
	raw, err := w.ed.AwaitNotification(ctx, protocol.MethodWindowShowMessage, func(raw json.RawMessage) bool {
		return strings.Contains(string(raw), prefix)
	})
	if err != nil {
		t.Fatal(err)
	}
	var p struct{ Message string }
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	authURL := strings.TrimPrefix(p.Message, prefix)
	if !strings.HasPrefix(authURL, w.base+demoserver.PathAuthorize+"?") {
		t.Fatalf("message %q, want the authorize URL", p.Message)
	}
	if err := oauthtest.Follow(ctx, authURL, nil); err != nil {
		t.Fatal(err)
	}
	if n := await(t, ctx, w.connected, "the connection after sign-in"); n == 0 {
		t.Error("connected, but no tools listed")
	}
	select {
	case d := <-w.docs:
		t.Errorf("window/showDocument %s sent to an editor without it", d.URI)
	default:
	}
}

func (w *authWorld) args() *lspext.ServerArgs {
	return &lspext.ServerArgs{URI: string(w.k.uri), Server: w.k.name}
}

// TestSignInCommand: mcpls.signIn runs the browser flow at once, with no
// notification, and connects.
func TestSignInCommand(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), authWait)
	defer cancel()
	w := startAuthWorld(t, ctx, authSetup{caps: lspext.Capabilities{Secrets: true}})
	opened := w.playBrowser(ctx)
	if _, err := w.sa.signInCommand(ctx, w.s.state.snapshot(), w.args()); err != nil {
		t.Fatal(err)
	}
	await(t, ctx, opened, "window/showDocument")
	if n := await(t, ctx, w.connected, "the connection after sign-in"); n == 0 {
		t.Error("connected, but no tools listed")
	}
	if len(w.asked) != 0 {
		t.Error("a notification was shown though the user asked to sign in")
	}
	unknown := &lspext.ServerArgs{URI: string(w.k.uri), Server: "nope"}
	if _, err := w.sa.signInCommand(ctx, w.s.state.snapshot(), unknown); err == nil || !strings.Contains(err.Error(), `no server "nope"`) {
		t.Errorf("sign in to an unknown server: %v", err)
	}
}

// TestCancelSignInFromProgress: the sign-in's work-done progress can be
// cancelled from the editor; that ends the flow and closes the loopback
// listener. A second sign-in while one waits is refused.
func TestCancelSignInFromProgress(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), authWait)
	defer cancel()
	w := startAuthWorld(t, ctx, authSetup{})
	done := make(chan error, 1)
	go func() {
		_, err := w.sa.signInCommand(ctx, w.s.state.snapshot(), w.args())
		done <- err
	}()
	doc := await(t, ctx, w.docs, "window/showDocument")
	if _, err := w.sa.signInCommand(ctx, w.s.state.snapshot(), w.args()); !errors.Is(err, errSigningIn) {
		t.Errorf("second sign-in: %v, want errSigningIn", err)
	}
	raw, err := w.ed.AwaitNotification(ctx, protocol.MethodProgress, func(raw json.RawMessage) bool {
		return strings.Contains(string(raw), `"begin"`)
	})
	if err != nil {
		t.Fatal(err)
	}
	var begin struct{ Token string }
	if err := json.Unmarshal(raw, &begin); err != nil {
		t.Fatal(err)
	}
	if err := w.ed.Notify(ctx, protocol.MethodWindowWorkDoneProgressCancel,
		map[string]string{"token": begin.Token}); err != nil {
		t.Fatal(err)
	}
	if err := await(t, ctx, done, "the sign-in to end"); err == nil {
		t.Fatal("the sign-in succeeded though cancelled")
	}
	if _, err := w.ed.AwaitNotification(ctx, protocol.MethodWindowShowMessage, func(raw json.RawMessage) bool {
		return strings.Contains(string(raw), "Sign-in to demo cancelled.")
	}); err != nil {
		t.Error(err)
	}
	u, err := url.Parse(doc.URI)
	if err != nil {
		t.Fatal(err)
	}
	redirect := u.Query().Get("redirect_uri") + "?state=x&code=y"
	if resp, err := http.Get(redirect); err == nil {
		resp.Body.Close()
		t.Errorf("the loopback listener still answers after the cancel: HTTP %d", resp.StatusCode)
	}
}

// TestSignInCommandAsksToSwitch: mcpls.signIn on a server configured with
// an Authorization header asks before setting the header aside.
func TestSignInCommandAsksToSwitch(t *testing.T) {
	for _, tc := range []struct {
		pick     string
		signedIn bool
	}{
		{actionSwitch, true},
		{actionCancel, false},
	} {
		t.Run(tc.pick, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), authWait)
			defer cancel()
			w := startAuthWorld(t, ctx, authSetup{pick: tc.pick, headers: `{"Authorization": "Bearer configured-123"}`})
			opened := w.playBrowser(ctx)
			_, err := w.sa.signInCommand(ctx, w.s.state.snapshot(), w.args())
			asked := await(t, ctx, w.asked, "the switch question")
			if !strings.Contains(asked.Message, "configured with an Authorization header") {
				t.Errorf("question %q", asked.Message)
			}
			if !tc.signedIn {
				if !errors.Is(err, oauth.ErrCancelled) {
					t.Errorf("sign in: %v, want ErrCancelled", err)
				}
				if st := w.sa.authState(w.k); st == nil || st.Kind != "token" {
					t.Errorf("auth state %+v, want the configured token kept", st)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			await(t, ctx, opened, "window/showDocument")
			await(t, ctx, w.connected, "the connection after sign-in")
			if st := w.sa.authState(w.k); st == nil || st.Kind != "oauth" || !st.SignedIn {
				t.Errorf("auth state %+v, want signed in with oauth", st)
			}
		})
	}
}
