package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"

	"mcpls/internal/console"
)

// Token endpoint client authentication methods.
const (
	authBasic = "client_secret_basic"
	authPost  = "client_secret_post"
	authNone  = "none"
	authJWT   = "private_key_jwt"
)

// clientInfo is the client the flow authenticates as.
type clientInfo struct {
	id, secret string
	method     string // token endpoint auth method
	key        string // PEM, for private_key_jwt
}

// client picks the client, in the spec's order: configured, Client ID
// Metadata Document, a stored registration, dynamic registration, the user.
func (a *Authorizer) client(ctx context.Context, md *ServerMetadata, redirect string, p Prompt) (*clientInfo, error) {
	if a.cfg.ClientID != "" {
		a.step("using the configured client %s", a.cfg.ClientID)
		return &clientInfo{id: a.cfg.ClientID, secret: a.cfg.ClientSecret, method: pickMethod(md, a.cfg.ClientSecret != "")}, nil
	}
	if a.cfg.ClientMetadataURL != "" && md.ClientIDMetadataDocumentSupported {
		a.step("using the client ID metadata document %s", a.cfg.ClientMetadataURL)
		return &clientInfo{id: a.cfg.ClientMetadataURL, method: authNone}, nil
	}
	if c := a.storedClient(ctx, md.Issuer); c != nil {
		a.step("reusing the client %s registered at %s", c.id, md.Issuer)
		return c, nil
	}
	if md.RegistrationEndpoint != "" {
		return a.register(ctx, md, redirect)
	}
	a.step("%s offers no registration: asking for a client id", md.Issuer)
	p.Reason = fmt.Sprintf("%s does not let mcpls register itself: enter a client id (and secret) registered there, with redirect URI %s", hostOf(md.Issuer), redirect)
	id, secret, err := a.ui.AskClient(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("%w: %s supports no dynamic registration and %w", ErrNoClient, md.Issuer, err)
	}
	if id == "" {
		return nil, ErrCancelled
	}
	a.masker.Add(secret)
	return &clientInfo{id: id, secret: secret, method: pickMethod(md, secret != "")}, nil
}

// pickMethod chooses how a client with or without a secret authenticates
// at the token endpoint (RFC 8414's default is client_secret_basic).
func pickMethod(md *ServerMetadata, hasSecret bool) string {
	if !hasSecret {
		return authNone
	}
	supported := md.TokenEndpointAuthMethodsSupported
	if len(supported) == 0 || slices.Contains(supported, authBasic) {
		return authBasic
	}
	if slices.Contains(supported, authPost) {
		return authPost
	}
	return authBasic
}

// storedClient returns the registration kept for issuer, if any.
func (a *Authorizer) storedClient(ctx context.Context, issuer string) *clientInfo {
	keys, err := a.store.List(ctx)
	if err != nil {
		return nil
	}
	for _, k := range keys {
		if k.Resource != "" || k.Issuer != issuer {
			continue
		}
		r, err := a.store.Get(ctx, k)
		if err != nil {
			continue
		}
		a.learn(r)
		return &clientInfo{id: r.ClientID, secret: r.ClientSecret, method: r.AuthMethod}
	}
	return nil
}

// registration is an RFC 7591 request and response (the fields we use).
type registration struct {
	ClientName              string   `json:"client_name,omitempty"`
	RedirectURIs            []string `json:"redirect_uris"`
	GrantTypes              []string `json:"grant_types,omitempty"`
	ResponseTypes           []string `json:"response_types,omitempty"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method,omitempty"`
	ApplicationType         string   `json:"application_type,omitempty"`
	ClientID                string   `json:"client_id,omitempty"`
	ClientSecret            string   `json:"client_secret,omitempty"`
	Error                   string   `json:"error,omitempty"`
	ErrorDescription        string   `json:"error_description,omitempty"`
}

// register runs dynamic client registration and keeps the result for
// every resource of this authorization server.
func (a *Authorizer) register(ctx context.Context, md *ServerMetadata, redirect string) (*clientInfo, error) {
	name := a.cfg.ClientName
	if name == "" {
		name = "mcpls"
	}
	method := authNone
	if s := md.TokenEndpointAuthMethodsSupported; len(s) > 0 && !slices.Contains(s, authNone) {
		method = pickMethod(md, true)
	}
	req := registration{ClientName: name, RedirectURIs: []string{redirect}, ApplicationType: "native",
		GrantTypes: []string{"authorization_code", "refresh_token"}, ResponseTypes: []string{"code"}, TokenEndpointAuthMethod: method}
	resp, err := a.postJSON(ctx, md.RegistrationEndpoint, req)
	if err != nil {
		return nil, fmt.Errorf("registering at %s: %w", md.RegistrationEndpoint, err)
	}
	a.masker.Add(resp.ClientSecret)
	c := &clientInfo{id: resp.ClientID, secret: resp.ClientSecret, method: resp.TokenEndpointAuthMethod}
	if c.method == "" {
		c.method = pickMethod(md, c.secret != "")
	}
	a.step("registered as client %s at %s (token endpoint auth %s)", c.id, md.Issuer, c.method)
	rec := &Record{Key: Key{Issuer: md.Issuer, ClientID: c.id}, ClientSecret: c.secret, AuthMethod: c.method}
	if err := a.store.Put(ctx, rec); err != nil {
		a.event(console.LevelWarning, "storing the registration: %v", err)
	}
	return c, nil
}

// postJSON posts an RFC 7591 registration and decodes the answer.
func (a *Authorizer) postJSON(ctx context.Context, u string, body registration) (*registration, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := a.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out registration
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	_ = json.Unmarshal(raw, &out)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("HTTP %d %s", resp.StatusCode, a.masker.Scrub(oauthError(out.Error, out.ErrorDescription)))
	}
	if out.ClientID == "" {
		return nil, fmt.Errorf("the answer has no client_id")
	}
	return &out, nil
}

func oauthError(code, desc string) string {
	if desc == "" {
		return code
	}
	return code + ": " + desc
}
