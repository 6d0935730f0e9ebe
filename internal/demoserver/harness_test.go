package demoserver

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// waitFor bounds every wait in these tests; nothing sleeps.
const waitFor = 10 * time.Second

// startHTTP serves s on a loopback port until the test ends and returns the
// base URL (http://127.0.0.1:PORT).
func startHTTP(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(waitFor):
			t.Errorf("Serve did not return after its context ended")
		}
	})
	return "http://" + ln.Addr().String()
}

// events collects what the server pushes to a test client.
type events struct {
	progress     chan *mcp.ProgressNotificationParams
	toolsChanged chan struct{}
	resChanged   chan struct{}
	updated      chan string
	logs         chan *mcp.LoggingMessageParams
}

func newEvents() *events {
	return &events{
		progress:     make(chan *mcp.ProgressNotificationParams, 200),
		toolsChanged: make(chan struct{}, 10),
		resChanged:   make(chan struct{}, 10),
		updated:      make(chan string, 10),
		logs:         make(chan *mcp.LoggingMessageParams, 20),
	}
}

// send never blocks the client's reader: a full channel drops the event
// and the test that needed it times out with a message.
func send[T any](ch chan T, v T) {
	select {
	case ch <- v:
	default:
	}
}

func (ev *events) options(elicit func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error)) *mcp.ClientOptions {
	return &mcp.ClientOptions{
		ElicitationHandler: elicit,
		ProgressNotificationHandler: func(_ context.Context, r *mcp.ProgressNotificationClientRequest) {
			send(ev.progress, r.Params)
		},
		ToolListChangedHandler:     func(context.Context, *mcp.ToolListChangedRequest) { send(ev.toolsChanged, struct{}{}) },
		ResourceListChangedHandler: func(context.Context, *mcp.ResourceListChangedRequest) { send(ev.resChanged, struct{}{}) },
		ResourceUpdatedHandler: func(_ context.Context, r *mcp.ResourceUpdatedNotificationRequest) {
			send(ev.updated, r.Params.URI)
		},
		LoggingMessageHandler: func(_ context.Context, r *mcp.LoggingMessageRequest) { send(ev.logs, r.Params) },
	}
}

func receive[T any](t *testing.T, ch chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitFor):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

func connect(t *testing.T, tr mcp.Transport, opts *mcp.ClientOptions) *mcp.ClientSession {
	t.Helper()
	// The SSE client ties its stream to the Connect context: it must live
	// as long as the session.
	ctx := ctxT(t)
	c := mcp.NewClient(&mcp.Implementation{Name: "demoserver-test", Version: "0"}, opts)
	cs, err := c.Connect(ctx, tr, nil)
	if err != nil {
		t.Fatalf("connecting: %v", err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// transports names the three ways to reach a server; each builds a fresh
// server and returns a transport to it.
var transports = []struct {
	name  string
	start func(t *testing.T, s *Server) mcp.Transport
}{
	{"streamable", func(t *testing.T, s *Server) mcp.Transport {
		return &mcp.StreamableClientTransport{Endpoint: startHTTP(t, s) + PathStreamable}
	}},
	{"sse", func(t *testing.T, s *Server) mcp.Transport {
		return &mcp.SSEClientTransport{Endpoint: startHTTP(t, s) + PathSSE}
	}},
	{"stdio", func(t *testing.T, s *Server) mcp.Transport { return startStdio(t, s) }},
}

// startStdio serves s over a pair of pipes until the test ends.
func startStdio(t *testing.T, s *Server) mcp.Transport {
	t.Helper()
	clientIn, serverOut := io.Pipe()
	serverIn, clientOut := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.ServeStdio(ctx, serverIn, serverOut) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("ServeStdio: %v", err)
			}
		case <-time.After(waitFor):
			t.Errorf("ServeStdio did not return after its context ended")
		}
	})
	return &mcp.IOTransport{Reader: clientIn, Writer: clientOut}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	t.Cleanup(cancel)
	return ctx
}
