package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/oauthex"
)

// Challenge is what a 401 or 403 WWW-Authenticate Bearer challenge says.
type Challenge struct {
	Bearer           bool     // the response carried a Bearer challenge
	ResourceMetadata string   // resource_metadata: where the PRM is
	Scopes           []string // scope: what the request needs
	Error            string   // error: invalid_token, insufficient_scope...
}

// ParseChallenge reads the Bearer challenge of a response's
// WWW-Authenticate headers; other schemes are ignored.
func ParseChallenge(h http.Header) Challenge {
	cs, err := oauthex.ParseWWWAuthenticate(h.Values("WWW-Authenticate"))
	if err != nil {
		return Challenge{}
	}
	var c Challenge
	for _, ch := range cs {
		if !strings.EqualFold(ch.Scheme, "bearer") {
			continue
		}
		c.Bearer = true
		if v := ch.Params["resource_metadata"]; v != "" && c.ResourceMetadata == "" {
			c.ResourceMetadata = v
		}
		if v := ch.Params["scope"]; v != "" && c.Scopes == nil {
			c.Scopes = strings.Fields(v)
		}
		if v := ch.Params["error"]; v != "" && c.Error == "" {
			c.Error = v
		}
	}
	return c
}

// ResourceMetadata is RFC 9728 protected resource metadata.
type ResourceMetadata struct {
	Resource             string   `json:"resource"`
	AuthorizationServers []string `json:"authorization_servers"`
	ScopesSupported      []string `json:"scopes_supported,omitempty"`
}

// ServerMetadata is RFC 8414 authorization server metadata (the fields
// the flow uses).
type ServerMetadata struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	RegistrationEndpoint              string   `json:"registration_endpoint,omitempty"`
	RevocationEndpoint                string   `json:"revocation_endpoint,omitempty"`
	ScopesSupported                   []string `json:"scopes_supported,omitempty"`
	GrantTypesSupported               []string `json:"grant_types_supported,omitempty"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported,omitempty"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported,omitempty"`
	ClientIDMetadataDocumentSupported bool     `json:"client_id_metadata_document_supported,omitempty"`
	IssParameterSupported             bool     `json:"authorization_response_iss_parameter_supported,omitempty"`
	// Fallback is true when no metadata was found and the endpoints are
	// the 2025-03-26 defaults at the server's root.
	Fallback bool `json:"-"`
}

// errStatus is a metadata fetch answered with a non-2xx status.
type errStatus struct {
	url    string
	status int
}

func (e *errStatus) Error() string { return fmt.Sprintf("GET %s: HTTP %d", e.url, e.status) }

