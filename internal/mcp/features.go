package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

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
