package interop_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"mcpls/internal/mcptest"
)

// faultKind is how a faultServer breaks one response.
type faultKind int

const (
	faultMalformed faultKind = iota + 1 // 200 application/json with a truncated body
	faultStatus500                      // HTTP 500 with a text body
	faultDropSSE                        // the SSE response is cut after its first event
	faultStatus503                      // HTTP 503 with a text body, as a proxy sends
)

// fault breaks the next POST carrying method.
type fault struct {
	method string
	kind   faultKind
}

// faultServer is a go-sdk streamable HTTP server (mcptest's test server,
// with an event store so streams can resume) behind a handler that breaks
// one chosen response the way real servers and proxies do.
type faultServer struct {
	*mcptest.Server
	URL     string
	inner   http.Handler
	next    atomic.Pointer[fault]
	applied chan fault
}

func startFaultServer(t *testing.T) *faultServer {
	t.Helper()
	s := mcptest.NewServer(mcptest.Options{ProgressEvery: 50 * time.Millisecond})
	fs := &faultServer{Server: s, applied: make(chan fault, 4),
		inner: sdk.NewStreamableHTTPHandler(func(*http.Request) *sdk.Server { return s.Server },
			&sdk.StreamableHTTPOptions{EventStore: sdk.NewMemoryEventStore(nil)})}
	srv := httptest.NewServer(fs)
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close() })
	fs.URL = srv.URL
	return fs
}

// breakNext arms a fault for the next POST of method.
func (fs *faultServer) breakNext(method string, kind faultKind) {
	fs.next.Store(&fault{method: method, kind: kind})
}

func (fs *faultServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := fs.next.Load()
	if f == nil || r.Method != http.MethodPost {
		fs.inner.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	var head struct{ Method string }
	if json.Unmarshal(body, &head) != nil || head.Method != f.method || !fs.next.CompareAndSwap(f, nil) {
		fs.inner.ServeHTTP(w, r)
		return
	}
	fs.applied <- *f
	switch f.kind {
	case faultMalformed:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"jsonrpc":"2.0","id":`))
	case faultStatus500:
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("upstream database exploded"))
	case faultStatus503:
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("no healthy upstream"))
	case faultDropSSE:
		dw := &dropWriter{ResponseWriter: w}
		fs.inner.ServeHTTP(dw, r)
	}
}

// dropWriter passes an SSE response through until its first event is
// complete, then cuts the connection, as a proxy timing out would. Later
// writes vanish.
type dropWriter struct {
	http.ResponseWriter
	mu      sync.Mutex
	seen    []byte
	dropped bool
}

func (d *dropWriter) Write(b []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dropped {
		return len(b), nil
	}
	n, err := d.ResponseWriter.Write(b)
	d.seen = append(d.seen, b[:n]...)
	if bytes.Contains(d.seen, []byte("\n\n")) {
		d.cut()
	}
	return n, err
}

func (d *dropWriter) cut() {
	d.dropped = true
	if f, ok := d.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
	if conn, _, err := http.NewResponseController(d.ResponseWriter).Hijack(); err == nil {
		conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
	}
}

func (d *dropWriter) Flush() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.dropped {
		if f, ok := d.ResponseWriter.(http.Flusher); ok {
			f.Flush()
		}
	}
}
