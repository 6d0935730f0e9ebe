package demoserver

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Paths of the demo authorization server (served beside the MCP endpoints
// by [Auth.Wrap]).
const (
	PathASMetadata = "/.well-known/oauth-authorization-server"
	PathPRM        = "/.well-known/oauth-protected-resource"
	PathAuthorize  = "/oauth/authorize"
	PathToken      = "/oauth/token"
	PathRegister   = "/oauth/register"
	PathRevoke     = "/oauth/revoke"
)

// DemoScope is the one scope the demo authorization server grants.
const DemoScope = "mcp"

// AuthOptions configure the demo authorization server.
type AuthOptions struct {
	// TokenTTL is the access token lifetime; zero means 5 minutes.
	TokenTTL time.Duration
	// RefreshTTL is the refresh token lifetime; zero means 24 hours.
	RefreshTTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Auth is the demo OAuth 2.1 authorization server and the resource-server
// check in front of the MCP endpoints: protected resource metadata
// (RFC 9728), authorization server metadata (RFC 8414), dynamic
// registration (RFC 7591), an authorization endpoint that approves at once
// (so a test can play the browser) and requires PKCE S256, short-lived
// access tokens bound to their resource (RFC 8707) with rotating refresh
// tokens, and revocation (RFC 7009). Everything lives in memory. One Auth
// can protect several demo servers: call SetIssuer with the URL of the one
// that serves it.
type Auth struct {
	opts AuthOptions

	// mu guards the fields below.
	mu      sync.Mutex
	issuer  string // fixed issuer; empty means the request's own origin
	clients map[string]*authClient
	codes   map[string]*authCode
	tokens  map[string]*authToken // access and refresh tokens by value
}

type authClient struct {
	id, secret   string
	method       string
	redirectURIs []string
}

type authCode struct {
	clientID, redirectURI, challenge, resource, scope string
	expiry                                            time.Time
}

type authToken struct {
	clientID, resource, scope string
	refresh                   bool
	family                    string // shared by an access token and the refresh token it came with
	expiry                    time.Time
}

// NewAuth returns a demo authorization server.
func NewAuth(opts AuthOptions) *Auth {
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 5 * time.Minute
	}
	if opts.RefreshTTL <= 0 {
		opts.RefreshTTL = 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Auth{opts: opts, clients: map[string]*authClient{}, codes: map[string]*authCode{}, tokens: map[string]*authToken{}}
}

// SetIssuer fixes the issuer URL (http://host:port) of the authorization
// server, for an Auth shared by several demo servers.
func (a *Auth) SetIssuer(issuer string) {
	a.mu.Lock()
	a.issuer = strings.TrimSuffix(issuer, "/")
	a.mu.Unlock()
}

func (a *Auth) issuerFor(r *http.Request) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.issuer != "" {
		return a.issuer
	}
	return "http://" + r.Host
}

// Wrap serves the OAuth endpoints and requires a valid Bearer token on the
// MCP endpoints (/mcp, /sse); it is meant for [Options.WrapHandler].
func (a *Auth) Wrap(next http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+PathASMetadata, a.serveASMetadata)
	mux.HandleFunc("GET "+PathPRM+"/{path...}", a.servePRM)
	mux.HandleFunc("GET "+PathAuthorize, a.serveAuthorize)
	mux.HandleFunc("POST "+PathToken, a.serveToken)
	mux.HandleFunc("POST "+PathRegister, a.serveRegister)
	mux.HandleFunc("POST "+PathRevoke, a.serveRevoke)
	mux.Handle(PathStreamable, a.protect(next))
	mux.Handle(PathSSE, a.protect(next))
	mux.Handle("/", next)
	return mux
}

// resourceOf is the resource identifier of a protected path on this host.
func resourceOf(r *http.Request, path string) string { return "http://" + r.Host + path }

