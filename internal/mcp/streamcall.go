package mcp

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// This file holds the direct request path of streamableTransport: a
// request sent and answered on the connection without the SDK's call
// layer, whose typed results cost two more 32 KiB decoder buffers per
// call. Everything else the server sends meanwhile (progress, log
// messages, elicitation and sampling requests) still goes to the SDK
// session, whose handlers serve it as for any request.

// Direct requests are numbered down from -1: the SDK numbers its own up
// from 1, so the two never meet.

// cancelTimeout bounds sending notifications/cancelled.
const cancelTimeout = 5 * time.Second

// fast reports whether calls can take the direct path: a streamable
// connection speaking a version before 2026-07-28, whose multi-round-trip
// results need the SDK's call layer.
func (c *connection) fast() bool {
	if c.stream == nil {
		return false
	}
	v := c.stream.negotiated()
	return v != "" && v < "2026-07-28"
}

func (c *streamConn) negotiated() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.version
}

// route hands a response to the direct request waiting for it, and says
// whether there was one.
func (c *streamConn) route(msg jsonrpc.Message) bool {
	r, ok := msg.(*jsonrpc.Response)
	if !ok {
		return false
	}
	id, ok := r.ID.Raw().(int64)
	if !ok || id >= 0 {
		return false
	}
	c.mu.Lock()
	ch := c.pending[id]
	delete(c.pending, id)
	c.mu.Unlock()
	if ch != nil {
		ch <- r
	}
	return true
}

// request sends method with params (none when nil) and returns the raw
// result. When ctx ends first, the server is told with
// notifications/cancelled, but of initialize, which the protocol says
// clients must not cancel.
func (c *streamConn) request(ctx context.Context, method string, params any) (json.RawMessage, error) {
	var raw json.RawMessage
	if params != nil {
		var err error
		if raw, err = json.Marshal(params); err != nil {
			return nil, fmt.Errorf("encoding %s params: %w", method, err)
		}
	}
	key := -c.seq.Add(1)
	id, err := jsonrpc.MakeID(float64(key))
	if err != nil {
		return nil, err
	}
	ch := make(chan *jsonrpc.Response, 1)
	c.mu.Lock()
	if c.pending == nil {
		c.pending = map[int64]chan *jsonrpc.Response{}
	}
	c.pending[key] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, key)
		c.mu.Unlock()
	}()
	if err := c.Write(ctx, &jsonrpc.Request{ID: id, Method: method, Params: raw}); err != nil {
		return nil, c.ended(ctx, method, key, err)
	}
	select {
	case r := <-ch:
		if r.Error != nil {
			return nil, r.Error
		}
		return r.Result, nil
	case <-ctx.Done():
		return nil, c.ended(ctx, method, key, ctx.Err())
	case <-c.failed:
		return nil, fmt.Errorf("%w: %v", sdk.ErrConnectionClosed, c.failErr)
	case <-c.done:
		return nil, sdk.ErrConnectionClosed
	}
}

// ended tells the server a request whose context ended is cancelled.
func (c *streamConn) ended(ctx context.Context, method string, key int64, err error) error {
	if ctx.Err() == nil || method == "initialize" {
		return err
	}
	note := map[string]any{"requestId": key, "reason": context.Cause(ctx).Error()}
	raw, _ := json.Marshal(note)
	nctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cancelTimeout)
	defer cancel()
	_ = c.Write(nctx, &jsonrpc.Request{Method: "notifications/cancelled", Params: raw})
	return err
}

// callTool is tools/call on the direct path.
func (c *streamConn) callTool(ctx context.Context, name string, args json.RawMessage, token string, out *ToolResult) error {
	type meta struct {
		ProgressToken string `json:"progressToken"`
	}
	params := struct {
		Name      string          `json:"name"`
		Arguments json.RawMessage `json:"arguments"`
		Meta      meta            `json:"_meta"`
	}{name, args, meta{token}}
	raw, err := c.request(ctx, "tools/call", params)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("decoding the tools/call result: %w", err)
	}
	if out.Content == nil {
		out.Content = []json.RawMessage{}
	}
	return nil
}

// listAll collects every page of a list method on the direct path: the
// items under field, following nextCursor.
func listAll[T any](ctx context.Context, c *streamConn, method, field string, out *[]T) error {
	cursor := ""
	for {
		// The first page goes without params: an empty params object
		// costs servers a decode (the go-sdk's, a 32 KiB buffer) for
		// nothing.
		var params any
		if cursor != "" {
			params = map[string]string{"cursor": cursor}
		}
		raw, err := c.request(ctx, method, params)
		if err != nil {
			return err
		}
		var page map[string]json.RawMessage
		if err := json.Unmarshal(raw, &page); err != nil {
			return fmt.Errorf("decoding the %s result: %w", method, err)
		}
		var items []T
		if len(page[field]) > 0 {
			if err := json.Unmarshal(page[field], &items); err != nil {
				return fmt.Errorf("decoding the %s of %s: %w", field, method, err)
			}
		}
		*out = append(*out, items...)
		next := ""
		if len(page["nextCursor"]) > 0 {
			_ = json.Unmarshal(page["nextCursor"], &next)
		}
		if next == "" {
			return nil
		}
		if next == cursor {
			return fmt.Errorf("%s: the server returned the same cursor %q again", method, next)
		}
		cursor = next
	}
}