// getJSON fetches a JSON document of at most 1 MiB.
func (a *Authorizer) getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("building request for %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := a.hc.Do(req)
	if err != nil {
		return fmt.Errorf("fetching %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		return &errStatus{url: u, status: resp.StatusCode}
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(v); err != nil {
		return fmt.Errorf("decoding %s: %w", u, err)
	}
	return nil
}

// prmURLs lists where the protected resource metadata may be, in the
// spec's order: the challenge's URL, path-inserted, root.
func prmURLs(fromChallenge, resource string) []string {
	var urls []string
	if fromChallenge != "" {
		urls = append(urls, fromChallenge)
	}
	u, err := url.Parse(resource)
	if err != nil {
		return urls
	}
	base := u.Scheme + "://" + u.Host + "/.well-known/oauth-protected-resource"
	if p := strings.Trim(u.Path, "/"); p != "" {
		urls = append(urls, base+"/"+p)
	}
	return append(urls, base)
}

// discoverResource finds the protected resource metadata of the server at
// serverURL. It returns nil, nil when there is none (a 2025-03-26 server).
func (a *Authorizer) discoverResource(ctx context.Context, ch Challenge) (*ResourceMetadata, error) {
	for _, u := range prmURLs(ch.ResourceMetadata, a.serverURL) {
		var prm ResourceMetadata
		err := a.getJSON(ctx, u, &prm)
		var st *errStatus
		if errors.As(err, &st) {
			a.step("no protected resource metadata at %s (HTTP %d)", u, st.status)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading protected resource metadata: %w", err)
		}
		a.step("protected resource metadata from %s: resource %s, authorization servers %v", u, prm.Resource, prm.AuthorizationServers)
		if !resourceCovers(prm.Resource, a.serverURL) {
			return nil, fmt.Errorf("%w: %s is for %q, not %q", ErrResourceMismatch, u, prm.Resource, a.serverURL)
		}
		if len(prm.AuthorizationServers) == 0 {
			return nil, fmt.Errorf("protected resource metadata at %s lists no authorization server", u)
		}
		return &prm, nil
	}
	return nil, nil
}

// resourceCovers reports whether the resource identifier names serverURL:
// same scheme and host, and a path that is a prefix of the server's path
// on a segment boundary.
func resourceCovers(resource, serverURL string) bool {
	r, err1 := url.Parse(resource)
	s, err2 := url.Parse(serverURL)
	if err1 != nil || err2 != nil || r.Fragment != "" {
		return false
	}
	if !strings.EqualFold(r.Scheme, s.Scheme) || !strings.EqualFold(r.Host, s.Host) {
		return false
	}
	rp, sp := strings.TrimSuffix(r.Path, "/"), strings.TrimSuffix(s.Path, "/")
	return rp == "" || sp == rp || strings.HasPrefix(sp, rp+"/")
}

// asMetadataURLs lists where an issuer's metadata may be, in the spec's
// order: RFC 8414 and OIDC with path insertion, OIDC path appending.
func asMetadataURLs(issuer string) []string {
	u, err := url.Parse(issuer)
	if err != nil {
		return nil
	}
	origin := u.Scheme + "://" + u.Host
	p := strings.Trim(u.Path, "/")
	if p == "" {
		return []string{origin + "/.well-known/oauth-authorization-server", origin + "/.well-known/openid-configuration"}
	}
	return []string{
		origin + "/.well-known/oauth-authorization-server/" + p,
		origin + "/.well-known/openid-configuration/" + p,
		origin + "/" + p + "/.well-known/openid-configuration",
	}
}

// discoverServer reads the authorization server's metadata, or returns the
// 2025-03-26 default endpoints when it publishes none.
func (a *Authorizer) discoverServer(ctx context.Context, issuer string) (*ServerMetadata, error) {
	for _, u := range asMetadataURLs(issuer) {
		var md ServerMetadata
		err := a.getJSON(ctx, u, &md)
		var st *errStatus
		if errors.As(err, &st) && st.status >= 400 && st.status < 500 {
			a.step("no authorization server metadata at %s (HTTP %d)", u, st.status)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading authorization server metadata: %w", err)
		}
		if strings.TrimSuffix(md.Issuer, "/") != strings.TrimSuffix(issuer, "/") {
			return nil, fmt.Errorf("%w: metadata at %s announces issuer %q, want %q (RFC 8414 §3.3)", ErrIssuerMismatch, u, md.Issuer, issuer)
		}
		if md.TokenEndpoint == "" {
			return nil, fmt.Errorf("authorization server metadata at %s has no token_endpoint", u)
		}
		a.step("authorization server metadata from %s", u)
		return &md, nil
	}
	u, err := url.Parse(issuer)
	if err != nil {
		return nil, fmt.Errorf("parsing issuer %q: %w", issuer, err)
	}
	root := u.Scheme + "://" + u.Host
	a.step("no authorization server metadata: using the default endpoints at %s (2025-03-26)", root)
	return &ServerMetadata{Issuer: issuer, AuthorizationEndpoint: root + "/authorize",
		TokenEndpoint: root + "/token", RegistrationEndpoint: root + "/register", Fallback: true}, nil
}

// checkPKCE refuses an authorization server that does not advertise S256.
func checkPKCE(md *ServerMetadata) error {
	if md.Fallback || slices.Contains(md.CodeChallengeMethodsSupported, "S256") {
		return nil
	}
	return fmt.Errorf("%w (it lists %v)", ErrNoPKCE, md.CodeChallengeMethodsSupported)
}
