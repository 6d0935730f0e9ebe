// Package oauth owns mcpls's side of the MCP authorization flow
// (MCP 2025-11-25 Authorization, with the 2025-06-18 and 2025-03-26
// fallbacks): it reads a 401's WWW-Authenticate challenge, discovers the
// protected resource metadata (RFC 9728) and the authorization server
// metadata (RFC 8414, OpenID Connect discovery), picks a client (configured,
// Client ID Metadata Document, a stored or dynamic registration (RFC 7591),
// or one the user types), runs the authorization code grant with PKCE S256
// (RFC 7636), state, resource indicators (RFC 8707) and the iss check
// (RFC 9207), and keeps the tokens: Bearer on every request to the resource
// they were issued for, refresh before and on expiry, step-up on 403
// insufficient_scope, sign-out with revocation (RFC 7009). For machines it
// speaks client credentials (client_secret_basic, private_key_jwt) and the
// enterprise token exchange (SEP-990: RFC 8693 then RFC 7523).
//
// The two things that touch the user are injected: a [UI] opens the
// browser and asks questions, a [Store] keeps tokens ([FileStore] under the
// user config dir, [MemoryStore] for tests and one-shot runs). An
// [Authorizer] plugs into any HTTP client through [Authorizer.Wrap] (or
// [Authorizer.Client]); to give an internal/mcp session OAuth:
//
//	a := oauth.New(target.URL, cfg, oauth.Options{Server: name, UI: ui, Store: store, Console: sink, Masker: masker})
//	s, err := mcp.Connect(ctx, target, &mcp.Options{HTTPClient: mcp.AuthorizedHTTPClient(a), Console: sink})
//
// A request that already carries an Authorization header (a personal
// access token from the config's headers) passes through untouched, and
// the token is only ever sent to the server's own origin.
//
// Every step is a console.KindAuth event. No secret reaches an event, an
// error or a log: each token, secret, code and verifier is registered with
// the [Options.Masker] the moment it is learnt, and messages never include
// them in the first place.
package oauth
