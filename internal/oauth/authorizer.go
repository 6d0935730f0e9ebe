package oauth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"mcpls/internal/console"
)

// maxAttempts bounds the authorizations (sign-in, step-up, refresh on a
// 401) tried in a row without a request getting through.
const maxAttempts = 3

// Authorizer holds one server's OAuth state: it adds the Bearer token to
// requests for that server, and on a 401 (or a 403 insufficient_scope) runs
// the flow and retries. It is safe for concurrent use; one flow runs at a
// time.
type Authorizer struct {
	serverURL string
	cfg       Config
	opts      Options
	hc        *http.Client
	ui        UI
	store     Store
	masker    *console.Masker
	sink      console.Sink
	now       func() time.Time

	// flow serialises flows (sign-in, refresh, sign-out): a token in it
	// is the right to run one. A channel, so waiting heeds the context.
	flow chan struct{}

	// mu guards the fields below.
	mu      sync.Mutex
	loaded  bool
	rec     *Record // the current tokens; nil when signed out
	gen     int64   // bumped each time rec changes
	streak  int     // authorizations since a request last got through
	lastErr error
	meta    *ServerMetadata // the last discovered authorization server
	lastCh  *Challenge      // the last challenge the server sent
}

// New returns the Authorizer for the MCP server at serverURL.
func New(serverURL string, cfg Config, opts Options) *Authorizer {
	a := &Authorizer{serverURL: serverURL, cfg: cfg, opts: opts, hc: opts.HTTPClient, ui: opts.UI,
		store: opts.Store, masker: opts.Masker, sink: opts.Console, now: opts.Now, flow: make(chan struct{}, 1)}
	if a.hc == nil {
		a.hc = &http.Client{Timeout: 30 * time.Second}
	}
	if a.ui == nil {
		a.ui = RefuseUI{}
	}
	if a.store == nil {
		a.store = &MemoryStore{}
	}
	if a.masker == nil {
		a.masker = &console.Masker{}
	}
	if a.sink == nil {
		a.sink = console.Discard
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.opts.RedirectTimeout <= 0 {
		a.opts.RedirectTimeout = 5 * time.Minute
	}
	a.masker.Add(cfg.ClientSecret)
	if cc := cfg.ClientCredentials; cc != nil {
		a.masker.Add(cc.ClientSecret, cc.PrivateKeyPEM)
	}
	if e := cfg.Enterprise; e != nil {
		a.masker.Add(e.ClientSecret)
	}
	return a
}

// Client returns an http.Client that authorizes every request to the
// server; base (nil: http.DefaultClient) supplies the transport.
func (a *Authorizer) Client(base *http.Client) *http.Client {
	if base == nil {
		base = http.DefaultClient
	}
	next := base.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	return &http.Client{Transport: a.Wrap(next), CheckRedirect: base.CheckRedirect, Jar: base.Jar, Timeout: base.Timeout}
}

// Wrap returns a RoundTripper that authorizes requests to the server and
// passes every other request through untouched.
func (a *Authorizer) Wrap(next http.RoundTripper) http.RoundTripper {
	return &transport{a: a, next: next}
}

// Status says whether the Authorizer holds a token, for whom, until when.
type Status struct {
	SignedIn bool
	Resource string
	Issuer   string
	ClientID string
	Scopes   []string
	Expiry   time.Time
	LastErr  string // the last failure, secrets scrubbed
}

// Status reports the current state.
func (a *Authorizer) Status(ctx context.Context) Status {
	a.load(ctx)
	a.mu.Lock()
	defer a.mu.Unlock()
	var s Status
	if a.lastErr != nil {
		s.LastErr = a.masker.Scrub(a.lastErr.Error())
	}
	if a.rec == nil {
		return s
	}
	s.SignedIn, s.Resource, s.Issuer, s.ClientID = true, a.rec.Resource, a.rec.Issuer, a.rec.ClientID
	s.Scopes, s.Expiry = append([]string(nil), a.rec.Scopes...), a.rec.Expiry
	return s
}

// LastError returns the last flow failure (nil after a success).
func (a *Authorizer) LastError() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.lastErr
}

// covers reports whether a request to u may carry the server's token:
// the same origin and a path under the server's resource.
func (a *Authorizer) covers(u *url.URL) bool {
	s, err := url.Parse(a.serverURL)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Scheme, s.Scheme) && strings.EqualFold(u.Host, s.Host)
}

