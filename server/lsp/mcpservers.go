package lsp

// The MCP servers of the workspace: one entry per (config file, server
// name) with its connection state, live session, catalog (live, else from
// the offline cache), last error, and the last outcome of each saved
// request. Every change is announced (mcp/serverState when the editor
// handles it), re-diagnoses the file (request diagnostics depend on the
// catalogs) and refreshes code lenses.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/uri"

	"mcpls/internal/cache"
	"mcpls/internal/config"
	"mcpls/internal/console"
	"mcpls/internal/mcp"
	"mcpls/internal/requests"
	"mcpls/internal/runner"
	"mcpls/server/lspext"
)

// serverKey names one server of one config file.
type serverKey struct {
	uri  uri.URI
	name string
}

// requestKey names one saved request of one config file.
type requestKey struct {
	uri   uri.URI
	index int
}

// mcpServer is the state of one server. Its fields are guarded by
// mcpServers.mu; a catalog handed out is never mutated (a new one
// replaces it), so the request features can memoise on its pointer.
type mcpServer struct {
	state     string
	transport string
	target    string // redacted URL or command line
	sess      *mcp.Session
	cat       *mcp.Catalog
	cachedAt  time.Time // zero for a live catalog
	err       string
	cacheKey  cache.Key
	keyed     bool          // cacheKey is known (the target could be built)
	dialed    string        // identity of the target sess is connected to
	busy      chan struct{} // closed when the connect in progress ends; nil when none
	queued    bool          // an automatic connect waits for a slot (autoConnectSlots)
}

// mcpServers is the per-workspace MCP manager.
type mcpServers struct {
	s     *Server
	cache *cache.Cache // nil when no cache directory is usable
	ring  *console.Ring

	// masker scrubs the values of password inputs from console events.
	masker console.Masker

	encodings catalogEncodings // catalogs as the editor gets them

	mu       sync.Mutex
	servers  map[serverKey]*mcpServer
	outcomes map[requestKey]lspext.Result
	inputs   map[uri.URI]map[string]string // input values typed, by file and id
	closed   bool
}

func newMCPServers(s *Server, cacheDir string) *mcpServers {
	c, err := cache.New(&cache.Options{Dir: cacheDir})
	if err != nil {
		s.logf("catalog cache disabled: %v", err)
		c = nil
	}
	return &mcpServers{
		s: s, cache: c, ring: console.NewRingWith(console.DefaultRingLimits),
		servers: map[serverKey]*mcpServer{}, outcomes: map[requestKey]lspext.Result{},
		inputs: map[uri.URI]map[string]string{},
	}
}

// entry returns the entry of k, creating a disconnected one. Call with mu held.
func (m *mcpServers) entry(k serverKey) *mcpServer {
	e := m.servers[k]
	if e == nil {
		e = &mcpServer{state: lspext.StateDisconnected}
		// The name is a slice of one version of the file's text, the URI
		// of one editor message: copies keep the map from holding those
		// whole texts alive.
		k.name, k.uri = strings.Clone(k.name), uri.URI(strings.Clone(string(k.uri)))
		m.servers[k] = e
	}
	return e
}

// catalogs returns the catalog lookup of one config file for the request
// features.
func (m *mcpServers) catalogs(u uri.URI) requests.Catalogs {
	return func(name string) (*mcp.Catalog, time.Time, bool) {
		m.mu.Lock()
		defer m.mu.Unlock()
		e := m.servers[serverKey{u, name}]
		if e == nil || e.cat == nil {
			return nil, time.Time{}, false
		}
		return e.cat, e.cachedAt, true
	}
}

// state returns the state of k, without its catalog: what lenses and
// callers inside the server need.
func (m *mcpServers) state(k serverKey) lspext.ServerState {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stateLocked(k, m.entry(k))
}

// withCatalog is st, a state of this manager's, as the editor is told it:
// with the server's catalog.
func (m *mcpServers) withCatalog(st lspext.ServerState) lspext.ServerState {
	m.mu.Lock()
	var cat *mcp.Catalog
	if e := m.servers[serverKey{uri.URI(st.URI), st.Name}]; e != nil {
		cat = e.cat
	}
	m.mu.Unlock()
	if cat != nil {
		describeCatalog(&st, cat) // the counts of the catalog sent, should it have changed since
		st.Catalog = m.encodings.encode(cat)
	}
	return st
}

func (m *mcpServers) stateLocked(k serverKey, e *mcpServer) lspext.ServerState {
	st := lspext.ServerState{URI: string(k.uri), Name: k.name, State: e.state, Queued: e.queued,
		Transport: e.transport, Target: e.target, Error: e.err, Auth: m.s.auth.authState(k)}
	if e.cat != nil {
		describeCatalog(&st, e.cat)
	}
	if !e.cachedAt.IsZero() {
		st.CachedAt = e.cachedAt.UTC().Format(time.RFC3339)
	}
	return st
}

