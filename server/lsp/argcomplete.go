package lsp

// Completion of prompt arguments and template variables by the server
// itself (completion/complete), beside the catalog's own items.
//
// Asking is debounced per field (rapid requests for one argument of one
// server coalesce: only the latest asks, the superseded return at once),
// shared (identical questions in flight make one call) and cached per
// (server, session, catalog, question) for argCacheTTL, so a new session
// or a new catalog (reconnect, Resync, list_changed) starts afresh. The
// editor waits at most argWait for the server; past that, or on an error,
// it gets the local items marked incomplete, so it asks again, and the
// server's console says why. Servers that are not live (a cached catalog)
// or do not declare the completions capability are not asked.

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/protocol"

	"mcpls/internal/console"
	"mcpls/internal/mcp"
	"mcpls/internal/requests"
)

const (
	// argDebounce is how long a completion waits for a newer one for the
	// same field before asking the server.
	argDebounce = 100 * time.Millisecond
	// argCallTimeout bounds one completion/complete call; an answer that
	// comes after argWait still fills the cache for the editor's next ask.
	argCallTimeout = 5 * time.Second
	// argCacheTTL is how long an answer is reused.
	argCacheTTL = 30 * time.Second
	// argCacheMax bounds the answers kept, least recently used out first.
	argCacheMax = 512
)

// argWait caps how long the editor waits for the server's answer. A
// variable so that tests about the answer, not the cap, can wait longer.
var argWait = 500 * time.Millisecond

// errArgClosed answers the completions asked while the server stops.
var errArgClosed = errors.New("the language server is stopping")

// argGen is what a server's cached answers are valid for: its session and
// catalog (a new one of either invalidates them).
type argGen struct {
	sess *mcp.Session
	cat  *mcp.Catalog
}

// argKey is one question to one server.
type argKey struct {
	server  serverKey
	ref     mcp.CompletionRef
	arg     string
	value   string
	context string // the context arguments, canonical
	sessCat argGen
}

// argField is what debouncing coalesces on: one argument of one server.
type argField struct {
	server serverKey
	ref    mcp.CompletionRef
	arg    string
}

// argCall is one completion/complete call and, once done is closed, its
// answer.
type argCall struct {
	key    argKey
	args   map[string]string // the context arguments sent
	done   chan struct{}
	values []string
	err    error
	at     time.Time     // when it ended
	el     *list.Element // its place in the LRU; nil when not cached
	slow   atomic.Bool   // the console was told the editor stopped waiting
}

// ended reports whether the call has its answer.
func (c *argCall) ended() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// argTicket is a request waiting on its field; superseded is closed when
// a newer one arrives.
type argTicket struct{ superseded chan struct{} }

// argCompleter asks servers for completions. Its calls run on its own
// context, which close cancels before waiting for them.
type argCompleter struct {
	s      *Server
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	now    func() time.Time

	// mu guards the fields below.
	mu     sync.Mutex
	gens   map[serverKey]argGen
	calls  map[argKey]*argCall
	lru    *list.List // of *argCall, most recently used first
	fields map[argField]*argTicket
	closed bool // no new calls
}

func newArgCompleter(s *Server) *argCompleter {
	ctx, cancel := context.WithCancel(s.ctx)
	return &argCompleter{s: s, ctx: ctx, cancel: cancel, now: time.Now,
		gens: map[serverKey]argGen{}, calls: map[argKey]*argCall{}, lru: list.New(), fields: map[argField]*argTicket{}}
}

// close cancels the calls in flight and waits for them.
func (a *argCompleter) close() {
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
	a.cancel()
	a.wg.Wait()
}