func (a *Auth) servePRM(w http.ResponseWriter, r *http.Request) {
	path := "/" + r.PathValue("path")
	if path != PathStreamable && path != PathSSE {
		http.NotFound(w, r)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"resource":                 resourceOf(r, path),
		"authorization_servers":    []string{a.issuerFor(r)},
		"scopes_supported":         []string{DemoScope},
		"bearer_methods_supported": []string{"header"},
		"resource_name":            "mcpls demo server",
	})
}

func (a *Auth) serveASMetadata(w http.ResponseWriter, r *http.Request) {
	iss := a.issuerFor(r)
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                         iss,
		"authorization_endpoint":                         iss + PathAuthorize,
		"token_endpoint":                                 iss + PathToken,
		"registration_endpoint":                          iss + PathRegister,
		"revocation_endpoint":                            iss + PathRevoke,
		"response_types_supported":                       []string{"code"},
		"grant_types_supported":                          []string{"authorization_code", "refresh_token"},
		"code_challenge_methods_supported":               []string{"S256"},
		"token_endpoint_auth_methods_supported":          []string{"none", "client_secret_basic", "client_secret_post"},
		"revocation_endpoint_auth_methods_supported":     []string{"none", "client_secret_basic", "client_secret_post"},
		"scopes_supported":                               []string{DemoScope, "offline_access"},
		"authorization_response_iss_parameter_supported": true,
	})
}

// protect answers 401 with a WWW-Authenticate challenge unless the request
// carries a live access token issued for this resource.
func (a *Auth) protect(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resource := resourceOf(r, r.URL.Path)
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if ok && a.validAccess(tok, resource) {
			next.ServeHTTP(w, r)
			return
		}
		challenge := `Bearer resource_metadata="http://` + r.Host + PathPRM + r.URL.Path + `", scope="` + DemoScope + `"`
		if ok {
			challenge += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token", "error_description": "a valid Bearer token is required"})
	})
}

func (a *Auth) validAccess(tok, resource string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	t := a.tokens[tok]
	return t != nil && !t.refresh && t.resource == resource && a.opts.Now().Before(t.expiry)
}

// loopbackRedirect reports whether got matches a registered redirect URI,
// any port allowed for loopback ones (RFC 8252 §7.3).
func loopbackRedirect(registered []string, got string) bool {
	g, err := url.Parse(got)
	if err != nil {
		return false
	}
	for _, reg := range registered {
		if reg == got {
			return true
		}
		u, err := url.Parse(reg)
		if err == nil && u.Scheme == "http" && isLoopbackHost(u.Hostname()) && g.Scheme == "http" &&
			g.Hostname() == u.Hostname() && g.Path == u.Path && g.RawQuery == u.RawQuery {
			return true
		}
	}
	return false
}

func isLoopbackHost(h string) bool { return h == "127.0.0.1" || h == "::1" || h == "localhost" }

