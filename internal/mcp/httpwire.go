package mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"mcpls/internal/console"
)

var (
	sharedClientOnce sync.Once
	sharedClient     *http.Client
	sharedTransport  atomic.Pointer[http.Transport] // set with sharedClient
)

// defaultHTTPClient is shared by every session so connections pool. Go's
// default allows 2 idle connections per host, which serialises parallel
// calls to one server on fresh TCP handshakes. No overall Timeout: streams
// are long-lived; requests are bounded by their contexts. Its idle
// connections close soon after the last streamable connection closes (see
// holdPool).
func defaultHTTPClient() *http.Client {
	sharedClientOnce.Do(func() {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConns = 512
		tr.MaxIdleConnsPerHost = 128
		tr.IdleConnTimeout = 90 * time.Second
		// Requests are small, and a body larger than the buffer is written
		// past it; each open connection keeps its buffers, and a session's
		// standalone GET stream keeps a connection open for its life.
		tr.WriteBufferSize = 1 << 10
		sharedTransport.Store(tr)
		sharedClient = &http.Client{Transport: tr}
	})
	return sharedClient
}

// pool counts the open streamable HTTP connections of the process.
var pool struct {
	mu    sync.Mutex
	users int
	idle  *time.Timer // closes the idle connections once the pool stayed unused
}

// poolGrace is how long the shared pool stays warm once its last
// connection closed: a reconnect, or the next round of a loop that
// connects and closes, finds its connections open.
const poolGrace = time.Second

// holdPool counts one more open connection until release is called (once;
// later calls do nothing). poolGrace after the last one is released, the
// idle connections of the shared client close: a pool kept warm for
// sessions that are all gone would hold a socket, two goroutines and their
// buffers per connection until IdleConnTimeout. A connection with a client
// of its own is counted too: it may wrap the shared transport (an
// authorized client does).
func holdPool() (release func()) {
	pool.mu.Lock()
	pool.users++
	if pool.idle != nil {
		pool.idle.Stop()
		pool.idle = nil
	}
	pool.mu.Unlock()
	var once sync.Once
	return func() { once.Do(releasePool) }
}

func releasePool() {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	pool.users--
	if pool.users > 0 {
		return
	}
	pool.idle = time.AfterFunc(poolGrace, func() {
		pool.mu.Lock()
		defer pool.mu.Unlock()
		if pool.users == 0 {
			CloseIdleConnections()
		}
	})
}

// CloseIdleConnections closes the idle connections of the HTTP client
// sessions share by default, if it was made. Connections that turn idle
// afterwards close too, until the next request (see
// http.Transport.CloseIdleConnections). Sessions close theirs on their
// own, a moment after the last one closed; call this at exit to end them
// at once.
func CloseIdleConnections() {
	if tr := sharedTransport.Load(); tr != nil {
		tr.CloseIdleConnections()
	}
}

// httpFailure is the last HTTP exchange that did not succeed.
type httpFailure struct {
	method string
	status int    // 0 when the request never got an answer
	body   string // redacted excerpt
	err    error  // the transport error when status is 0
	isInit bool   // the request carried initialize
}

// wire is the RoundTripper under the SDK's HTTP transports. It adds the
// configured headers, reports every message and HTTP exchange to the
// console, and remembers failures so connect errors can say what happened
// (the SDK flattens transport errors into strings).
type wire struct {
	next    http.RoundTripper
	headers map[string]string
	em      emitter

	sessionGone atomic.Bool // a request with our session id got 404
	tap         bool        // report response bodies to the console (legacy SSE)

	mu   sync.Mutex
	fail *httpFailure
}

func newWire(base *http.Client, headers map[string]string, em emitter, tap bool) *http.Client {
	next := base.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	w := &wire{next: console.NewRoundTripper(next, em.server, em.sink), headers: headers, em: em, tap: tap}
	return &http.Client{Transport: w, CheckRedirect: base.CheckRedirect, Jar: base.Jar}
}

func (w *wire) lastFailure() *httpFailure {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.fail
}

func (w *wire) clearFailure() {
	w.mu.Lock()
	w.fail = nil
	w.mu.Unlock()
}

func (w *wire) record(slot *callSlot, f *httpFailure) {
	w.mu.Lock()
	w.fail = f
	w.mu.Unlock()
	if slot != nil {
		slot.setFailure(f)
	}
}

