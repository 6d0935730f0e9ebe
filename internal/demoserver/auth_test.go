package demoserver

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// authHarness is a demo server behind Auth, driven with raw HTTP.
type authHarness struct {
	t    *testing.T
	base string
	auth *Auth
	hc   *http.Client // follows no redirects
}

func newAuthHarness(t *testing.T) *authHarness {
	t.Helper()
	auth := NewAuth(AuthOptions{})
	s := New(Options{WrapHandler: auth.Wrap})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	t.Cleanup(s.Close)
	return &authHarness{t: t, base: ts.URL, auth: auth,
		hc: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (h *authHarness) do(req *http.Request) (*http.Response, map[string]any) {
	h.t.Helper()
	resp, err := h.hc.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp, body
}

func (h *authHarness) post(path, contentType, body string, mod func(*http.Request)) (*http.Response, map[string]any) {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json, text/event-stream")
	if mod != nil {
		mod(req)
	}
	return h.do(req)
}

func (h *authHarness) register(method, redirect string) (id, secret string, status int) {
	resp, body := h.post(PathRegister, "application/json",
		`{"redirect_uris":["`+redirect+`"],"token_endpoint_auth_method":"`+method+`"}`, nil)
	id, _ = body["client_id"].(string)
	secret, _ = body["client_secret"].(string)
	return id, secret, resp.StatusCode
}

// authorize returns the query of the redirect for the given parameters.
func (h *authHarness) authorize(q url.Values) (int, url.Values) {
	resp, _ := h.do(mustReq(http.MethodGet, h.base+PathAuthorize+"?"+q.Encode()))
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.StatusCode, loc.Query()
}

func mustReq(method, u string) *http.Request {
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		panic(err)
	}
	return req
}

func s256(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

const initBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`

func (h *authHarness) mcpStatus(token string) int {
	resp, _ := h.post(PathStreamable, "application/json", initBody, func(r *http.Request) {
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
	})
	return resp.StatusCode
}

func TestAuthProtectsEndpoints(t *testing.T) {
	h := newAuthHarness(t)
	for _, path := range []string{PathStreamable, PathSSE} {
		resp, _ := h.do(mustReq(http.MethodGet, h.base+path))
		want := `resource_metadata="` + h.base + PathPRM + path + `"`
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("WWW-Authenticate"), want) {
			t.Errorf("GET %s = %d %q, want 401 with %s", path, resp.StatusCode, resp.Header.Get("WWW-Authenticate"), want)
		}
	}
	_, prm := h.do(mustReq(http.MethodGet, h.base+PathPRM+PathStreamable))
	if prm["resource"] != h.base+PathStreamable {
		t.Errorf("PRM resource = %v", prm["resource"])
	}
	_, md := h.do(mustReq(http.MethodGet, h.base+PathASMetadata))
	if md["issuer"] != h.base || !strings.Contains(mustJSON(md["code_challenge_methods_supported"]), "S256") {
		t.Errorf("AS metadata = %v", md)
	}
	if got := h.mcpStatus("not-a-token"); got != http.StatusUnauthorized {
		t.Errorf("a bogus token got %d", got)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestAuthRegistrationRules(t *testing.T) {
	h := newAuthHarness(t)
	tests := []struct {
		method, redirect string
		status           int
		secret           bool
	}{
		{"none", "http://127.0.0.1:9/callback", http.StatusCreated, false},
		{"client_secret_basic", "http://127.0.0.1:9/callback", http.StatusCreated, true},
		{"none", "http://evil.example.com/callback", http.StatusBadRequest, false},
		{"private_key_jwt", "http://127.0.0.1:9/callback", http.StatusBadRequest, false},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.redirect, func(t *testing.T) {
			_, secret, status := h.register(tt.method, tt.redirect)
			if status != tt.status || (secret != "") != tt.secret {
				t.Errorf("register = %d (secret %v), want %d (secret %v)", status, secret != "", tt.status, tt.secret)
			}
		})
	}
}

func TestAuthCodeFlow(t *testing.T) {
	h := newAuthHarness(t)
	redirect := "http://127.0.0.1:9/callback"
	id, _, _ := h.register("none", redirect)
	resource := h.base + PathStreamable
	verifier := "a-verifier-that-is-long-enough-for-pkce-0123456789"
	q := url.Values{"response_type": {"code"}, "client_id": {id}, "redirect_uri": {"http://127.0.0.1:4242/callback"},
		"state": {"st"}, "code_challenge": {s256(verifier)}, "code_challenge_method": {"S256"}, "resource": {resource}}

	t.Run("PKCE required", func(t *testing.T) {
		bad := url.Values{}
		for k, v := range q {
			bad[k] = v
		}
		bad.Del("code_challenge")
		_, back := h.authorize(bad)
		if back.Get("error") != "invalid_request" || back.Get("code") != "" {
			t.Errorf("redirect = %v, want error=invalid_request", back)
		}
	})
	t.Run("unregistered redirect", func(t *testing.T) {
		bad := url.Values{}
		for k, v := range q {
			bad[k] = v
		}
		bad.Set("redirect_uri", "http://evil.example.com/callback")
		resp, _ := h.do(mustReq(http.MethodGet, h.base+PathAuthorize+"?"+bad.Encode()))
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("status %d, want 400", resp.StatusCode)
		}
	})

	status, back := h.authorize(q) // another loopback port: RFC 8252 port variance
	if status != http.StatusFound || back.Get("code") == "" || back.Get("state") != "st" || back.Get("iss") != h.base {
		t.Fatalf("authorize = %d %v", status, back)
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {back.Get("code")}, "client_id": {id},
		"redirect_uri": {q.Get("redirect_uri")}, "resource": {resource}, "code_verifier": {"wrong"}}
	if _, body := h.post(PathToken, "application/x-www-form-urlencoded", form.Encode(), nil); body["error"] != "invalid_grant" {
		t.Errorf("wrong verifier: %v, want invalid_grant", body)
	}
	_, back = h.authorize(q)
	form.Set("code", back.Get("code"))
	form.Set("code_verifier", verifier)
	_, tok := h.post(PathToken, "application/x-www-form-urlencoded", form.Encode(), nil)
	access, _ := tok["access_token"].(string)
	refresh, _ := tok["refresh_token"].(string)
	if access == "" || refresh == "" {
		t.Fatalf("token response = %v", tok)
	}
	if _, body := h.post(PathToken, "application/x-www-form-urlencoded", form.Encode(), nil); body["error"] != "invalid_grant" {
		t.Errorf("reused code: %v, want invalid_grant", body)
	}
	if got := h.mcpStatus(access); got != http.StatusOK {
		t.Errorf("the access token got HTTP %d at /mcp", got)
	}

	rf := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {id}, "resource": {resource}}
	_, tok2 := h.post(PathToken, "application/x-www-form-urlencoded", rf.Encode(), nil)
	access2, _ := tok2["access_token"].(string)
	if access2 == "" || access2 == access || !h.auth.Revoked(refresh) {
		t.Errorf("refresh did not rotate: %v", tok2)
	}
	rv := url.Values{"token": {access2}, "client_id": {id}}
	if resp, _ := h.post(PathRevoke, "application/x-www-form-urlencoded", rv.Encode(), nil); resp.StatusCode != http.StatusOK {
		t.Errorf("revoke = %d", resp.StatusCode)
	}
	if got := h.mcpStatus(access2); got != http.StatusUnauthorized {
		t.Errorf("a revoked token got HTTP %d at /mcp", got)
	}
}
