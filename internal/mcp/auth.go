package mcp

import "net/http"

// Authorizer adds authorization to the HTTP requests of a session: it
// wraps the transport, sets the Authorization header, and answers 401 and
// 403 challenges (sign-in, refresh, step-up) before the SDK sees them.
// internal/oauth's Authorizer implements it; this package does not depend
// on it, the caller wires the two.
type Authorizer interface {
	Wrap(next http.RoundTripper) http.RoundTripper
}

// AuthorizedHTTPClient returns an http.Client for Options.HTTPClient: the
// shared client tuned for many concurrent requests per host, with a's
// transport around it.
func AuthorizedHTTPClient(a Authorizer) *http.Client {
	base := defaultHTTPClient()
	return &http.Client{Transport: a.Wrap(base.Transport), CheckRedirect: base.CheckRedirect, Jar: base.Jar}
}
