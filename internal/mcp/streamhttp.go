package mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"mcpls/internal/console"
)

// streamableTransport is the client side of MCP's streamable HTTP
// transport, used in place of the SDK's StreamableClientTransport. It
// keeps the session id, reads JSON and SSE responses, opens the standalone
// GET stream after initialization, resumes a broken stream with
// Last-Event-ID after the server's retry delay, and sends DELETE on close.
//
// Why our own: the SDK's transport runs every message it receives through
// a decoder that allocates a 32 KiB buffer, and unmarshals the params of
// every request it sends once more, the same way, to look for _meta; here
// each message is decoded once from its exact bytes. It also answers the
// failures mcpls must report: a call whose stream broke gives up at once
// when the server refuses connections (instead of a backoff of ~18 s),
// and a response body that is not JSON fails that call only.
type streamableTransport struct {
	url    string
	client *http.Client // the wire: headers, console, failure capture
	em     emitter

	mu   sync.Mutex
	conn *streamConn // the last connection made
}

// last returns the connection Connect made last, or nil.
func (t *streamableTransport) last() *streamConn {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.conn
}

// Connect implements sdk.Transport. It does no I/O: initialize is the
// first POST.
func (t *streamableTransport) Connect(ctx context.Context) (sdk.Connection, error) {
	life, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c := &streamConn{url: t.url, client: t.client, em: t.em, life: life, cancel: cancel, release: holdPool(),
		incoming: make(chan jsonrpc.Message, 16), done: make(chan struct{}), failed: make(chan struct{})}
	t.mu.Lock()
	t.conn = c
	t.mu.Unlock()
	return c, nil
}

// Reconnection bounds of a broken stream.
const (
	resumeAttempts     = 5
	resumeDelay        = time.Second // when the server set no retry
	closeDeleteTimeout = 5 * time.Second
	maxEventSize       = 16 << 20
)

// codeBadResponse marks the error delivered for a response that could not
// be decoded; callError reports it as KindBadResponse.
const codeBadResponse = -32700

// badResponsePrefix starts the message of such an error.
const badResponsePrefix = "failed to decode response: "

type streamConn struct {
	url    string
	client *http.Client
	em     emitter
	life   context.Context // the connection's; Close cancels it
	cancel context.CancelFunc
	// release ends this connection's hold on the shared pool (holdPool);
	// Close calls it once its streams are done.
	release func()

	incoming chan jsonrpc.Message
	done     chan struct{} // closed by Close
	wg       sync.WaitGroup

	closeOnce sync.Once
	closeErr  error
	ending    atomic.Bool // Close began: a stream that ends is not resumed

	failOnce sync.Once
	failed   chan struct{}
	failErr  error

	seq atomic.Int64 // numbers direct requests

	// mu guards what follows.
	mu         sync.Mutex
	sessionID  string
	version    string                           // the negotiated protocol version, once known
	initID     jsonrpc.ID                       // the initialize request's
	listen     bool                             // either side declared what needs the standalone stream
	pending    map[int64]chan *jsonrpc.Response // direct requests by id
	gone       bool                             // the server forgot the session: no DELETE
	standalone bool                             // the GET stream was started
	stopped    bool                             // Close began: no new goroutines
}

// SessionID implements sdk.Connection.
func (c *streamConn) SessionID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sessionID
}

// Read implements sdk.Connection. Messages already received win over a
// failure, so the answer to a call is not lost to the error that follows.
func (c *streamConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	select {
	case msg := <-c.incoming:
		return msg, nil
	default:
	}
	select {
	case msg := <-c.incoming:
		return msg, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-c.failed:
		return nil, c.failErr
	case <-c.done:
		return nil, io.EOF
	}
}

// fail ends the connection: the SDK session ends and mcpls redials on
// the next request.
func (c *streamConn) fail(err error) {
	c.failOnce.Do(func() {
		c.failErr = err
		close(c.failed)
	})
}

// isFailed reports whether the connection ended on a failure.
func (c *streamConn) isFailed() bool {
	select {
	case <-c.failed:
		return true
	default:
		return false
	}
}

// spawn runs f on a goroutine that Close waits for, unless Close began.
func (c *streamConn) spawn(f func()) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return false
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		f()
	}()
	return true
}

func (c *streamConn) deliver(msg jsonrpc.Message) {
	if c.route(msg) {
		return
	}
	select {
	case c.incoming <- msg:
	case <-c.done:
	}
}

// answer fails call with a transport error (the wire saw what happened).
func (c *streamConn) answer(call *jsonrpc.Request, code int64, msg string) {
	if call != nil {
		c.deliver(&jsonrpc.Response{ID: call.ID, Error: &jsonrpc.Error{Code: code, Message: msg}})
	}
}