// describeCatalog sets what st says of catalog c, but the catalog itself.
func describeCatalog(st *lspext.ServerState, c *mcp.Catalog) {
	st.Counts = lspext.Counts{Tools: len(c.Tools), Prompts: len(c.Prompts),
		Resources: len(c.Resources), Templates: len(c.Templates)}
	st.Protocol = c.ProtocolVersion
	st.ServerApp = strings.TrimSpace(c.Server.Name + " " + c.Server.Version)
}

// session returns the live session of k, nil when not connected.
func (m *mcpServers) session(k serverKey) *mcp.Session {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e := m.servers[k]; e != nil {
		return e.sess
	}
	return nil
}

// envLookup is the environment servers inherit.
var envLookup = os.LookupEnv

// serverEnv is the environment servers of a file are expanded with.
func serverEnv(folder string) config.Env {
	return config.Env{LookupEnv: envLookup, ReadFile: os.ReadFile, WorkspaceFolder: folder, UserHome: userHome()}
}

// describeTarget is the redacted target shown to the user and the cache key.
func describeTarget(t mcp.Target) (transport, shown string) {
	if t.Transport == mcp.TransportStdio {
		return string(t.Transport), console.RedactText(strings.TrimSpace(t.Command + " " + strings.Join(t.Args, " ")))
	}
	return string(t.Transport), console.RedactURL(t.URL)
}

// targetID tells targets apart: a server entry edited to point elsewhere
// gets a new session.
func targetID(t mcp.Target) string {
	return string(t.Transport) + "\x00" + t.URL + "\x00" + t.Command + "\x00" + strings.Join(t.Args, "\x00")
}

// prime builds the target of server srv and loads its cached catalog
// when the server has none yet, so a file shows cached catalogs before
// any connection. It returns the target, or why it cannot be built.
func (m *mcpServers) prime(k serverKey, f *config.File, srv *config.Server, folder string) (mcp.Target, error) {
	env := serverEnv(folder)
	env.LookupInput = m.lookupInput(k.uri)
	t, err := runner.TargetFor(f, srv, env)
	m.mu.Lock()
	_, known := m.servers[k]
	e := m.entry(k)
	if !known {
		// A server seen for the first time is announced, disconnected.
		defer m.changed(k)
	}
	if err != nil {
		m.mu.Unlock()
		return t, err
	}
	// Copies: e outlives this version of the file, and whatever these
	// strings share with its text would keep that whole text alive.
	tr, shown := describeTarget(t)
	e.transport, e.target = strings.Clone(tr), strings.Clone(shown)
	ck := runner.CacheKey(t)
	e.cacheKey, e.keyed = cache.Key{Name: strings.Clone(ck.Name), Target: strings.Clone(ck.Target)}, true
	load := e.cat == nil && m.cache != nil
	m.mu.Unlock()
	if !load {
		return t, nil
	}
	entry, lerr := m.cache.Load(runner.CacheKey(t))
	if lerr != nil {
		return t, nil
	}
	var cat mcp.Catalog
	if json.Unmarshal(entry.Catalog, &cat) != nil {
		return t, nil
	}
	m.mu.Lock()
	if e.cat == nil {
		cat = mcp.Intern(cat) // identical cached catalogs share one copy
		e.cat, e.cachedAt = &cat, entry.CachedAt
	}
	m.mu.Unlock()
	m.changed(k)
	return t, nil
}

// queue shows server k as queued to connect while its automatic connect
// waits for a slot (autoConnectSlots), with its cached catalog meanwhile:
// it is on its way, not idle, and the user may still connect it at once.
// It reports whether k is queued; dequeue then tells whether to go on.
func (m *mcpServers) queue(k serverKey, f *config.File, srv *config.Server, folder string) bool {
	if _, err := m.prime(k, f, srv, folder); err != nil {
		return false // connecting reports it
	}
	m.mu.Lock()
	e := m.entry(k)
	idle := e.sess == nil && e.busy == nil && !e.queued && !m.closed
	if idle {
		e.state, e.err, e.queued = lspext.StateConnecting, "", true
	}
	m.mu.Unlock()
	if idle {
		m.changed(k)
	}
	return idle
}

// dequeue ends k's wait for an automatic connect's slot. It reports false
// when the user connected or disconnected k meanwhile: nothing to do.
func (m *mcpServers) dequeue(k serverKey) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.entry(k)
	was := e.queued
	e.queued = false
	return was
}

