package lsp

// The editor side of the MCP auth flow (internal/oauth): one
// oauth.Authorizer per http/sse server of a config file, whose UI asks
// through LSP (authui.go) and whose tokens live in the editor's secret
// store or in files (authstore.go).
//
// A connection runs inside a request that is cut off after a minute, so it
// never waits for the user: on a 401 the Authorizer's Consent shows the
// notification in the background and answers Cancel, the connection fails
// with needsAuth, and when the user picks Sign in the flow runs on its own
// (long, cancellable) deadline and then connects again.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/protocol"

	"mcpls/internal/config"
	"mcpls/internal/console"
	"mcpls/internal/mcp"
	"mcpls/internal/oauth"
	"mcpls/server/lspext"
)

// errSigningIn refuses a second sign-in to a server while one runs.
var errSigningIn = errors.New("already signing in")

// defaultSignInTimeout bounds a sign-in the user started: the browser
// step included.
const defaultSignInTimeout = 10 * time.Minute

// serverAuth owns the OAuth state of the workspace's servers.
type serverAuth struct {
	s *Server
	// fileDir is where tokens go when the editor keeps no secrets; ""
	// means oauth.DefaultFileStore's directory.
	fileDir string
	// signInTimeout bounds a sign-in; 0 means defaultSignInTimeout.
	signInTimeout time.Duration
	// reconnect connects a server again after a sign-in; nil means the
	// server's own connect.
	reconnect func(ctx context.Context, e *authServer) error

	// mu guards the fields below and those of every authServer.
	mu      sync.Mutex
	servers map[serverKey]*authServer
	store   oauth.Store // chosen on first use, from the editor's capabilities
}

// authServer is the auth state of one server.
type authServer struct {
	k  serverKey
	id string // the target URL and oauth config the Authorizer was made for
	a  *oauth.Authorizer
	// header: the config sets an Authorization header (a token). switched:
	// the user chose OAuth instead, so that header is no longer sent.
	header, switched bool
	// where the server comes from, to connect it again after a sign-in
	f      *config.File
	srv    *config.Server
	folder string

	signing bool         // a sign-in the user asked for is running
	choice  oauth.Choice // what Consent answers during that sign-in
	prog    progress     // its progress
	asking  bool         // a sign-in notification is showing
	status  oauth.Status // the last known status, for the editor's display
}

func newServerAuth(s *Server) *serverAuth {
	return &serverAuth{s: s, servers: map[serverKey]*authServer{}}
}

// sink is where auth steps go: the server's console, as for its session.
func (sa *serverAuth) sink() console.Sink {
	m := sa.s.mcp
	return m.masker.Sink(console.Tee(m.ring, editorConsole{sa.s}))
}

// event reports one editor-side auth step on k's console.
func (sa *serverAuth) event(k serverKey, level console.Level, format string, args ...any) {
	sa.sink().Emit(console.Event{Time: time.Now(), Server: k.name, Kind: console.KindAuth, Level: level,
		Message: fmt.Sprintf(format, args...)})
}

// prepare makes (or keeps) the Authorizer of server srv of file f, given
// its target; nil for stdio servers. Call it before connecting, then pass
// httpClient(k) in the session options.
func (sa *serverAuth) prepare(k serverKey, f *config.File, srv *config.Server, folder string, t mcp.Target) *authServer {
	if t.Transport != mcp.TransportHTTP && t.Transport != mcp.TransportSSE {
		return nil
	}
	cfg := sa.oauthConfig(k, srv, folder)
	id := authID(t.URL, cfg)
	sa.mu.Lock()
	defer sa.mu.Unlock()
	e := sa.servers[k]
	if e == nil || e.id != id {
		ui := &editorUI{sa: sa, k: k}
		a := oauth.New(t.URL, cfg, oauth.Options{Server: k.name, UI: ui, Store: sa.storeLocked(),
			Console: sa.sink(), Masker: &sa.s.mcp.masker})
		e = &authServer{k: k, id: id, a: a}
		if old := sa.servers[k]; old != nil {
			e.switched = old.switched
		}
		sa.servers[k] = e
	}
	e.f, e.srv, e.folder = f, srv, folder
	e.header = hasAuthorization(t.Headers)
	return e
}

