package oauth_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"mcpls/internal/console"
	"mcpls/internal/demoserver"
	"mcpls/internal/mcp"
	"mcpls/internal/oauth"
	"mcpls/internal/oauthtest"
)

// waitFor bounds every wait; nothing sleeps.
const waitFor = 15 * time.Second

// clock is a settable clock shared by the demo authorization server and
// the client, so token expiry is tested without waiting.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Now()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// demo is one `demo-server --auth` under test.
type demo struct {
	url  string // the /mcp endpoint
	base string
	auth *demoserver.Auth
}

// startDemo serves a demo server behind auth (a new one when nil).
func startDemo(t *testing.T, auth *demoserver.Auth, opts demoserver.Options) *demo {
	t.Helper()
	opts.WrapHandler = auth.Wrap
	s := demoserver.New(opts)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	t.Cleanup(s.Close)
	return &demo{url: ts.URL + demoserver.PathStreamable, base: ts.URL, auth: auth}
}

// connect opens an MCP session through a.
func connect(t *testing.T, ctx context.Context, d *demo, a *oauth.Authorizer, sink console.Sink) *mcp.Session {
	t.Helper()
	s, err := mcp.Connect(ctx, mcp.Target{Name: "demo", URL: d.url}, &mcp.Options{HTTPClient: mcp.AuthorizedHTTPClient(a), Console: sink})
	if err != nil {
		t.Fatalf("connecting to %s: %v (auth: %v)", d.url, err, a.LastError())
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func callEcho(t *testing.T, ctx context.Context, s *mcp.Session) {
	t.Helper()
	res, err := s.CallTool(ctx, "echo", json.RawMessage(`{"message":"hi"}`), nil)
	if err != nil || res.IsError {
		t.Fatalf("calling echo: %v %+v", err, res)
	}
}

// current returns the stored record of the one signed-in resource.
func current(t *testing.T, ctx context.Context, st oauth.Store) *oauth.Record {
	t.Helper()
	keys, err := st.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if k.Resource != "" {
			r, err := st.Get(ctx, k)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
	}
	t.Fatalf("no token stored (keys %v)", keys)
	return nil
}

func TestFirstSignIn(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	d := startDemo(t, demoserver.NewAuth(demoserver.AuthOptions{}), demoserver.Options{})
	var rec console.Recorder
	browser := &oauthtest.Browser{}
	store := &oauth.MemoryStore{}
	a := oauth.New(d.url, oauth.Config{}, oauth.Options{Server: "demo", UI: browser, Store: store, Console: &rec})
	s := connect(t, ctx, d, a, &rec)
	callEcho(t, ctx, s)

	if n := len(browser.Opened()); n != 1 {
		t.Fatalf("browser opened %d times, want 1", n)
	}
	q := mustQuery(t, browser.Opened()[0])
	for k, want := range map[string]string{"response_type": "code", "code_challenge_method": "S256", "resource": d.url, "scope": "mcp offline_access"} {
		if got := q.Get(k); got != want {
			t.Errorf("authorization URL %s = %q, want %q", k, got, want)
		}
	}
	if q.Get("state") == "" || q.Get("code_challenge") == "" {
		t.Errorf("authorization URL lacks state or code_challenge: %v", q)
	}
	r := current(t, ctx, store)
	if r.Resource != d.url || r.Issuer != d.base || r.RefreshToken == "" {
		t.Errorf("stored record = %+v, want resource %s, issuer %s and a refresh token", r.Key, d.url, d.base)
	}
	if st := a.Status(ctx); !st.SignedIn || st.Issuer != d.base {
		t.Errorf("Status = %+v", st)
	}
	var steps []string
	for _, e := range rec.Events() {
		if e.Kind == console.KindAuth {
			steps = append(steps, e.Message)
		}
	}
	for _, want := range []string{"HTTP 401", "protected resource metadata from", "authorization server metadata from", "registered as client", "opening the browser", "got the authorization code", "got an access token"} {
		if !containsAny(steps, want) {
			t.Errorf("no auth event says %q; events:\n%s", want, strings.Join(steps, "\n"))
		}
	}
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

func containsAny(lines []string, sub string) bool {
	for _, l := range lines {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}

func TestSilentRefresh(t *testing.T) {
	tests := []struct {
		name string
		// advance moves the clocks past the token's lifetime: both (the
		// client refreshes before sending) or only the server's (the client
		// learns of the expiry from a 401).
		clientToo bool
	}{
		{"before expiry", true},
		{"on expiry", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), waitFor)
			defer cancel()
			serverClock, clientClock := newClock(), newClock()
			d := startDemo(t, demoserver.NewAuth(demoserver.AuthOptions{TokenTTL: 30 * time.Second, Now: serverClock.Now}), demoserver.Options{})
			browser := &oauthtest.Browser{}
			store := &oauth.MemoryStore{}
			a := oauth.New(d.url, oauth.Config{}, oauth.Options{UI: browser, Store: store, Now: clientClock.Now})
			s := connect(t, ctx, d, a, nil)
			first := current(t, ctx, store)

			serverClock.Advance(time.Minute)
			if tt.clientToo {
				clientClock.Advance(time.Minute)
			}
			callEcho(t, ctx, s)

			second := current(t, ctx, store)
			if second.AccessToken == first.AccessToken || second.RefreshToken == first.RefreshToken {
				t.Errorf("the tokens did not change after expiry")
			}
			if !d.auth.Revoked(first.RefreshToken) {
				t.Errorf("the old refresh token is still valid: rotation failed")
			}
			if n := len(browser.Opened()); n != 1 {
				t.Errorf("browser opened %d times, want 1 (refresh must be silent)", n)
			}
		})
	}
}

func TestSignOut(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	d := startDemo(t, demoserver.NewAuth(demoserver.AuthOptions{}), demoserver.Options{})
	store := &oauth.MemoryStore{}
	a := oauth.New(d.url, oauth.Config{}, oauth.Options{UI: &oauthtest.Browser{}, Store: store})
	s := connect(t, ctx, d, a, nil)
	old := current(t, ctx, store)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.SignOut(ctx); err != nil {
		t.Fatalf("SignOut: %v", err)
	}
	if !d.auth.Revoked(old.AccessToken) || !d.auth.Revoked(old.RefreshToken) {
		t.Errorf("tokens not revoked at the authorization server")
	}
	if _, err := store.Get(ctx, old.Key); !errors.Is(err, oauth.ErrNotFound) {
		t.Errorf("token still stored after sign-out: %v", err)
	}
	if a.Status(ctx).SignedIn {
		t.Errorf("Status says signed in after sign-out")
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, d.url, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
	req.Header.Set("Authorization", "Bearer "+old.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the revoked token got HTTP %d, want 401", resp.StatusCode)
	}
}

func TestSecondServerSameAuthorizationServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	auth := demoserver.NewAuth(demoserver.AuthOptions{})
	first := startDemo(t, auth, demoserver.Options{})
	auth.SetIssuer(first.base)
	second := startDemo(t, auth, demoserver.Options{})
	store := &oauth.MemoryStore{}
	browser := &oauthtest.Browser{}
	a1 := oauth.New(first.url, oauth.Config{}, oauth.Options{UI: browser, Store: store})
	connect(t, ctx, first, a1, nil)
	a2 := oauth.New(second.url, oauth.Config{}, oauth.Options{UI: browser, Store: store})
	s2 := connect(t, ctx, second, a2, nil)
	callEcho(t, ctx, s2)

	if got := auth.Clients(); len(got) != 1 {
		t.Errorf("registered clients = %v, want one registration reused by both servers", got)
	}
	if n := len(browser.Opened()); n != 2 {
		t.Errorf("browser opened %d times, want 2 (a token is bound to its resource)", n)
	}
	keys, _ := store.List(ctx)
	resources := map[string]bool{}
	for _, k := range keys {
		if k.Resource != "" {
			resources[k.Resource] = true
			if k.Issuer != first.base {
				t.Errorf("token for %s issued by %s, want %s", k.Resource, k.Issuer, first.base)
			}
		}
	}
	if !resources[first.url] || !resources[second.url] {
		t.Errorf("stored resources = %v, want both servers", resources)
	}
}

func TestWrongStateRejected(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	d := startDemo(t, demoserver.NewAuth(demoserver.AuthOptions{}), demoserver.Options{})
	browser := &oauthtest.Browser{Rewrite: func(u *url.URL) {
		q := u.Query()
		q.Set("state", "forged")
		u.RawQuery = q.Encode()
	}}
	store := &oauth.MemoryStore{}
	a := oauth.New(d.url, oauth.Config{}, oauth.Options{UI: browser, Store: store})
	_, err := mcp.Connect(ctx, mcp.Target{Name: "demo", URL: d.url}, &mcp.Options{HTTPClient: a.Client(nil)})
	if err == nil {
		t.Fatal("connected with a forged state")
	}
	if !errors.Is(a.LastError(), oauth.ErrStateMismatch) {
		t.Errorf("LastError = %v, want ErrStateMismatch", a.LastError())
	}
	if st := a.Status(ctx); st.SignedIn {
		t.Errorf("signed in after a forged state")
	}
}