// connect connects server srv of file f (a no-op when connected; it waits
// for a connect already in progress) and returns the resulting state. ctx
// and the server's lifetime bound the handshake; the session then lives
// until disconnect, a failure, or shutdown.
func (m *mcpServers) connect(ctx context.Context, k serverKey, f *config.File, srv *config.Server, folder string) lspext.ServerState {
	t, err := m.prime(k, f, srv, folder)
	if missing, ok := missingInputs(err); ok {
		if err = m.askInputs(ctx, k, f, missing); err == nil {
			t, err = m.prime(k, f, srv, folder)
		}
	}
	if err != nil {
		m.fail(k, fmt.Errorf("preparing %q: %w", k.name, err))
		return m.state(k)
	}
	if t.Transport == mcp.TransportStdio && !m.s.state.snapshot().Settings().Trusted {
		m.fail(k, fmt.Errorf("the workspace is not trusted: mcpls does not start the stdio server %q", k.name))
		return m.state(k)
	}
	m.s.auth.prepare(k, f, srv, folder, t)
	m.mu.Lock()
	e := m.entry(k)
	if e.sess != nil && e.dialed != targetID(t) {
		// The entry was edited since: the old session is for another target.
		m.mu.Unlock()
		m.disconnect(k)
		m.mu.Lock()
	}
	e.queued = false // connecting now: whatever queued it finds nothing to do
	if e.sess != nil || m.closed {
		defer m.mu.Unlock()
		return m.stateLocked(k, e)
	}
	if busy := e.busy; busy != nil {
		m.mu.Unlock()
		select {
		case <-busy:
		case <-ctx.Done():
		}
		return m.state(k)
	}
	e.busy = make(chan struct{})
	e.state, e.err = lspext.StateConnecting, ""
	m.mu.Unlock()
	m.changed(k)
	m.dial(ctx, k, t)
	return m.state(k)
}

// settle waits until no connect of k is in progress, or ctx ends.
func (m *mcpServers) settle(ctx context.Context, k serverKey) {
	for {
		m.mu.Lock()
		var busy chan struct{}
		if e := m.servers[k]; e != nil {
			busy = e.busy
		}
		m.mu.Unlock()
		if busy == nil {
			return
		}
		select {
		case <-busy:
		case <-ctx.Done():
			return
		}
	}
}

// dial runs the handshake. It is bounded by the server's lifetime and by
// ctx (the request that asked for it).
func (m *mcpServers) dial(ctx context.Context, k serverKey, t mcp.Target) {
	dctx, cancel := context.WithCancel(m.s.ctx)
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	defer cancel()
	sess, err := mcp.Connect(dctx, t, m.options(k))
	m.mu.Lock()
	e := m.entry(k)
	close(e.busy)
	e.busy = nil
	if err == nil && m.closed {
		m.mu.Unlock()
		sess.Close()
		return
	}
	if err != nil {
		m.mu.Unlock()
		m.fail(k, err)
		return
	}
	cat := sess.Catalog()
	e.sess, e.cat, e.cachedAt, e.state, e.err = sess, &cat, time.Time{}, lspext.StateConnected, ""
	e.dialed = targetID(t)
	m.mu.Unlock()
	m.store(k, cat)
	m.changed(k)
}

// options are the session options of server k: its console goes to the
// editor and to the ring, elicitation to the editor.
func (m *mcpServers) options(k serverKey) *mcp.Options {
	sink := m.masker.Sink(console.Tee(m.ring, editorConsole{m.s}))
	return &mcp.Options{
		Console:    sink,
		HTTPClient: m.s.auth.httpClient(k),
		Elicit:     elicitor{m.s, sink},
		OnCatalog: func(c mcp.Catalog) {
			m.mu.Lock()
			if e := m.servers[k]; e != nil && e.sess != nil {
				e.cat = &c
			}
			m.mu.Unlock()
			m.store(k, c)
			m.changed(k)
		},
	}
}

// store writes a live catalog to the offline cache.
func (m *mcpServers) store(k serverKey, cat mcp.Catalog) {
	m.mu.Lock()
	e := m.entry(k)
	key, keyed := e.cacheKey, e.keyed
	m.mu.Unlock()
	if m.cache == nil || !keyed {
		return
	}
	raw := m.encodings.encode(&cat)
	if raw == nil {
		m.s.logf("caching the catalog of %q: it cannot be encoded", k.name)
		return
	}
	if err := m.cache.Store(key, raw); err != nil {
		m.s.logf("caching the catalog of %q: %v", k.name, err)
	}
}

