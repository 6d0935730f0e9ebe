package lsp

import (
	"context"
	"log"
	"sync"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// client sends server-to-editor messages. Notify never blocks: messages go
// to a queue that one goroutine writes in order, so a handler on the read
// loop can notify freely. Call waits for the editor's answer and so must
// never run on the read loop: request handlers (released from the read
// loop) and background goroutines may call it; notification handlers use
// Go to run the exchange in the background.
type client struct {
	ctx    context.Context
	conn   jsonrpc2.Conn
	logger *log.Logger

	mu     sync.Mutex
	queue  []outgoing
	wake   chan struct{} // buffered(1): the queue has work
	closed bool
	wg     sync.WaitGroup
}

type outgoing struct {
	method string
	params any
}

func newClient(ctx context.Context, conn jsonrpc2.Conn, logger *log.Logger) *client {
	c := &client{ctx: ctx, conn: conn, logger: logger, wake: make(chan struct{}, 1)}
	c.wg.Add(1)
	go c.send()
	return c
}

// Notify queues a notification to the editor. It never blocks.
func (c *client) Notify(method string, params any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.queue = append(c.queue, outgoing{method, params})
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// Call sends a request to the editor and waits for its answer. Never call
// it on the read loop (from a notification handler): the answer is read by
// that very loop.
func (c *client) Call(ctx context.Context, method string, params, result any) error {
	return protocol.Call(ctx, c.conn, method, params, result)
}

// Go runs f in the background, tied to the server's lifetime: the way for a
// notification handler to start an exchange with the editor.
func (c *client) Go(f func(ctx context.Context)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		f(c.ctx)
	}()
}

func (c *client) publishDiagnostics(p *protocol.PublishDiagnosticsParams) {
	c.Notify(protocol.MethodTextDocumentPublishDiagnostics, p)
}

// LogMessage shows a line in the editor's output for the server.
func (c *client) LogMessage(typ protocol.MessageType, text string) {
	c.Notify(protocol.MethodWindowLogMessage, &protocol.LogMessageParams{Type: typ, Message: text})
}

// send writes queued notifications in order until the server closes.
func (c *client) send() {
	defer c.wg.Done()
	for {
		batch, ok := c.take()
		if !ok {
			return
		}
		for _, m := range batch {
			if err := c.conn.Notify(c.ctx, m.method, m.params); err != nil && c.ctx.Err() == nil {
				c.logger.Printf("sending %s: %v", m.method, err)
			}
		}
	}
}

// take waits for queued messages; ok is false once closed and drained.
func (c *client) take() (batch []outgoing, ok bool) {
	for {
		c.mu.Lock()
		batch, c.queue = c.queue, nil
		closed := c.closed
		c.mu.Unlock()
		if len(batch) > 0 {
			return batch, true
		}
		if closed {
			return nil, false
		}
		select {
		case <-c.wake:
		case <-c.ctx.Done():
			c.mu.Lock()
			c.closed = true
			c.mu.Unlock()
		}
	}
}

// close flushes what is queued (unless the server's context is done) and
// waits for the sender and the goroutines started with Go.
func (c *client) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	c.wg.Wait()
}