// liveCompletions returns the session and catalog of k when it is
// connected and its server declares the completions capability.
func (m *mcpServers) liveCompletions(k serverKey) (argGen, bool) {
	m.mu.Lock()
	e := m.servers[k]
	var g argGen
	if e != nil && e.sess != nil && e.cat != nil {
		g = argGen{e.sess, e.cat}
	}
	m.mu.Unlock()
	if g.sess == nil {
		return argGen{}, false
	}
	var caps map[string]json.RawMessage
	if json.Unmarshal(g.cat.Capabilities, &caps) != nil {
		return argGen{}, false
	}
	_, ok := caps["completions"]
	return g, ok
}

// complete adds the server's answer to q to list, or marks list
// incomplete when there is none (yet).
func (a *argCompleter) complete(ctx context.Context, k serverKey, q requests.ServerQuery, list *protocol.CompletionList, toItems func([]string) []protocol.CompletionItem) {
	gen, ok := a.s.mcp.liveCompletions(k)
	if !ok {
		a.forget(k) // not live (maybe a cached catalog) or not offered: nothing to ask
		return
	}
	key := argKey{server: k, ref: q.Ref, arg: q.Argument, value: q.Value, context: contextKey(q.Context), sessCat: gen}
	if values, ok := a.cached(key); ok {
		list.Items = mergeItems(list.Items, toItems(values))
		return
	}
	field := argField{server: k, ref: q.Ref, arg: q.Argument}
	t := a.enter(field)
	defer a.leave(field, t)
	if !a.debounce(ctx, t) {
		list.IsIncomplete = true
		return
	}
	call := a.start(key, q.Context)
	wait := time.NewTimer(argWait)
	defer wait.Stop()
	select {
	case <-call.done:
		if call.err != nil {
			list.IsIncomplete = true
			return
		}
		list.Items = mergeItems(list.Items, toItems(call.values))
	case <-wait.C:
		list.IsIncomplete = true
		if call.slow.CompareAndSwap(false, true) {
			a.logf(k, console.LevelWarning, "completion/complete of %q: no answer within %v; showing the catalog's completions", q.Argument, argWait)
		}
	case <-t.superseded:
		list.IsIncomplete = true
	case <-ctx.Done():
		list.IsIncomplete = true
	}
}

// contextKey is a canonical form of the context arguments.
func contextKey(ctx map[string]string) string {
	keys := make([]string, 0, len(ctx))
	for k := range ctx {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString(ctx[k])
		b.WriteByte(0)
	}
	return b.String()
}

// cached returns a fresh answer to key. A server whose session or catalog
// changed since its answers were cached loses them all.
func (a *argCompleter) cached(key argKey) ([]string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if g, ok := a.gens[key.server]; ok && g != key.sessCat {
		a.forgetLocked(key.server)
	}
	a.gens[key.server] = key.sessCat
	c := a.calls[key]
	if c == nil || c.el == nil {
		return nil, false
	}
	if !c.ended() {
		return nil, false // in flight
	}
	if a.now().Sub(c.at) > argCacheTTL {
		a.dropLocked(c)
		return nil, false
	}
	a.lru.MoveToFront(c.el)
	return c.values, true
}

// forget drops the answers of a server that is no longer live, and with
// them its old session and catalog.
func (a *argCompleter) forget(server serverKey) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.gens[server]; ok {
		a.forgetLocked(server)
		delete(a.gens, server)
	}
}

// forgetLocked drops every answer of server.
func (a *argCompleter) forgetLocked(server serverKey) {
	for k, c := range a.calls {
		if k.server == server {
			a.dropLocked(c)
		}
	}
}

func (a *argCompleter) dropLocked(c *argCall) {
	if a.calls[c.key] == c {
		delete(a.calls, c.key)
	}
	if c.el != nil {
		a.lru.Remove(c.el)
		c.el = nil
	}
}

// enter registers a request for field, superseding the one waiting.
func (a *argCompleter) enter(field argField) *argTicket {
	t := &argTicket{superseded: make(chan struct{})}
	a.mu.Lock()
	if old := a.fields[field]; old != nil {
		close(old.superseded)
	}
	a.fields[field] = t
	a.mu.Unlock()
	return t
}

