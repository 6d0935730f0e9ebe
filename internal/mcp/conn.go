package mcp

import (
	"context"
	"sync"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"

	"mcpls/internal/console"
)

// loggedTransport wraps a transport whose Connection can be wrapped
// without losing SDK features (stdio: the SDK's streamable connection
// relies on an unexported interface, so HTTP is logged at the RoundTripper
// instead). Every message both ways reaches the console.
type loggedTransport struct {
	inner sdk.Transport
	em    emitter

	mu      sync.Mutex
	readErr error // the first Read failure: garbage on stdout, EOF...
}

func (t *loggedTransport) Connect(ctx context.Context) (sdk.Connection, error) {
	c, err := t.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &loggedConn{Connection: c, t: t}, nil
}

func (t *loggedTransport) firstReadErr() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.readErr
}

type loggedConn struct {
	sdk.Connection
	t *loggedTransport
}

func (c *loggedConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	msg, err := c.Connection.Read(ctx)
	if err != nil {
		c.t.mu.Lock()
		if c.t.readErr == nil && ctx.Err() == nil {
			c.t.readErr = err
		}
		c.t.mu.Unlock()
		return nil, err
	}
	if raw, err := jsonrpc.EncodeMessage(msg); err == nil {
		c.t.em.message(console.KindRecv, raw)
	}
	return msg, nil
}

func (c *loggedConn) Write(ctx context.Context, msg jsonrpc.Message) error {
	if raw, err := jsonrpc.EncodeMessage(msg); err == nil {
		c.t.em.message(console.KindSend, raw)
	}
	return c.Connection.Write(ctx, msg)
}
