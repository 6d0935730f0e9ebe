package oauth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// authorize runs discovery, then the grant the configuration calls for,
// and makes the result the current token.
func (a *Authorizer) authorize(ctx context.Context, ch Challenge) error {
	prm, err := a.discoverResource(ctx, ch)
	if err != nil {
		return err
	}
	resource, issuer, prmScopes := a.serverURL, origin(a.serverURL), []string(nil)
	if prm != nil {
		resource, issuer, prmScopes = prm.Resource, prm.AuthorizationServers[0], prm.ScopesSupported
	} else {
		a.step("no protected resource metadata: %s is its own authorization server (2025-03-26)", issuer)
	}
	md, err := a.discoverServer(ctx, issuer)
	if err != nil {
		return err
	}
	if prm == nil && md.Fallback && !ch.Bearer {
		return fmt.Errorf("%w: the server answered 401 with no Bearer challenge and publishes no OAuth metadata; configure a token in its headers", ErrNotOAuth)
	}
	a.mu.Lock()
	a.meta = md
	a.mu.Unlock()
	scopes := a.chooseScopes(ch, prmScopes, md)
	var rec *Record
	switch {
	case a.cfg.ClientCredentials != nil:
		rec, err = a.clientCredentials(ctx, md, resource, scopes)
	case a.cfg.Enterprise != nil:
		rec, err = a.enterprise(ctx, md, resource, scopes)
	default:
		rec, err = a.signIn(ctx, md, resource, scopes)
	}
	if err != nil {
		return err
	}
	a.setRecord(ctx, rec)
	a.step("authorized for %s by %s (scopes %v)", rec.Resource, rec.Issuer, rec.Scopes)
	return nil
}

func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Scheme + "://" + u.Host
}

// chooseScopes follows the spec's scope selection: configured scopes, else
// the challenge's, else the resource's scopes_supported, else none; plus
// the scopes granted before (step-up keeps them) and offline_access where
// the authorization server lists it.
func (a *Authorizer) chooseScopes(ch Challenge, prmScopes []string, md *ServerMetadata) []string {
	var scopes []string
	switch {
	case len(a.cfg.Scopes) > 0:
		scopes = a.cfg.Scopes
	case len(ch.Scopes) > 0:
		scopes = ch.Scopes
	default:
		scopes = prmScopes
	}
	a.mu.Lock()
	if a.rec != nil && ch.Error == "insufficient_scope" {
		scopes = union(a.rec.Scopes, scopes)
	}
	a.mu.Unlock()
	scopes = slices.Clone(scopes)
	if len(scopes) > 0 && a.cfg.ClientCredentials == nil && slices.Contains(md.ScopesSupported, "offline_access") &&
		!slices.Contains(scopes, "offline_access") {
		scopes = append(scopes, "offline_access")
	}
	return scopes
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// signIn runs the authorization code grant with PKCE through the browser.
func (a *Authorizer) signIn(ctx context.Context, md *ServerMetadata, resource string, scopes []string) (*Record, error) {
	p := Prompt{Server: a.opts.Server, Resource: resource, Issuer: md.Issuer, Scopes: scopes,
		Reason: fmt.Sprintf("%s needs sign-in at %s", a.serverName(), hostOf(md.Issuer))}
	choice, err := a.ui.Consent(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("asking to sign in: %w", err)
	}
	switch choice {
	case ChoiceUseToken:
		return a.askToken(ctx, p, md)
	case ChoiceSignIn:
	default:
		return nil, ErrCancelled
	}
	if err := checkPKCE(md); err != nil {
		return nil, err
	}
	ln, err := listenRedirect(a.cfg.CallbackPort)
	if err != nil {
		return nil, err
	}
	defer ln.close()
	c, err := a.client(ctx, md, ln.uri(), p)
	if err != nil {
		return nil, err
	}
	code, verifier, err := a.authorizationCode(ctx, md, c, ln, resource, scopes)
	if err != nil {
		return nil, err
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {ln.uri()},
		"code_verifier": {verifier}, "resource": {resource}}
	return a.grant(ctx, md, c, form, resource, scopes)
}

func (a *Authorizer) serverName() string {
	if a.opts.Server != "" {
		return a.opts.Server
	}
	return a.serverURL
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return u.Host
}

// askToken takes a token typed by the user; it is sent as is until the
// server refuses it.
func (a *Authorizer) askToken(ctx context.Context, p Prompt, md *ServerMetadata) (*Record, error) {
	tok, err := a.ui.AskToken(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("asking for a token: %w", err)
	}
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return nil, ErrCancelled
	}
	a.masker.Add(tok)
	a.step("using a token typed by the user")
	return &Record{Key: Key{Resource: p.Resource, Issuer: md.Issuer, ClientID: "user-token"}, AccessToken: tok, IssuedAt: a.now()}, nil
}

// pkce is one PKCE verifier and its S256 challenge, plus the state.
type pkce struct {
	verifier, challenge, state string
}

func newPKCE() pkce {
	v := randomString(32)
	sum := sha256.Sum256([]byte(v))
	return pkce{verifier: v, challenge: base64.RawURLEncoding.EncodeToString(sum[:]), state: randomString(16)}
}

func randomString(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// authorizationCode opens the browser on the authorization URL and waits
// for the redirect; it checks state and iss, and returns the code and the
// PKCE verifier that redeems it.
func (a *Authorizer) authorizationCode(ctx context.Context, md *ServerMetadata, c *clientInfo, ln *redirectListener, resource string, scopes []string) (string, string, error) {
	pk := newPKCE()
	a.masker.Add(pk.verifier, pk.state)
	ln.expect(pk.state)
	q := url.Values{"response_type": {"code"}, "client_id": {c.id}, "redirect_uri": {ln.uri()},
		"state": {pk.state}, "code_challenge": {pk.challenge}, "code_challenge_method": {"S256"}, "resource": {resource}}
	if len(scopes) > 0 {
		q.Set("scope", strings.Join(scopes, " "))
	}
	authURL := md.AuthorizationEndpoint
	if strings.Contains(authURL, "?") {
		authURL += "&" + q.Encode()
	} else {
		authURL += "?" + q.Encode()
	}
	a.step("opening the browser at %s (redirect to %s)", md.AuthorizationEndpoint, ln.uri())
	if err := a.ui.OpenBrowser(ctx, authURL); err != nil {
		return "", "", fmt.Errorf("opening the browser: %w", err)
	}
	wctx, cancel := context.WithTimeout(ctx, a.opts.RedirectTimeout)
	defer cancel()
	cb, err := ln.wait(wctx)
	if err != nil {
		return "", "", err
	}
	a.masker.Add(cb.code)
	if err := checkIss(cb.iss, md); err != nil {
		return "", "", err
	}
	a.step("got the authorization code")
	return cb.code, pk.verifier, nil
}

// checkIss applies RFC 9207 to the redirect's iss parameter.
func checkIss(iss string, md *ServerMetadata) error {
	switch {
	case iss == "" && md.IssParameterSupported:
		return fmt.Errorf("%w: the redirect has no iss though %s advertises it (RFC 9207)", ErrIssuerMismatch, md.Issuer)
	case iss != "" && strings.TrimSuffix(iss, "/") != strings.TrimSuffix(md.Issuer, "/"):
		return fmt.Errorf("%w: the redirect came from issuer %q, want %q (RFC 9207)", ErrIssuerMismatch, iss, md.Issuer)
	}
	return nil
}
