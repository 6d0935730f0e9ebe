package mcp

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
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
)

// defaultHTTPClient is shared by every session so connections pool. Go's
// default allows 2 idle connections per host, which serialises parallel
// calls to one server on fresh TCP handshakes. No overall Timeout: streams
// are long-lived; requests are bounded by their contexts.
func defaultHTTPClient() *http.Client {
	sharedClientOnce.Do(func() {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConns = 512
		tr.MaxIdleConnsPerHost = 128
		tr.IdleConnTimeout = 90 * time.Second
		sharedClient = &http.Client{Transport: tr}
	})
	return sharedClient
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

	mu   sync.Mutex
	fail *httpFailure
}

func newWire(base *http.Client, headers map[string]string, em emitter) *http.Client {
	next := base.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	w := &wire{next: console.NewRoundTripper(next, em.server, em.sink), headers: headers, em: em}
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

func (w *wire) record(f *httpFailure) {
	w.mu.Lock()
	w.fail = f
	w.mu.Unlock()
}

func (w *wire) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	for k, v := range w.headers {
		req.Header.Set(k, v)
	}
	isInit := w.inspectRequest(req)
	resp, err := w.next.RoundTrip(req)
	if err != nil {
		w.record(&httpFailure{method: req.Method, err: err, isInit: isInit})
		return nil, err
	}
	if resp.StatusCode == http.StatusNotFound && req.Header.Get("Mcp-Session-Id") != "" {
		w.sessionGone.Store(true)
		w.em.event(console.LevelWarning, "server answered 404 for our session: it expired")
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		w.captureFailure(req, resp, isInit)
		return resp, nil
	}
	resp.Body = w.tapBody(resp)
	return resp, nil
}

// inspectRequest reports a resumption and says whether the body is an
// initialize request. (The console RoundTripper under us logs the body.)
func (w *wire) inspectRequest(req *http.Request) (isInit bool) {
	if id := req.Header.Get("Last-Event-ID"); id != "" {
		w.em.event(console.LevelInfo, "resuming stream after event %s", id)
	}
	if req.Method != http.MethodPost || req.GetBody == nil {
		return false
	}
	body, err := req.GetBody()
	if err != nil {
		return false
	}
	raw, _ := io.ReadAll(body)
	body.Close()
	var h wireHead
	_ = json.Unmarshal(raw, &h)
	return h.Method == "initialize"
}

// captureFailure keeps an excerpt of an error body and puts the bytes
// back for the SDK.
func (w *wire) captureFailure(req *http.Request, resp *http.Response, isInit bool) {
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	body := excerpt(string(console.RedactJSON(head)), 300)
	w.record(&httpFailure{method: req.Method, status: resp.StatusCode, body: body, isInit: isInit})
}

// tapBody reports the JSON-RPC messages of a response body as they pass.
func (w *wire) tapBody(resp *http.Response) io.ReadCloser {
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		return &jsonTap{rc: resp.Body, em: w.em}
	case "text/event-stream":
		return &sseTap{rc: resp.Body, em: w.em}
	}
	return resp.Body
}

// jsonTap collects a JSON body and reports it at EOF.
type jsonTap struct {
	rc   io.ReadCloser
	em   emitter
	buf  bytes.Buffer
	done bool
}

func (t *jsonTap) Read(p []byte) (int, error) {
	n, err := t.rc.Read(p)
	if t.buf.Len() < 8<<20 {
		t.buf.Write(p[:n])
	}
	if err == io.EOF {
		t.flush()
	}
	return n, err
}

func (t *jsonTap) flush() {
	if t.done || t.buf.Len() == 0 {
		return
	}
	t.done = true
	emitMessages(t.em, t.buf.Bytes())
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
