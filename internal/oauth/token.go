package oauth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"mcpls/internal/console"
)

// tokenResponse is a token endpoint's answer (RFC 6749 §5.1, §5.2).
type tokenResponse struct {
	AccessToken      string `json:"access_token"`
	TokenType        string `json:"token_type"`
	ExpiresIn        int64  `json:"expires_in"`
	RefreshToken     string `json:"refresh_token"`
	Scope            string `json:"scope"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// grant posts form to the token endpoint as client c and turns the answer
// into a Record for resource.
func (a *Authorizer) grant(ctx context.Context, md *ServerMetadata, c *clientInfo, form url.Values, resource string, scopes []string) (*Record, error) {
	tr, err := a.tokenRequest(ctx, md.TokenEndpoint, md.Issuer, c, form)
	if err != nil {
		return nil, err
	}
	rec := &Record{Key: Key{Resource: resource, Issuer: md.Issuer, ClientID: c.id}, ClientSecret: c.secret, AuthMethod: c.method,
		TokenEndpoint: md.TokenEndpoint, RevocationEndpoint: md.RevocationEndpoint}
	a.fill(rec, tr, scopes)
	return rec, nil
}

// fill copies a token response into rec.
func (a *Authorizer) fill(rec *Record, tr *tokenResponse, requested []string) {
	now := a.now()
	rec.AccessToken, rec.IssuedAt = tr.AccessToken, now
	if tr.RefreshToken != "" {
		rec.RefreshToken = tr.RefreshToken
	}
	rec.Expiry = time.Time{}
	if tr.ExpiresIn > 0 {
		rec.Expiry = now.Add(time.Duration(tr.ExpiresIn) * time.Second)
	}
	switch {
	case tr.Scope != "":
		rec.Scopes = strings.Fields(tr.Scope)
	case requested != nil:
		rec.Scopes = requested
	}
}

// tokenRequest posts to a token endpoint with client authentication and
// decodes the token or the error.
func (a *Authorizer) tokenRequest(ctx context.Context, endpoint, issuer string, c *clientInfo, form url.Values) (*tokenResponse, error) {
	if c != nil {
		if err := a.authenticate(form, c, issuer); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("building the token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if c != nil && c.method == authBasic {
		req.SetBasicAuth(url.QueryEscape(c.id), url.QueryEscape(c.secret))
	}
	grant := form.Get("grant_type")
	a.step("token request (%s) to %s as %s", grant, endpoint, clientDesc(c))
	resp, err := a.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("token request (%s): %s", grant, a.masker.Scrub(err.Error()))
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var tr tokenResponse
	jerr := json.Unmarshal(raw, &tr)
	a.masker.Add(tr.AccessToken, tr.RefreshToken)
	if resp.StatusCode < 200 || resp.StatusCode > 299 || tr.Error != "" {
		return nil, fmt.Errorf("token request (%s) to %s: HTTP %d %s", grant, endpoint, resp.StatusCode, a.masker.Scrub(oauthError(tr.Error, tr.ErrorDescription)))
	}
	if jerr != nil || tr.AccessToken == "" {
		return nil, fmt.Errorf("token request (%s) to %s: the answer has no access_token", grant, endpoint)
	}
	if tr.TokenType != "" && !strings.EqualFold(tr.TokenType, "bearer") && !strings.EqualFold(tr.TokenType, "N_A") {
		return nil, fmt.Errorf("token request (%s): unsupported token type %q", grant, tr.TokenType)
	}
	withRefresh := ""
	if tr.RefreshToken != "" {
		withRefresh = ", with a refresh token"
	}
	a.step("got an access token (expires in %ds%s)", tr.ExpiresIn, withRefresh)
	return &tr, nil
}

func clientDesc(c *clientInfo) string {
	if c == nil {
		return "no client"
	}
	return fmt.Sprintf("%s (%s)", c.id, c.method)
}

// authenticate adds the client's credentials to form as its method says;
// client_secret_basic goes in the header instead.
func (a *Authorizer) authenticate(form url.Values, c *clientInfo, issuer string) error {
	switch c.method {
	case authBasic:
	case authPost:
		form.Set("client_id", c.id)
		form.Set("client_secret", c.secret)
	case authJWT:
		assertion, err := clientAssertion(c.id, issuer, c.key, a.now())
		if err != nil {
			return err
		}
		a.masker.Add(assertion)
		form.Set("client_id", c.id)
		form.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
		form.Set("client_assertion", assertion)
	default:
		form.Set("client_id", c.id)
	}
	return nil
}

// refreshIfSame refreshes the current token unless generation gen has
// been replaced meanwhile.
func (a *Authorizer) refreshIfSame(ctx context.Context, gen int64) error {
	if err := a.lockFlow(ctx); err != nil {
		return err
	}
	defer a.unlockFlow()
	a.mu.Lock()
	rec := a.rec
	same := a.gen == gen
	a.mu.Unlock()
	if !same || rec == nil {
		return nil
	}
	return a.refresh(ctx, rec)
}

// refresh trades rec's refresh token for a new access token (RFC 6749
// §6, with the RFC 8707 resource). A refused refresh token is forgotten.
func (a *Authorizer) refresh(ctx context.Context, rec *Record) error {
	if rec.TokenEndpoint == "" {
		return fmt.Errorf("refreshing: no token endpoint recorded")
	}
	c := &clientInfo{id: rec.ClientID, secret: rec.ClientSecret, method: rec.AuthMethod}
	if cc := a.cfg.ClientCredentials; cc != nil && cc.PrivateKeyPEM != "" {
		c.key = cc.PrivateKeyPEM
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rec.RefreshToken}, "resource": {rec.Resource}}
	a.step("refreshing the access token for %s", rec.Resource)
	tr, err := a.tokenRequest(ctx, rec.TokenEndpoint, rec.Issuer, c, form)
	if err != nil {
		a.event(console.LevelWarning, "refresh failed: %v", err)
		next := *rec
		next.RefreshToken = ""
		a.mu.Lock()
		if a.rec == rec {
			a.rec = &next
		}
		a.mu.Unlock()
		return err
	}
	next := *rec
	a.fill(&next, tr, rec.Scopes)
	a.setRecord(ctx, &next)
	return nil
}

// revoke asks the authorization server to revoke rec's tokens (RFC 7009).
func (a *Authorizer) revoke(ctx context.Context, rec *Record) error {
	c := &clientInfo{id: rec.ClientID, secret: rec.ClientSecret, method: rec.AuthMethod}
	var firstErr error
	for _, t := range []struct{ token, hint string }{{rec.RefreshToken, "refresh_token"}, {rec.AccessToken, "access_token"}} {
		if t.token == "" {
			continue
		}
		form := url.Values{"token": {t.token}, "token_type_hint": {t.hint}}
		if err := a.authenticate(form, c, rec.Issuer); err != nil {
			return err
		}
		if err := a.postRevocation(ctx, rec.RevocationEndpoint, c, form); err != nil && firstErr == nil {
			firstErr = fmt.Errorf("revoking the %s: %w", strings.ReplaceAll(t.hint, "_", " "), err)
		}
	}
	if firstErr == nil {
		a.step("revoked the tokens at %s", rec.RevocationEndpoint)
	}
	return firstErr
}

func (a *Authorizer) postRevocation(ctx context.Context, endpoint string, c *clientInfo, form url.Values) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if c.method == authBasic {
		req.SetBasicAuth(url.QueryEscape(c.id), url.QueryEscape(c.secret))
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return fmt.Errorf("%s", a.masker.Scrub(err.Error()))
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d from %s", resp.StatusCode, endpoint)
	}
	return nil
}