func (a *argCompleter) leave(field argField, t *argTicket) {
	a.mu.Lock()
	if a.fields[field] == t {
		delete(a.fields, field)
	}
	a.mu.Unlock()
}

// debounceGate, when set (tests), replaces the debounce timer: the window
// ends when the channel it returns is closed.
var debounceGate atomic.Pointer[chan struct{}]

// debounce waits out the window; false when the request was superseded or
// cancelled meanwhile.
func (a *argCompleter) debounce(ctx context.Context, t *argTicket) bool {
	var window <-chan struct{}
	var timeout <-chan time.Time
	if gate := debounceGate.Load(); gate != nil {
		window = *gate
	} else {
		timer := time.NewTimer(argDebounce)
		defer timer.Stop()
		timeout = timer.C
	}
	select {
	case <-window:
		return true
	case <-timeout:
		return true
	case <-t.superseded:
		return false
	case <-ctx.Done():
		return false
	}
}

// start returns the call answering key: the one in flight (or fresh),
// else a new one sending args as the context.
func (a *argCompleter) start(key argKey, args map[string]string) *argCall {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		c := &argCall{key: key, done: make(chan struct{}), err: errArgClosed}
		close(c.done)
		return c
	}
	if c := a.calls[key]; c != nil {
		if !c.ended() || a.now().Sub(c.at) <= argCacheTTL {
			return c
		}
		a.dropLocked(c)
	}
	c := &argCall{key: key, args: args, done: make(chan struct{})}
	a.addLocked(c)
	a.wg.Add(1)
	go a.run(c)
	return c
}

// addLocked caches c, dropping the least recently used answers past
// argCacheMax.
func (a *argCompleter) addLocked(c *argCall) {
	a.calls[c.key] = c
	c.el = a.lru.PushFront(c)
	for a.lru.Len() > argCacheMax {
		a.dropLocked(a.lru.Back().Value.(*argCall))
	}
}

// run makes one call. A failure is not cached, and goes to the console.
func (a *argCompleter) run(c *argCall) {
	defer a.wg.Done()
	ctx, cancel := context.WithTimeout(a.ctx, argCallTimeout)
	defer cancel()
	k := c.key
	values, err := k.sessCat.sess.Complete(ctx, k.ref, k.arg, k.value, c.args)
	a.mu.Lock()
	c.values, c.err, c.at = values, err, a.now()
	if err != nil {
		a.dropLocked(c)
	}
	a.mu.Unlock()
	close(c.done)
	if err != nil && a.ctx.Err() == nil {
		a.logf(k.server, console.LevelError, "completion/complete of %q: %v", k.arg, err)
	}
}

// logf writes a line to the console of server k (the editor's console,
// never a popup).
func (a *argCompleter) logf(k serverKey, level console.Level, format string, args ...any) {
	m := a.s.mcp
	sink := m.masker.Sink(console.Tee(m.ring, editorConsole{a.s}))
	sink.Emit(console.Event{Time: time.Now(), Server: k.name, Kind: console.KindEvent, Level: level,
		Method: "completion/complete", Message: console.RedactText(fmt.Sprintf(format, args...))})
}

// mergeItems appends the server's items to the local ones, leaving out
// the values the catalog already offers.
func mergeItems(local, server []protocol.CompletionItem) []protocol.CompletionItem {
	offered := make(map[string]bool, len(local))
	for _, it := range local {
		offered[it.Label] = true
		offered[unquote(it.Label)] = true
	}
	for _, it := range server {
		if !offered[it.Label] {
			offered[it.Label] = true
			local = append(local, it)
		}
	}
	return local
}

func unquote(label string) string {
	var s string
	if len(label) >= 2 && label[0] == '"' && json.Unmarshal([]byte(label), &s) == nil {
		return s
	}
	return label
}