// Write implements sdk.Connection: one POST per message. A call's answer
// is delivered to Read; a failed POST answers the call with an error
// rather than failing Write, which would end the SDK session.
func (c *streamConn) Write(ctx context.Context, msg jsonrpc.Message) error {
	data, err := jsonrpc.EncodeMessage(msg)
	if err != nil {
		return fmt.Errorf("encoding a message: %w", err)
	}
	var call *jsonrpc.Request
	method := ""
	if req, ok := msg.(*jsonrpc.Request); ok {
		method = req.Method
		if req.IsCall() {
			call = req
		}
		if method == "initialize" {
			var p struct {
				Capabilities clientCaps `json:"capabilities"`
			}
			_ = json.Unmarshal(req.Params, &p)
			c.mu.Lock()
			c.initID, c.listen = req.ID, p.Capabilities.serverMayAsk()
			c.mu.Unlock()
		}
	}
	resp, err := c.post(ctx, data, method)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		c.answer(call, codeRejected, "rejected by transport: "+console.RedactText(err.Error()))
		return nil
	}
	if !c.accepted(resp, call) {
		return nil
	}
	if method == "notifications/initialized" {
		c.mu.Lock()
		listen := c.listen
		c.mu.Unlock()
		// The standalone stream carries only what a server sends
		// unprompted; when neither side declared anything of the kind,
		// it would hold a connection open for nothing.
		if listen {
			c.startStandalone()
		}
	}
	if call == nil {
		resp.Body.Close()
		return nil
	}
	switch mediaType(resp.Header.Get("Content-Type")) {
	case "application/json":
		c.readJSON(resp, call)
	case "text/event-stream":
		if !c.spawn(func() { c.readStream(ctx, resp, call) }) {
			resp.Body.Close()
		}
	default:
		resp.Body.Close()
		c.answer(call, codeRejected, fmt.Sprintf("unsupported content type %q", resp.Header.Get("Content-Type")))
	}
	return nil
}

func (c *streamConn) post(ctx context.Context, data []byte, method string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	c.setHeaders(req.Header)
	if method != "" && req.Header.Get("Mcp-Protocol-Version") >= "2026-07-28" {
		req.Header.Set("Mcp-Method", method)
	}
	return c.client.Do(req)
}

func (c *streamConn) setHeaders(h http.Header) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sessionID != "" {
		h.Set("Mcp-Session-Id", c.sessionID)
	}
	if c.version != "" {
		h.Set("Mcp-Protocol-Version", c.version)
	}
}

// accepted checks a POST's status and keeps the session id. On a failure
// it answers call and closes the body: a JSON-RPC error in the body is the
// answer; a 404 for our session, or any other status the SDK does not
// deem transient, ends the connection (mcpls redials on the next request).
func (c *streamConn) accepted(resp *http.Response, call *jsonrpc.Request) bool {
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		if sid := resp.Header.Get("Mcp-Session-Id"); sid != "" {
			c.mu.Lock()
			if c.sessionID == "" {
				c.sessionID = sid
			}
			c.mu.Unlock()
		}
		return true
	}
	defer resp.Body.Close()
	status := resp.StatusCode
	if status == http.StatusNotFound && resp.Request.Header.Get("Mcp-Session-Id") != "" {
		c.mu.Lock()
		c.gone = true
		c.mu.Unlock()
		c.answer(call, codeRejected, "session not found (HTTP 404)")
		c.fail(fmt.Errorf("the server forgot session: %w", sdk.ErrSessionMissing))
		return false
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if call != nil {
		if m, err := decodeMessage(body); err == nil {
			if r, ok := m.(*jsonrpc.Response); ok && r.Error != nil && r.ID == call.ID {
				c.deliver(r)
				return false
			}
		}
	}
	c.answer(call, codeRejected, "rejected by transport: HTTP "+strconv.Itoa(status))
	if !transientStatus(status) {
		c.fail(fmt.Errorf("%s got HTTP %d", resp.Request.Method, status))
	}
	return false
}

// transientStatus reports statuses that fail one request, not the session.
func transientStatus(status int) bool {
	switch status {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable,
		http.StatusGatewayTimeout, http.StatusTooManyRequests:
		return true
	}
	return false
}

// readJSON reads a JSON response and delivers its messages.
func (c *streamConn) readJSON(resp *http.Response, call *jsonrpc.Request) {
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		c.answer(call, codeRejected, "reading the response: "+console.RedactText(err.Error()))
		return
	}
	c.receive(body, call)
}

