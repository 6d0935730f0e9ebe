package mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"mcpls/internal/console"
)

// DeclineElicitor declares the elicitation capability and declines every
// request: for headless runs that must tell a server "no" rather than have
// it believe elicitation is unsupported.
var DeclineElicitor Elicitor = declineElicitor{}

type declineElicitor struct{}

func (declineElicitor) Elicit(context.Context, string, ElicitRequest) (ElicitResult, error) {
	return ElicitResult{Action: "decline"}, nil
}

// DeclineSampler declares sampling and refuses every request.
var DeclineSampler Sampler = declineSampler{}

type declineSampler struct{}

// ErrSamplingDeclined is the reason DeclineSampler gives.
var ErrSamplingDeclined = errors.New("sampling declined: mcpls has no language model to sample from")

func (declineSampler) Sample(context.Context, string, json.RawMessage) (json.RawMessage, error) {
	return nil, ErrSamplingDeclined
}

// newClient builds the SDK client with the handlers of this session:
// progress, list_changed, resources/updated, logging, and the client
// features that Options provide. Capabilities are declared only for what
// is really served.
func (s *Session) newClient() *sdk.Client {
	caps := &sdk.ClientCapabilities{}
	if s.opts.Roots != nil {
		caps.RootsV2 = &sdk.RootCapabilities{ListChanged: true}
	}
	o := &sdk.ClientOptions{
		Capabilities:                caps,
		ProgressNotificationHandler: s.onProgress,
		ToolListChangedHandler:      func(context.Context, *sdk.ToolListChangedRequest) { s.listChanged("tools") },
		PromptListChangedHandler:    func(context.Context, *sdk.PromptListChangedRequest) { s.listChanged("prompts") },
		ResourceListChangedHandler:  func(context.Context, *sdk.ResourceListChangedRequest) { s.listChanged("resources") },
		ResourceUpdatedHandler:      s.onResourceUpdated,
		LoggingMessageHandler:       s.onLog,
	}
	if s.opts.Elicit != nil {
		caps.Elicitation = &sdk.ElicitationCapabilities{Form: &sdk.FormElicitationCapabilities{}, URL: &sdk.URLElicitationCapabilities{}}
		o.ElicitationHandler = s.elicit
	}
	if s.opts.Sample != nil {
		o.CreateMessageHandler = s.sample
	}
	c := sdk.NewClient(clientImpl, o)
	c.AddReceivingMiddleware(s.declineUnserved)
	if s.opts.Roots != nil {
		s.syncRoots(c)
	}
	return c
}

func (s *Session) onProgress(_ context.Context, req *sdk.ProgressNotificationClientRequest) {
	p := req.Params
	s.progMu.Lock()
	f := s.progress[fmt.Sprint(p.ProgressToken)]
	s.progMu.Unlock()
	if f != nil {
		f(Progress{Progress: p.Progress, Total: p.Total, Message: p.Message})
	}
}

func (s *Session) listChanged(what string) {
	s.em.event(console.LevelInfo, "%s list changed; re-listing", what)
	s.requestRelist()
}

func (s *Session) onResourceUpdated(_ context.Context, req *sdk.ResourceUpdatedNotificationRequest) {
	s.em.event(console.LevelInfo, "resource updated: %s", req.Params.URI)
	if s.opts.OnResourceUpdated != nil {
		s.opts.OnResourceUpdated(req.Params.URI)
	}
}

func (s *Session) onLog(_ context.Context, req *sdk.LoggingMessageRequest) {
	p := req.Params
	data, _ := json.Marshal(p.Data)
	msg := string(data)
	var text string
	if json.Unmarshal(data, &text) == nil {
		msg = text
	}
	if p.Logger != "" {
		msg = p.Logger + ": " + msg
	}
	s.em.emit(console.Event{Kind: console.KindLog, Level: console.LevelFromMCP(string(p.Level)),
		Message: console.RedactText(msg), Data: console.RedactBody(data)})
}