// load reads a stored token for this server once.
func (a *Authorizer) load(ctx context.Context) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.loaded {
		return
	}
	a.loaded = true
	keys, err := a.store.List(ctx)
	if err != nil {
		a.event(console.LevelWarning, "reading stored tokens: %v", err)
		return
	}
	for _, k := range keys {
		if k.Resource == "" || !resourceCovers(k.Resource, a.serverURL) || (a.cfg.ClientID != "" && k.ClientID != a.cfg.ClientID) {
			continue
		}
		rec, err := a.store.Get(ctx, k)
		if err != nil || rec.AccessToken == "" {
			continue
		}
		a.learn(rec)
		a.rec, a.gen = rec, a.gen+1
		a.event(console.LevelInfo, "using the stored sign-in at %s for %s", k.Issuer, k.Resource)
		return
	}
}

// learn registers a record's secrets with the masker.
func (a *Authorizer) learn(r *Record) {
	a.masker.Add(r.AccessToken, r.RefreshToken, r.ClientSecret)
}

// current returns the token to send (refreshing it first when it is about
// to expire) and its generation.
func (a *Authorizer) current(ctx context.Context) (*Record, int64) {
	a.load(ctx)
	a.mu.Lock()
	rec, gen := a.rec, a.gen
	a.mu.Unlock()
	if rec == nil || rec.RefreshToken == "" || !a.expiring(rec) {
		return rec, gen
	}
	if err := a.refreshIfSame(ctx, gen); err != nil {
		a.event(console.LevelWarning, "refreshing the token before expiry failed: %v", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rec, a.gen
}

// expiring reports whether rec expires within a tenth of its lifetime
// (at most 30 s).
func (a *Authorizer) expiring(rec *Record) bool {
	if rec.Expiry.IsZero() {
		return false
	}
	skew := 30 * time.Second
	if !rec.IssuedAt.IsZero() {
		if life := rec.Expiry.Sub(rec.IssuedAt) / 10; life < skew {
			skew = life
		}
	}
	return !a.now().Add(skew).Before(rec.Expiry)
}

// setRecord makes rec the current token and stores it, forgetting the
// one it replaces when that was kept under another key.
func (a *Authorizer) setRecord(ctx context.Context, rec *Record) {
	a.learn(rec)
	a.mu.Lock()
	old := a.rec
	a.rec, a.gen, a.lastErr = rec, a.gen+1, nil
	a.mu.Unlock()
	if err := a.store.Put(ctx, rec); err != nil {
		a.event(console.LevelWarning, "storing the token: %v", err)
	}
	if old != nil && old.Key != rec.Key {
		if err := a.store.Delete(ctx, old.Key); err != nil {
			a.event(console.LevelWarning, "forgetting the replaced token: %v", err)
		}
	}
}

// fail records err as the last failure and reports it.
func (a *Authorizer) fail(err error) error {
	a.mu.Lock()
	a.lastErr = err
	a.mu.Unlock()
	a.event(console.LevelError, "%v", err)
	return err
}

// transport is the RoundTripper of Wrap.
type transport struct {
	a    *Authorizer
	next http.RoundTripper
}

// RoundTrip sends req with the server's token; on a challenge it runs the
// flow (at most maxAttempts times) and resends, rewinding the body with
// GetBody. When the flow fails the server's answer is returned as is, and
// LastError says why.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	a := t.a
	if req.Header.Get("Authorization") != "" || !a.covers(req.URL) {
		return t.next.RoundTrip(req)
	}
	ctx := req.Context()
	for try := 0; ; try++ {
		rec, gen := a.current(ctx)
		out, err := withBody(req, try)
		if err != nil {
			return nil, err
		}
		if rec != nil {
			out.Header.Set("Authorization", "Bearer "+rec.AccessToken)
		}
		resp, err := t.next.RoundTrip(out)
		if err != nil {
			return nil, err
		}
		ch, ok := authChallenge(resp)
		if !ok {
			a.passed()
			return resp, nil
		}
		if try >= maxAttempts || (req.Body != nil && req.Body != http.NoBody && req.GetBody == nil) {
			return resp, nil
		}
		resp = keepBody(resp)
		if err := a.handle(ctx, resp.StatusCode, ch, gen); err != nil {
			return resp, nil
		}
	}
}

// withBody clones req for a try: the first sends req's body, later ones a
// fresh copy from GetBody.
func withBody(req *http.Request, try int) (*http.Request, error) {
	out := req.Clone(req.Context())
	if try > 0 && req.GetBody != nil && req.Body != nil && req.Body != http.NoBody {
		body, err := req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("rewinding the request body: %w", err)
		}
		out.Body = body
	}
	return out, nil
}