// receive decodes one message or a batch and delivers it. A body that
// does not decode answers call with a bad-response error; the session
// carries on. It reports whether call got its answer.
func (c *streamConn) receive(raw []byte, call *jsonrpc.Request) bool {
	c.em.message(console.KindRecv, raw)
	msgs, err := decodeMessages(raw)
	if err != nil {
		c.answer(call, codeBadResponse, fmt.Sprintf("%s%v; the body was %q", badResponsePrefix, err,
			excerpt(string(console.RedactJSON(raw)), 200)))
		return call != nil
	}
	answered := false
	for _, m := range msgs {
		if r, ok := m.(*jsonrpc.Response); ok {
			c.noteInitialized(r)
			answered = answered || (call != nil && r.ID == call.ID)
		}
		c.deliver(m)
	}
	return answered
}

// noteInitialized keeps the negotiated protocol version from the answer
// to initialize: later requests carry it in Mcp-Protocol-Version.
func (c *streamConn) noteInitialized(r *jsonrpc.Response) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != "" || !c.initID.IsValid() || r.ID != c.initID || r.Error != nil {
		return
	}
	var res struct {
		ProtocolVersion string     `json:"protocolVersion"`
		Capabilities    serverCaps `json:"capabilities"`
	}
	if json.Unmarshal(r.Result, &res) == nil {
		c.version = res.ProtocolVersion
		c.listen = c.listen || res.Capabilities.mayNotify()
	}
}

// clientCaps is what of our capabilities lets a server send requests at
// any time, on the standalone stream.
type clientCaps struct {
	Roots       json.RawMessage `json:"roots"`
	Elicitation json.RawMessage `json:"elicitation"`
	Sampling    json.RawMessage `json:"sampling"`
}

func (c clientCaps) serverMayAsk() bool {
	return c.Roots != nil || c.Elicitation != nil || c.Sampling != nil
}

// serverCaps is what of a server's capabilities lets it notify us
// outside a request: list changes, resource updates, log messages.
type serverCaps struct {
	Tools     *struct{ ListChanged bool } `json:"tools"`
	Prompts   *struct{ ListChanged bool } `json:"prompts"`
	Resources *struct {
		ListChanged bool
		Subscribe   bool
	} `json:"resources"`
	Logging json.RawMessage `json:"logging"`
}

func (c serverCaps) mayNotify() bool {
	return (c.Tools != nil && c.Tools.ListChanged) || (c.Prompts != nil && c.Prompts.ListChanged) ||
		(c.Resources != nil && (c.Resources.ListChanged || c.Resources.Subscribe)) || c.Logging != nil
}

// wireMessage is a JSON-RPC message as it travels.
type wireMessage struct {
	Version string          `json:"jsonrpc"`
	ID      any             `json:"id"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
	Result  json.RawMessage `json:"result"`
	Error   *jsonrpc.Error  `json:"error"`
}

func decodeMessages(raw []byte) ([]jsonrpc.Message, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '[' {
		m, err := decodeMessage(raw)
		if err != nil {
			return nil, err
		}
		return []jsonrpc.Message{m}, nil
	}
	var batch []json.RawMessage
	if err := json.Unmarshal(raw, &batch); err != nil {
		return nil, err
	}
	msgs := make([]jsonrpc.Message, 0, len(batch))
	for _, b := range batch {
		m, err := decodeMessage(b)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// decodeMessage decodes one JSON-RPC message from its exact bytes.
func decodeMessage(raw []byte) (jsonrpc.Message, error) {
	var m wireMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if m.Version != "2.0" {
		return nil, fmt.Errorf("not JSON-RPC 2.0 (jsonrpc is %q)", m.Version)
	}
	id, err := jsonrpc.MakeID(m.ID)
	if err != nil {
		return nil, err
	}
	if m.Method != "" {
		return &jsonrpc.Request{ID: id, Method: m.Method, Params: m.Params}, nil
	}
	if !id.IsValid() {
		return nil, errors.New("a response without an id")
	}
	r := &jsonrpc.Response{ID: id, Result: m.Result}
	if m.Error != nil {
		r.Error = m.Error
	}
	return r, nil
}

// Close implements sdk.Connection: DELETE ends the session on the server,
// then every stream stops; it waits for their goroutines.
func (c *streamConn) Close() error {
	c.closeOnce.Do(func() {
		c.ending.Store(true)
		c.mu.Lock()
		sid, gone := c.sessionID, c.gone
		c.mu.Unlock()
		if sid != "" && !gone {
			c.closeErr = c.deleteSession()
		}
		c.mu.Lock()
		c.stopped = true
		c.mu.Unlock()
		c.cancel()
		close(c.done)
	})
	c.wg.Wait()
	c.release()
	return c.closeErr
}

func (c *streamConn) deleteSession() error {
	ctx, cancel := context.WithTimeout(c.life, closeDeleteTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, c.url, nil)
	if err != nil {
		return err
	}
	c.setHeaders(req.Header)
	resp, err := c.client.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