// oauthConfig is the server's "oauth" object, expanded.
func (sa *serverAuth) oauthConfig(k serverKey, srv *config.Server, folder string) oauth.Config {
	env := serverEnv(folder)
	env.LookupInput = sa.s.mcp.lookupInput(k.uri)
	ct, _ := srv.Expand(env)
	if ct.OAuth == nil {
		return oauth.Config{}
	}
	o := ct.OAuth
	return oauth.Config{ClientID: o.ClientID, ClientSecret: o.ClientSecret, Scopes: o.Scopes, CallbackPort: o.CallbackPort}
}

// authID tells configurations apart: an edited URL or oauth object makes a
// new Authorizer.
func authID(url string, c oauth.Config) string {
	return strings.Join([]string{url, c.ClientID, c.ClientSecret, strings.Join(c.Scopes, " "), fmt.Sprint(c.CallbackPort)}, "\x00")
}

func hasAuthorization(h map[string]string) bool {
	for name := range h {
		if strings.EqualFold(name, "Authorization") {
			return true
		}
	}
	return false
}

// entry returns the auth state of k, nil when k was never prepared.
func (sa *serverAuth) entry(k serverKey) *authServer {
	sa.mu.Lock()
	defer sa.mu.Unlock()
	return sa.servers[k]
}

// httpClient is the session HTTP client of k (mcp.Options.HTTPClient): its
// requests carry k's token and answer challenges. nil when k has no
// Authorizer (stdio, or not prepared): the session's default.
func (sa *serverAuth) httpClient(k serverKey) *http.Client {
	e := sa.entry(k)
	if e == nil {
		return nil
	}
	return mcp.AuthorizedHTTPClient(authWrapper{sa: sa, e: e})
}

// authState is what the editor is told about k's auth; it does no I/O.
func (sa *serverAuth) authState(k serverKey) *lspext.AuthState {
	sa.mu.Lock()
	defer sa.mu.Unlock()
	e := sa.servers[k]
	switch {
	case e == nil:
		return nil
	case e.header && !e.switched:
		return &lspext.AuthState{Kind: "token", SignedIn: true}
	}
	st := e.status
	return &lspext.AuthState{Kind: "oauth", SignedIn: st.SignedIn, Issuer: st.Issuer}
}

// noteStatus refreshes the status shown for e.
func (sa *serverAuth) noteStatus(ctx context.Context, e *authServer) {
	st := e.a.Status(ctx)
	sa.mu.Lock()
	e.status = st
	sa.mu.Unlock()
}

// signIn runs the flow for e now, on its own deadline, with a work-done
// progress whose cancel cancels it; then it connects again. choice is what
// the user picked (Sign in or Use a token).
func (sa *serverAuth) signIn(ctx context.Context, e *authServer, choice oauth.Choice) error {
	timeout := sa.signInTimeout
	if timeout <= 0 {
		timeout = defaultSignInTimeout
	}
	sa.mu.Lock()
	if e.signing {
		sa.mu.Unlock()
		return fmt.Errorf("%w: a sign-in to %q is already waiting for the browser", errSigningIn, e.k.name)
	}
	e.signing = true
	sa.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	prog := sa.s.beginProgress(ctx, cancel, "Signing in to "+e.k.name)
	sa.mu.Lock()
	e.choice, e.prog = choice, prog
	sa.mu.Unlock()
	err := e.a.SignIn(ctx)
	sa.mu.Lock()
	e.signing, e.choice, e.prog = false, oauth.ChoiceCancel, progress{}
	sa.mu.Unlock()
	prog.end()
	sa.noteStatus(ctx, e)
	if err != nil {
		sa.tellFailure(e.k, err)
		return fmt.Errorf("signing in to %q: %w", e.k.name, err)
	}
	sa.event(e.k, console.LevelInfo, "signed in; connecting again")
	return sa.connectAgain(ctx, e)
}