func (w *wire) RoundTrip(req *http.Request) (*http.Response, error) {
	if len(w.headers) > 0 {
		req = req.Clone(req.Context())
		for k, v := range w.headers {
			req.Header.Set(k, v)
		}
	}
	ctx := req.Context()
	slot := slotOf(ctx)
	resuming := req.Header.Get("Last-Event-ID")
	if resuming != "" {
		w.em.event(console.LevelInfo, "resuming stream after event %s", resuming)
	}
	isInit := isInitialize(req)
	resp, err := w.next.RoundTrip(req)
	if err != nil {
		w.record(slot, &httpFailure{method: req.Method, err: err, isInit: isInit})
		return nil, err
	}
	if resp.StatusCode == http.StatusNotFound && req.Header.Get("Mcp-Session-Id") != "" {
		w.sessionGone.Store(true)
		w.em.event(console.LevelWarning, "server answered 404 for our session: it expired")
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// A GET stream refused with 405 is the spec's "no standalone
		// stream", and DELETE is best effort: neither explains a failure.
		if !(req.Method == http.MethodGet && resp.StatusCode == http.StatusMethodNotAllowed) && req.Method != http.MethodDelete {
			w.captureFailure(slot, req, resp, isInit)
		}
		return resp, nil
	}
	if w.tap && w.em.enabled() {
		resp.Body = tapBody(resp, w.em)
	}
	return resp, nil
}

// connectingKey marks the context of Connect: only its POSTs can carry
// initialize, so only they are looked into.
type connectingKey struct{}

func connectingContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, connectingKey{}, true)
}

// isInitialize says whether req POSTs initialize. Calls made after
// connecting are never looked into: re-reading every body costs.
func isInitialize(req *http.Request) bool {
	if req.Method != http.MethodPost || req.GetBody == nil || req.Context().Value(connectingKey{}) == nil ||
		req.Header.Get("Mcp-Session-Id") != "" {
		return false
	}
	body, err := req.GetBody()
	if err != nil {
		return false
	}
	defer body.Close()
	raw, _ := io.ReadAll(body)
	var h wireHead
	_ = json.Unmarshal(raw, &h)
	return h.Method == "initialize"
}

// captureFailure keeps an excerpt of an error body and puts the bytes
// back for the SDK.
func (w *wire) captureFailure(slot *callSlot, req *http.Request, resp *http.Response, isInit bool) {
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	body := excerpt(string(console.RedactJSON(head)), 300)
	w.record(slot, &httpFailure{method: req.Method, status: resp.StatusCode, body: body, isInit: isInit})
}

// mediaType is the lower-case media type of a Content-Type header.
func mediaType(ct string) string {
	ct, _, _ = strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(ct))
}

// tapBody reports the JSON-RPC messages of a response body to the
// console as they pass (the SDK's legacy SSE transport reads them; our
// streamable transport reports what it decodes itself).
func tapBody(resp *http.Response, em emitter) io.ReadCloser {
	switch mediaType(resp.Header.Get("Content-Type")) {
	case "application/json":
		return &jsonTap{rc: resp.Body, em: em}
	case "text/event-stream":
		return &sseTap{rc: resp.Body, em: em}
	}
	return resp.Body
}

// jsonTap collects a JSON body and reports it at EOF.
type jsonTap struct {
	rc   io.ReadCloser
	em   emitter
	buf  []byte
	done bool
}

func (t *jsonTap) Read(p []byte) (int, error) {
	n, err := t.rc.Read(p)
	if len(t.buf) < 8<<20 {
		t.buf = append(t.buf, p[:n]...)
	}
	if err == io.EOF {
		t.flush()
	}
	return n, err
}

func (t *jsonTap) flush() {
	if t.done || len(t.buf) == 0 {
		return
	}
	t.done = true
	emitMessages(t.em, t.buf)
}

func (t *jsonTap) Close() error {
	t.flush()
	return t.rc.Close()
}

// emitMessages reports one message or a batch.
func emitMessages(em emitter, raw []byte) { em.message(console.KindRecv, raw) }

// sseTap parses server-sent events as they pass and reports each message.
type sseTap struct {
	rc    io.ReadCloser
	em    emitter
	line  []byte
	data  strings.Builder
	event string
}

func (t *sseTap) Read(p []byte) (int, error) {
	n, err := t.rc.Read(p)
	for _, b := range p[:n] {
		if b == '\n' {
			t.handleLine(strings.TrimSuffix(string(t.line), "\r"))
			t.line = t.line[:0]
			continue
		}
		if len(t.line) < 8<<20 {
			t.line = append(t.line, b)
		}
	}
	return n, err
}

func (t *sseTap) handleLine(line string) {
	if line == "" {
		t.dispatch()
		return
	}
	field, value, _ := strings.Cut(line, ":")
	value = strings.TrimPrefix(value, " ")
	switch field {
	case "data":
		if t.data.Len() > 0 {
			t.data.WriteByte('\n')
		}
		t.data.WriteString(value)
	case "event":
		t.event = value
	case "retry":
		t.em.event(console.LevelInfo, "server set reconnect delay to %sms", value)
	}
}

func (t *sseTap) dispatch() {
	defer func() { t.data.Reset(); t.event = "" }()
	if t.data.Len() == 0 {
		return
	}
	if t.event == "endpoint" {
		t.em.event(console.LevelInfo, "legacy SSE endpoint: %s", console.RedactURL(t.data.String()))
		return
	}
	emitMessages(t.em, []byte(t.data.String()))
}

func (t *sseTap) Close() error { return t.rc.Close() }