// authChallenge reports whether resp asks for authorization: a 401, or a
// 403 whose challenge says insufficient_scope.
func authChallenge(resp *http.Response) (Challenge, bool) {
	if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
		return Challenge{}, false
	}
	ch := ParseChallenge(resp.Header)
	if resp.StatusCode == http.StatusForbidden && ch.Error != "insufficient_scope" {
		return ch, false
	}
	return ch, true
}

// keepBody reads a small error body so the response can be returned after
// the connection is reused.
func keepBody(resp *http.Response) *http.Response {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp
}

// passed notes that a request got through: the attempt streak restarts.
func (a *Authorizer) passed() {
	a.mu.Lock()
	a.streak = 0
	a.mu.Unlock()
}

// handle answers a challenge to a request sent with token generation gen:
// nothing when the token changed meanwhile, else a refresh (401 with a
// refresh token) or a new authorization, at most maxAttempts in a row.
func (a *Authorizer) handle(ctx context.Context, status int, ch Challenge, gen int64) error {
	if err := a.lockFlow(ctx); err != nil {
		return err
	}
	defer a.unlockFlow()
	a.mu.Lock()
	if a.gen != gen {
		a.mu.Unlock()
		return nil
	}
	if a.streak >= maxAttempts {
		a.mu.Unlock()
		return a.fail(fmt.Errorf("%w: %d in a row, the server still answers HTTP %d", ErrTooManyAttempts, maxAttempts, status))
	}
	a.streak++
	rec := a.rec
	a.lastCh = &ch
	a.mu.Unlock()
	if status == http.StatusForbidden {
		a.step("HTTP 403 insufficient_scope: stepping up to scopes %v", ch.Scopes)
	} else {
		a.step("HTTP 401: authorization required")
	}
	if status == http.StatusUnauthorized && rec != nil && rec.RefreshToken != "" {
		if err := a.refresh(ctx, rec); err == nil {
			return nil
		}
	}
	if err := a.authorize(ctx, ch); err != nil {
		return a.fail(err)
	}
	return nil
}

// SignIn runs the flow now with ctx's deadline rather than a request's:
// the editor calls it when the user picks "Sign in" after a connection
// failed for want of authorization. It uses the server's last challenge,
// or discovers the metadata from the well-known URLs.
func (a *Authorizer) SignIn(ctx context.Context) error {
	if err := a.lockFlow(ctx); err != nil {
		return err
	}
	defer a.unlockFlow()
	a.load(ctx)
	ch := Challenge{Bearer: true}
	a.mu.Lock()
	if a.lastCh != nil {
		ch = *a.lastCh
		ch.Bearer = true
	}
	a.streak = 0
	a.mu.Unlock()
	if err := a.authorize(ctx, ch); err != nil {
		return a.fail(err)
	}
	return nil
}

// SignOut forgets the token and revokes it where the authorization server
// supports revocation (RFC 7009). The client registration is kept.
func (a *Authorizer) SignOut(ctx context.Context) error {
	if err := a.lockFlow(ctx); err != nil {
		return err
	}
	defer a.unlockFlow()
	a.load(ctx)
	a.mu.Lock()
	rec := a.rec
	a.rec, a.gen = nil, a.gen+1
	a.mu.Unlock()
	if rec == nil {
		a.step("sign out: not signed in")
		return nil
	}
	var errs []error
	if rec.RevocationEndpoint != "" {
		errs = append(errs, a.revoke(ctx, rec))
	} else {
		a.step("sign out: %s does not support revocation; forgetting the token only", rec.Issuer)
	}
	if err := a.store.Delete(ctx, rec.Key); err != nil {
		errs = append(errs, err)
	}
	a.step("signed out of %s", rec.Issuer)
	return errors.Join(errs...)
}

// lockFlow waits for the right to run a flow, or for ctx to end.
func (a *Authorizer) lockFlow(ctx context.Context) error {
	select {
	case a.flow <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for another sign-in to finish: %w", ctx.Err())
	}
}

func (a *Authorizer) unlockFlow() { <-a.flow }

// step reports one step of the flow.
func (a *Authorizer) step(format string, args ...any) {
	a.event(console.LevelInfo, format, args...)
}

func (a *Authorizer) event(level console.Level, format string, args ...any) {
	if a.sink == console.Discard {
		return
	}
	msg := a.masker.Scrub(console.RedactText(fmt.Sprintf(format, args...)))
	a.sink.Emit(console.Event{Time: time.Now(), Server: a.opts.Server, Kind: console.KindAuth, Level: level, Message: msg})
}