// tellFailure shows why a sign-in did not finish.
func (sa *serverAuth) tellFailure(k serverKey, err error) {
	if errors.Is(err, oauth.ErrCancelled) || errors.Is(err, context.Canceled) {
		sa.showMessage(protocol.MessageTypeInfo, fmt.Sprintf("Sign-in to %s cancelled.", k.name))
		return
	}
	sa.showMessage(protocol.MessageTypeError, fmt.Sprintf("Sign-in to %s failed: %s", k.name, shortError(err)))
}

// connectAgain connects e's server unless it is connected (a live session
// picks the new token up by itself). A connect still in flight started
// before the token existed (it is usually the one whose 401 offered the
// sign-in): it is waited for, not joined, or its 401 would be taken for
// the answer to this one.
func (sa *serverAuth) connectAgain(ctx context.Context, e *authServer) error {
	if sa.reconnect != nil {
		return sa.reconnect(ctx, e)
	}
	sa.s.mcp.settle(ctx, e.k)
	if sa.s.mcp.session(e.k) != nil {
		return nil
	}
	st := sa.s.mcp.connect(ctx, e.k, e.f, e.srv, e.folder)
	if st.State != lspext.StateConnected {
		return fmt.Errorf("connecting to %q after sign-in: %s", e.k.name, st.Error)
	}
	return nil
}

// signOut forgets e's tokens, revoking them where the authorization server
// supports it.
func (sa *serverAuth) signOut(ctx context.Context, e *authServer) error {
	err := e.a.SignOut(ctx)
	sa.noteStatus(ctx, e)
	if err != nil {
		return fmt.Errorf("signing out of %q: %w", e.k.name, err)
	}
	sa.showMessage(protocol.MessageTypeInfo, fmt.Sprintf("Signed out of %s.", e.k.name))
	return nil
}

// showMessage shows a message; it never blocks.
func (sa *serverAuth) showMessage(typ protocol.MessageType, text string) {
	sa.s.client.Notify(protocol.MethodWindowShowMessage, &protocol.ShowMessageParams{Type: typ, Message: text})
}

// ask shows a notification with actions and returns the title picked ("" when
// dismissed). Never call it on the read loop.
func (sa *serverAuth) ask(ctx context.Context, typ protocol.MessageType, text string, actions ...string) (string, error) {
	items := make([]protocol.MessageActionItem, len(actions))
	for i, a := range actions {
		items[i] = protocol.MessageActionItem{Title: a}
	}
	var item *protocol.MessageActionItem
	err := sa.s.client.Call(ctx, protocol.MethodWindowShowMessageRequest,
		&protocol.ShowMessageRequestParams{Type: typ, Message: text, Actions: items}, &item)
	if err != nil {
		return "", fmt.Errorf("asking the editor (%s): %w", protocol.MethodWindowShowMessageRequest, err)
	}
	if item == nil || !slices.Contains(actions, item.Title) {
		return "", nil
	}
	return item.Title, nil
}

// authWrapper puts k's Authorizer under a session's transport, with the
// configured Authorization header dropped once the user switched to OAuth,
// and a sign-in offered when that header is refused by a server that
// speaks OAuth.
type authWrapper struct {
	sa *serverAuth
	e  *authServer
}

func (w authWrapper) Wrap(next http.RoundTripper) http.RoundTripper {
	return &authTransport{sa: w.sa, e: w.e, next: w.e.a.Wrap(next)}
}

type authTransport struct {
	sa   *serverAuth
	e    *authServer
	next http.RoundTripper
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.sa.mu.Lock()
	header, switched := t.e.header, t.e.switched
	t.sa.mu.Unlock()
	carried := req.Header.Get("Authorization") != ""
	if header && switched && carried {
		req = req.Clone(req.Context())
		req.Header.Del("Authorization")
		carried = false
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusUnauthorized && carried && header && !switched {
		if ch := oauth.ParseChallenge(resp.Header); ch.Bearer && ch.ResourceMetadata != "" {
			t.sa.offerSwitch(t.e, ch)
		}
	} else if resp.StatusCode < 300 {
		t.sa.noteStatus(req.Context(), t.e)
	}
	return resp, nil
}