// fail records a connection failure: offline when a cached catalog is
// shown, needsAuth on a 401, error otherwise.
func (m *mcpServers) fail(k serverKey, err error) {
	m.mu.Lock()
	e := m.entry(k)
	e.err, e.queued = shortError(err), false
	var me *mcp.Error
	switch {
	case errors.As(err, &me) && me.Kind == mcp.KindHTTPStatus && me.Status == 401:
		e.state = lspext.StateNeedsAuth
	case e.cat != nil && !e.cachedAt.IsZero():
		e.state = lspext.StateOffline
	default:
		e.state = lspext.StateError
	}
	key, keyed := e.cacheKey, e.keyed
	m.mu.Unlock()
	if m.cache != nil && keyed {
		_ = m.cache.MarkError(key, err)
	}
	m.changed(k)
}

// lost records that the session of k failed for good (the process exited,
// the session was closed): it is dropped and the failure shown.
func (m *mcpServers) lost(k serverKey, sess *mcp.Session, err error) {
	if !errors.Is(err, mcp.ErrClosed) && !errors.Is(err, mcp.ErrExited) {
		return
	}
	m.mu.Lock()
	e := m.entry(k)
	if e.sess != sess {
		m.mu.Unlock()
		return
	}
	e.sess = nil
	if e.cat != nil && e.cachedAt.IsZero() {
		e.cachedAt = time.Now()
	}
	m.mu.Unlock()
	sess.Close()
	m.fail(k, err)
}

// shortError is the first line of an error, redacted, at most 120 characters.
func shortError(err error) string {
	s := console.RedactText(err.Error())
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if r := []rune(s); len(r) > 120 {
		s = string(r[:119]) + "…"
	}
	return s
}

// disconnect closes the session of k; the catalog falls back to the cache.
func (m *mcpServers) disconnect(k serverKey) lspext.ServerState {
	m.mu.Lock()
	e := m.entry(k)
	sess := e.sess
	e.sess, e.state, e.err, e.queued = nil, lspext.StateDisconnected, "", false
	if e.cat != nil && e.cachedAt.IsZero() {
		e.cachedAt = time.Now()
	}
	m.mu.Unlock()
	if sess != nil {
		if err := sess.Close(); err != nil {
			m.s.logf("closing %q: %v", k.name, err)
		}
	}
	m.changed(k)
	return m.state(k)
}

// resync lists the catalog of a connected server again.
func (m *mcpServers) resync(ctx context.Context, k serverKey) (lspext.ServerState, error) {
	sess := m.session(k)
	if sess == nil {
		return m.state(k), fmt.Errorf("%q is not connected", k.name)
	}
	cat, err := sess.Resync(ctx)
	if err != nil {
		return m.state(k), fmt.Errorf("resyncing %q: %w", k.name, err)
	}
	m.mu.Lock()
	m.entry(k).cat = &cat
	m.mu.Unlock()
	m.store(k, cat)
	m.changed(k)
	return m.state(k), nil
}

// setOutcome records the last result of a saved request.
func (m *mcpServers) setOutcome(k requestKey, r lspext.Result) {
	m.mu.Lock()
	m.outcomes[k] = r
	m.mu.Unlock()
}

func (m *mcpServers) outcome(k requestKey) (lspext.Result, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.outcomes[k]
	return r, ok
}

// changed tells the editor about k: mcp/serverState when announced, new
// diagnostics for its file, and a code lens refresh.
func (m *mcpServers) changed(k serverKey) {
	snap := m.s.state.snapshot()
	if snap.Caps().MCP.ServerState {
		m.s.client.Notify(lspext.MethodServerState, m.withCatalog(m.state(k)))
	}
	if path := uriPath(k.uri); path != "" {
		m.s.diagnoseDisk(snap, path)
	} else if doc := snap.Document(k.uri); doc != nil {
		m.s.diagnoseOpen(doc)
	}
	m.s.refreshLenses()
	if cat, _, ok := m.catalogs(k.uri)(k.name); ok {
		m.s.warmNameLists(cat)
	}
}

// forgetIdle drops the entries of the config file u that hold nothing a
// new prime would not rebuild: no session, no connect in progress. It is
// for a file that is neither open nor on disk any more; without it each
// file opened once (a scratch copy, a renamed config) kept its servers'
// entries for the life of the process.
func (m *mcpServers) forgetIdle(u uri.URI) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, e := range m.servers {
		if k.uri == u && e.sess == nil && e.busy == nil {
			delete(m.servers, k)
		}
	}
}

// close ends every session and refuses new ones.
func (m *mcpServers) close() {
	m.mu.Lock()
	m.closed = true
	var sessions []*mcp.Session
	for _, e := range m.servers {
		if e.sess != nil {
			sessions = append(sessions, e.sess)
			e.sess = nil
		}
	}
	m.mu.Unlock()
	for _, sess := range sessions {
		sess.Close()
	}
	// The pool the sessions shared would close its idle connections a
	// moment later; at exit, end them now.
	mcp.CloseIdleConnections()
}