func (s *Session) elicit(ctx context.Context, req *sdk.ElicitRequest) (*sdk.ElicitResult, error) {
	p := req.Params
	er := ElicitRequest{Mode: p.Mode, Message: p.Message, URL: p.URL, ElicitationID: p.ElicitationID}
	if er.Mode == "" {
		er.Mode = "form"
	}
	if p.RequestedSchema != nil {
		er.RequestedSchema, _ = json.Marshal(p.RequestedSchema)
		if w, ok := s.wireSchemas.take(er.RequestedSchema); ok {
			er.RequestedSchema, er.PropertyOrder = w.raw, w.order
		}
	}
	res, err := s.opts.Elicit.Elicit(ctx, s.target.Name, er)
	if err != nil {
		s.em.event(console.LevelWarning, "elicitation failed: %v", err)
		return nil, err
	}
	s.em.event(console.LevelInfo, "elicitation (%s) answered: %s", er.Mode, res.Action)
	return &sdk.ElicitResult{Action: res.Action, Content: res.Content}, nil
}

func (s *Session) sample(ctx context.Context, req *sdk.CreateMessageRequest) (*sdk.CreateMessageResult, error) {
	params, err := json.Marshal(req.Params)
	if err != nil {
		return nil, fmt.Errorf("encoding sampling request: %w", err)
	}
	raw, err := s.opts.Sample.Sample(ctx, s.target.Name, params)
	if err != nil {
		s.em.event(console.LevelWarning, "sampling refused: %v", err)
		return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidRequest, Message: err.Error()}
	}
	var res sdk.CreateMessageResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, fmt.Errorf("decoding sampling result: %w", err)
	}
	return &res, nil
}

// declineUnserved answers requests for features we did not declare (a
// server should not send them) with a clear refusal instead of the SDK's
// generic one.
func (s *Session) declineUnserved(next sdk.MethodHandler) sdk.MethodHandler {
	return func(ctx context.Context, method string, req sdk.Request) (sdk.Result, error) {
		switch {
		case method == "elicitation/create" && s.opts.Elicit == nil:
			s.em.event(console.LevelWarning, "declined elicitation: no elicitation UI is configured (capability not declared)")
			return &sdk.ElicitResult{Action: "decline"}, nil
		case method == "sampling/createMessage" && s.opts.Sample == nil:
			s.em.event(console.LevelWarning, "refused sampling: no sampling model is configured (capability not declared)")
			return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidRequest, Message: "sampling is not supported by this client (mcpls has no language model configured)"}
		}
		return next(ctx, method, req)
	}
}

// RootsChanged re-reads Options.Roots and, when they differ, sends
// notifications/roots/list_changed.
func (s *Session) RootsChanged() {
	if s.opts.Roots != nil {
		s.syncRoots(s.client)
	}
}

// syncRoots makes the SDK's root set equal Options.Roots(); the SDK
// notifies connected servers of each change.
func (s *Session) syncRoots(c *sdk.Client) {
	roots := s.opts.Roots()
	s.rootsMu.Lock()
	defer s.rootsMu.Unlock()
	var uris []string
	var add []*sdk.Root
	for _, r := range roots {
		uris = append(uris, r.URI)
		add = append(add, &sdk.Root{URI: r.URI, Name: r.Name})
	}
	var stale []string
	for _, u := range s.rootURIs {
		if !slices.Contains(uris, u) {
			stale = append(stale, u)
		}
	}
	s.rootURIs = uris
	if len(stale) > 0 {
		c.RemoveRoots(stale...) //lint:ignore SA1019 roots are current in the protocols we speak
	}
	if len(add) > 0 {
		c.AddRoots(add...) //lint:ignore SA1019 roots are current in the protocols we speak
	}
}

// maxWireSchemas bounds the schemas kept for elicitations the SDK refused
// before the handler took them.
const maxWireSchemas = 16

// wireSchemas keeps the requested schemas of elicitation/create requests
// as they came on the wire, from the transport's Read to the elicitation
// handler: the SDK decodes them into maps, which forget the order of the
// form's fields that the server chose.
type wireSchemas struct {
	mu      sync.Mutex
	pending []wireSchema // oldest first
}