func (a *Auth) serveRegister(w http.ResponseWriter, r *http.Request) {
	var req struct {
		RedirectURIs []string `json:"redirect_uris"`
		ClientName   string   `json:"client_name"`
		Method       string   `json:"token_endpoint_auth_method"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil {
		oauthFail(w, http.StatusBadRequest, "invalid_client_metadata", "the body is not JSON")
		return
	}
	if len(req.RedirectURIs) == 0 {
		oauthFail(w, http.StatusBadRequest, "invalid_redirect_uri", "redirect_uris is required")
		return
	}
	for _, u := range req.RedirectURIs {
		p, err := url.Parse(u)
		if err != nil || !(p.Scheme == "https" || (p.Scheme == "http" && isLoopbackHost(p.Hostname()))) {
			oauthFail(w, http.StatusBadRequest, "invalid_redirect_uri", "redirect URIs must be https or http on loopback")
			return
		}
	}
	c := &authClient{id: "demo-client-" + randomToken(8), method: req.Method, redirectURIs: req.RedirectURIs}
	switch c.method {
	case "":
		c.method = "none"
	case "none", "client_secret_basic", "client_secret_post":
	default:
		oauthFail(w, http.StatusBadRequest, "invalid_client_metadata", "unsupported token_endpoint_auth_method")
		return
	}
	if c.method != "none" {
		c.secret = randomToken(24)
	}
	a.mu.Lock()
	a.clients[c.id] = c
	a.mu.Unlock()
	resp := map[string]any{"client_id": c.id, "client_name": req.ClientName, "redirect_uris": c.redirectURIs,
		"token_endpoint_auth_method": c.method, "grant_types": []string{"authorization_code", "refresh_token"}}
	if c.secret != "" {
		resp["client_secret"] = c.secret
	}
	writeJSON(w, http.StatusCreated, resp)
}

// serveAuthorize approves every valid request at once: it redirects back
// with a code (and state and iss), or with an error where the redirect URI
// can be trusted.
func (a *Auth) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a.mu.Lock()
	c := a.clients[q.Get("client_id")]
	a.mu.Unlock()
	redirect := q.Get("redirect_uri")
	if c == nil || !loopbackRedirect(c.redirectURIs, redirect) {
		http.Error(w, "unknown client or unregistered redirect_uri", http.StatusBadRequest)
		return
	}
	back, _ := url.Parse(redirect)
	reply := back.Query()
	reply.Set("iss", a.issuerFor(r))
	if s := q.Get("state"); s != "" {
		reply.Set("state", s)
	}
	switch {
	case q.Get("response_type") != "code":
		reply.Set("error", "unsupported_response_type")
	case q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256":
		reply.Set("error", "invalid_request")
		reply.Set("error_description", "PKCE with S256 is required")
	case q.Get("resource") != "" && !a.knownResource(r, q.Get("resource")):
		reply.Set("error", "invalid_target")
	default:
		code := randomToken(24)
		a.mu.Lock()
		a.codes[code] = &authCode{clientID: c.id, redirectURI: redirect, challenge: q.Get("code_challenge"),
			resource: q.Get("resource"), scope: q.Get("scope"), expiry: a.opts.Now().Add(time.Minute)}
		a.mu.Unlock()
		reply.Set("code", code)
	}
	back.RawQuery = reply.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// knownResource accepts the MCP endpoints of any demo server on loopback.
func (a *Auth) knownResource(r *http.Request, resource string) bool {
	u, err := url.Parse(resource)
	return err == nil && u.Scheme == "http" && isLoopbackHost(u.Hostname()) && (u.Path == PathStreamable || u.Path == PathSSE)
}

// formClient reads the form of a token or revocation request and the
// client it authenticates; on failure it has answered with the OAuth error.
func (a *Auth) formClient(w http.ResponseWriter, r *http.Request) (*authClient, bool) {
	if err := r.ParseForm(); err != nil {
		oauthFail(w, http.StatusBadRequest, "invalid_request", "the body is not a form")
		return nil, false
	}
	c, ok := a.authenticate(r)
	if !ok {
		oauthFail(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
	}
	return c, ok
}

// serveToken redeems codes and rotates refresh tokens.
func (a *Auth) serveToken(w http.ResponseWriter, r *http.Request) {
	c, ok := a.formClient(w, r)
	if !ok {
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		a.redeemCode(w, r, c)
	case "refresh_token":
		a.rotateRefresh(w, r, c)
	default:
		oauthFail(w, http.StatusBadRequest, "unsupported_grant_type", "")
	}
}

// authenticate checks the client as registered: Basic, post or none.
func (a *Auth) authenticate(r *http.Request) (*authClient, bool) {
	id, secret, basic := r.BasicAuth()
	if basic {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	a.mu.Lock()
	c := a.clients[id]
	a.mu.Unlock()
	if c == nil {
		return nil, false
	}
	switch c.method {
	case "none":
		return c, !basic && secret == ""
	case "client_secret_basic":
		return c, basic && subtle.ConstantTimeCompare([]byte(secret), []byte(c.secret)) == 1
	default:
		return c, !basic && subtle.ConstantTimeCompare([]byte(secret), []byte(c.secret)) == 1
	}
}

func (a *Auth) redeemCode(w http.ResponseWriter, r *http.Request, c *authClient) {
	f := r.PostForm
	a.mu.Lock()
	code := a.codes[f.Get("code")]
	delete(a.codes, f.Get("code"))
	a.mu.Unlock()
	sum := sha256.Sum256([]byte(f.Get("code_verifier")))
	switch {
	case code == nil || code.clientID != c.id || !a.opts.Now().Before(code.expiry):
		oauthFail(w, http.StatusBadRequest, "invalid_grant", "unknown, used or expired code")
	case code.redirectURI != f.Get("redirect_uri"):
		oauthFail(w, http.StatusBadRequest, "invalid_grant", "redirect_uri does not match")
	case base64.RawURLEncoding.EncodeToString(sum[:]) != code.challenge:
		oauthFail(w, http.StatusBadRequest, "invalid_grant", "PKCE verification failed")
	case f.Get("resource") != code.resource:
		oauthFail(w, http.StatusBadRequest, "invalid_target", "resource differs from the authorization request")
	default:
		a.issue(w, c.id, code.resource, code.scope)
	}
}

func (a *Auth) rotateRefresh(w http.ResponseWriter, r *http.Request, c *authClient) {
	f := r.PostForm
	a.mu.Lock()
	old := a.tokens[f.Get("refresh_token")]
	valid := old != nil && old.refresh && old.clientID == c.id && a.opts.Now().Before(old.expiry)
	if valid {
		delete(a.tokens, f.Get("refresh_token"))
	}
	a.mu.Unlock()
	switch {
	case !valid:
		oauthFail(w, http.StatusBadRequest, "invalid_grant", "unknown, revoked or expired refresh token")
	case f.Get("resource") != "" && f.Get("resource") != old.resource:
		oauthFail(w, http.StatusBadRequest, "invalid_target", "resource differs from the grant")
	default:
		a.issue(w, c.id, old.resource, old.scope)
	}
}

// issue answers a new access token and refresh token.
func (a *Auth) issue(w http.ResponseWriter, clientID, resource, scope string) {
	access, refresh, family := "demo-at-"+randomToken(24), "demo-rt-"+randomToken(24), randomToken(8)
	now := a.opts.Now()
	a.mu.Lock()
	a.tokens[access] = &authToken{clientID: clientID, resource: resource, scope: scope, family: family, expiry: now.Add(a.opts.TokenTTL)}
	a.tokens[refresh] = &authToken{clientID: clientID, resource: resource, scope: scope, family: family, refresh: true, expiry: now.Add(a.opts.RefreshTTL)}
	a.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	resp := map[string]any{"access_token": access, "token_type": "Bearer", "refresh_token": refresh,
		"expires_in": int(a.opts.TokenTTL.Round(time.Second) / time.Second)}
	if scope != "" {
		resp["scope"] = scope
	}
	writeJSON(w, http.StatusOK, resp)
}

// serveRevoke revokes a token and every token of its family (RFC 7009:
// unknown tokens are not an error).
func (a *Auth) serveRevoke(w http.ResponseWriter, r *http.Request) {
	c, ok := a.formClient(w, r)
	if !ok {
		return
	}
	a.mu.Lock()
	if t := a.tokens[r.PostForm.Get("token")]; t != nil && t.clientID == c.id {
		for v, other := range a.tokens {
			if other.family == t.family {
				delete(a.tokens, v)
			}
		}
	}
	a.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// Revoked reports whether tok is unknown to the server (never issued,
// revoked or rotated away); tests use it.
func (a *Auth) Revoked(tok string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.tokens[tok] == nil
}

// Clients returns the ids of the registered clients, sorted.
func (a *Auth) Clients() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var ids []string
	for id := range a.clients {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func oauthFail(w http.ResponseWriter, status int, code, desc string) {
	body := map[string]string{"error": code}
	if desc != "" {
		body["error_description"] = desc
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
