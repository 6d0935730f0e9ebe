package mcptest

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// HTTPServer is a test MCP server over HTTP on 127.0.0.1.
type HTTPServer struct {
	URL     string
	Server  *Server
	srv     *httptest.Server
	handler atomic.Pointer[http.Handler]
	newH    func() http.Handler
	Posts   atomic.Int64 // POST requests seen
}

// StartHTTP serves s over streamable HTTP until the test ends.
func StartHTTP(t testing.TB, s *Server) *HTTPServer {
	return start(t, s, func() http.Handler {
		return sdk.NewStreamableHTTPHandler(func(*http.Request) *sdk.Server { return s.Server }, nil)
	})
}

// StartResumable serves s over streamable HTTP with an in-memory event
// store, so a client can resume a dropped stream with Last-Event-ID.
func StartResumable(t testing.TB, s *Server) *HTTPServer {
	store := sdk.NewMemoryEventStore(nil)
	return start(t, s, func() http.Handler {
		return sdk.NewStreamableHTTPHandler(func(*http.Request) *sdk.Server { return s.Server },
			&sdk.StreamableHTTPOptions{EventStore: store})
	})
}

// StartSSE serves s over the legacy HTTP+SSE transport (2024-11-05) only:
// a POST to its URL without a session is refused with 400, as legacy
// servers do.
func StartSSE(t testing.TB, s *Server) *HTTPServer {
	return start(t, s, func() http.Handler {
		return sdk.NewSSEHandler(func(*http.Request) *sdk.Server { return s.Server }, nil)
	})
}

func start(t testing.TB, s *Server, newH func() http.Handler) *HTTPServer {
	h := &HTTPServer{Server: s, newH: newH}
	first := newH()
	h.handler.Store(&first)
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			h.Posts.Add(1)
		}
		(*h.handler.Load()).ServeHTTP(w, r)
	}))
	h.URL = h.srv.URL
	t.Cleanup(h.Close)
	return h
}

// ExpireSessions makes the server forget every session, as a restarted
// server does: requests with an old Mcp-Session-Id get 404.
func (h *HTTPServer) ExpireSessions() {
	next := h.newH()
	h.handler.Store(&next)
}

// Close stops the server, dropping open streams.
func (h *HTTPServer) Close() {
	h.srv.CloseClientConnections()
	h.srv.Close()
}

// StartStatus serves a fixed status and body to every request.
func StartStatus(t testing.TB, status int, contentType, body string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