type wireSchema struct {
	key   string          // the schema re-encoded from a map: what the handler can compute
	raw   json.RawMessage // as sent
	order []string        // the names of its properties, in the order sent
}

// transport wraps t so that the elicitation requests it reads are kept,
// and end learns when its connection's reader stops.
func (w *wireSchemas) transport(t sdk.Transport, end *readEnd) sdk.Transport {
	return schemaTransport{inner: t, w: w, end: end}
}

// take returns (and forgets) the wire form of the schema that re-encodes
// to key.
func (w *wireSchemas) take(key []byte) (wireSchema, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, p := range w.pending {
		if p.key == string(key) {
			w.pending = slices.Delete(w.pending, i, i+1)
			return p, true
		}
	}
	return wireSchema{}, false
}

// keep records the schema of an elicitation/create request's params.
func (w *wireSchemas) keep(params json.RawMessage) {
	var p struct {
		RequestedSchema json.RawMessage `json:"requestedSchema"`
	}
	if json.Unmarshal(params, &p) != nil || len(p.RequestedSchema) == 0 || string(p.RequestedSchema) == "null" {
		return
	}
	var generic any
	if json.Unmarshal(p.RequestedSchema, &generic) != nil {
		return
	}
	key, err := json.Marshal(generic)
	if err != nil {
		return
	}
	order, err := propertyOrder(p.RequestedSchema)
	if err != nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.pending) == maxWireSchemas {
		w.pending = slices.Delete(w.pending, 0, 1)
	}
	w.pending = append(w.pending, wireSchema{key: string(key), raw: p.RequestedSchema, order: order})
}

// propertyOrder lists the keys of schema's "properties" object in the order
// they appear.
func propertyOrder(schema json.RawMessage) ([]string, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(schema, &top); err != nil {
		return nil, fmt.Errorf("reading the requested schema: %w", err)
	}
	props, ok := top["properties"]
	if !ok {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(props))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("reading the schema's properties: not an object")
	}
	var order []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("reading the schema's properties: %w", err)
		}
		name, _ := tok.(string)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, fmt.Errorf("reading property %q: %w", name, err)
		}
		if !slices.Contains(order, name) {
			order = append(order, name)
		}
	}
	return order, nil
}

// schemaTransport is a transport whose connection shows wireSchemas the
// elicitation requests it reads. The SDK's optional connection interfaces
// are server-side or belong to its own streamable client, which we do not
// use, so the wrapping costs nothing.
type schemaTransport struct {
	inner sdk.Transport
	w     *wireSchemas
	end   *readEnd
}

func (t schemaTransport) Connect(ctx context.Context) (sdk.Connection, error) {
	c, err := t.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return schemaConn{Connection: c, w: t.w, end: t.end}, nil
}

type schemaConn struct {
	sdk.Connection
	w   *wireSchemas
	end *readEnd
}

func (c schemaConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	msg, err := c.Connection.Read(ctx)
	if err != nil {
		c.end.ended(err)
		return msg, err
	}
	if req, ok := msg.(*jsonrpc.Request); ok && req.Method == "elicitation/create" {
		c.w.keep(req.Params)
	}
	return msg, err
}

// readEnd learns when a connection ends. The SDK reads a connection until
// its first error and then shuts it down, so that error is the end: the
// server closed the stream or exited, or a write failed and the SDK
// closed the connection. Knowing it from the reader spares each connection
// a goroutine waiting for its end.
type readEnd struct {
	mu     sync.Mutex
	done   bool
	err    error
	notify func(error)
}

// ended records the reader's last error and tells the watcher, if any.
func (e *readEnd) ended(err error) {
	e.mu.Lock()
	if e.done {
		e.mu.Unlock()
		return
	}
	e.done, e.err = true, err
	notify := e.notify
	e.mu.Unlock()
	if notify != nil {
		notify(err)
	}
}

// watch has notify called once the connection ends: now, if it has.
// notify must not block: it runs on the connection's reader.
func (e *readEnd) watch(notify func(error)) {
	e.mu.Lock()
	if e.done {
		e.mu.Unlock()
		notify(e.err)
		return
	}
	e.notify = notify
	e.mu.Unlock()
}
