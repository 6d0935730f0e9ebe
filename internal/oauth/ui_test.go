package oauth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"mcpls/internal/demoserver"
	"mcpls/internal/mcp"
	"mcpls/internal/oauth"
	"mcpls/internal/oauthtest"
)

// tokenUI chooses "Use a token" and types one.
type tokenUI struct {
	oauthtest.Browser
	token string
}

func (u *tokenUI) Consent(context.Context, oauth.Prompt) (oauth.Choice, error) {
	return oauth.ChoiceUseToken, nil
}

func (u *tokenUI) AskToken(context.Context, oauth.Prompt) (string, error) { return u.token, nil }

func TestUseATypedToken(t *testing.T) {
	const pat = "pat-0123456789"
	var base string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/mcp":
			if r.Header.Get("Authorization") == "Bearer "+pat {
				w.WriteHeader(http.StatusNoContent)
				return
			}
			w.Header().Set("WWW-Authenticate", `Bearer resource_metadata="`+base+`/prm"`)
			w.WriteHeader(http.StatusUnauthorized)
		case "/prm":
			fmt.Fprintf(w, `{"resource":"%s/mcp","authorization_servers":[%q]}`, base, base)
		case "/.well-known/oauth-authorization-server":
			fmt.Fprintf(w, `{"issuer":%q,"authorization_endpoint":"%s/a","token_endpoint":"%s/t","code_challenge_methods_supported":["S256"]}`, base, base, base)
		default:
			http.NotFound(w, r)
		}
	}))
	defer ts.Close()
	base = ts.URL
	ui := &tokenUI{token: pat}
	a := oauth.New(ts.URL+"/mcp", oauth.Config{}, oauth.Options{UI: ui})
	resp, err := a.Client(nil).Post(ts.URL+"/mcp", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("status %d, want the typed token accepted (%v)", resp.StatusCode, a.LastError())
	}
	if n := len(ui.Opened()); n != 0 {
		t.Errorf("browser opened %d times, want 0", n)
	}
}

// TestStepUpIsBounded: a server that keeps answering 403
// insufficient_scope to tools/call gets at most three step-up
// authorizations for the call, each asking for the union of the scopes so
// far, and then the 403 is passed back.
func TestStepUpIsBounded(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	auth := demoserver.NewAuth(demoserver.AuthOptions{})
	var mu sync.Mutex
	forbidden := 0
	stepUp := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == demoserver.PathStreamable && r.Header.Get("Authorization") != "" {
				b, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(b))
				if bytes.Contains(b, []byte(`"tools/call"`)) {
					mu.Lock()
					forbidden++
					mu.Unlock()
					w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="mcp admin"`)
					w.WriteHeader(http.StatusForbidden)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
	s := demoserver.New(demoserver.Options{WrapHandler: func(h http.Handler) http.Handler { return stepUp(auth.Wrap(h)) }})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	defer s.Close()
	d := &demo{url: ts.URL + demoserver.PathStreamable, base: ts.URL, auth: auth}
	browser := &oauthtest.Browser{}
	a := oauth.New(d.url, oauth.Config{}, oauth.Options{UI: browser})
	sess := connect(t, ctx, d, a, nil)
	if _, err := sess.CallTool(ctx, "echo", json.RawMessage(`{"message":"x"}`), nil); err == nil {
		t.Fatal("the call succeeded against a server that always refuses it")
	}
	opened := browser.Opened()
	if len(opened) != 4 || forbidden != 4 {
		t.Fatalf("browser opened %d times and the server refused %d times, want 4 and 4 (sign-in + 3 step-ups)", len(opened), forbidden)
	}
	scope := mustQuery(t, opened[1]).Get("scope")
	for _, want := range []string{"mcp", "admin", "offline_access"} {
		if !strings.Contains(" "+scope+" ", " "+want+" ") {
			t.Errorf("step-up scope %q lacks %q", scope, want)
		}
	}
}

// laterUI cancels the first consent (the editor shows its notification
// asynchronously) and signs in once allowed.
type laterUI struct {
	oauthtest.Browser
	mu      sync.Mutex
	allowed bool
}

func (u *laterUI) Consent(context.Context, oauth.Prompt) (oauth.Choice, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.allowed {
		return oauth.ChoiceSignIn, nil
	}
	return oauth.ChoiceCancel, nil
}

func (u *laterUI) allow() {
	u.mu.Lock()
	u.allowed = true
	u.mu.Unlock()
}

// TestSignInAfterCancelledConnect: the editor's flow. Connecting fails with
// ErrCancelled, the user picks Sign in, SignIn runs with its own deadline,
// and the next connect uses the token.
func TestSignInAfterCancelledConnect(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	d := startDemo(t, demoserver.NewAuth(demoserver.AuthOptions{}), demoserver.Options{})
	ui := &laterUI{}
	a := oauth.New(d.url, oauth.Config{}, oauth.Options{UI: ui})
	if _, err := mcp.Connect(ctx, mcp.Target{Name: "demo", URL: d.url}, &mcp.Options{HTTPClient: mcp.AuthorizedHTTPClient(a)}); err == nil {
		t.Fatal("connected without consent")
	}
	if !errors.Is(a.LastError(), oauth.ErrCancelled) {
		t.Fatalf("LastError = %v, want ErrCancelled", a.LastError())
	}
	ui.allow()
	if err := a.SignIn(ctx); err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	s := connect(t, ctx, d, a, nil)
	callEcho(t, ctx, s)
	if n := len(ui.Opened()); n != 1 {
		t.Errorf("browser opened %d times, want 1", n)
	}
}
