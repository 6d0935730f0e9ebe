package mcptest

import (
	"bytes"
	"encoding/json"
	"io"
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
	Gets    atomic.Int64 // GET requests seen (standalone and resumed streams)
	Deletes atomic.Int64 // DELETE requests seen (session ends)
	header  atomic.Pointer[http.Header]
	fault   atomic.Pointer[Fault]
}

// Fault is a canned answer that replaces the server's to one POST.
type Fault struct {
	Method      string // the JSON-RPC method of the POST it answers
	Status      int
	ContentType string
	Body        string
}

// FailNext answers the next POST carrying f.Method with f instead of
// serving it, as a proxy or a broken server would.
func (h *HTTPServer) FailNext(f Fault) { h.fault.Store(&f) }

// serveFault answers r with the armed fault when it matches, and says
// whether it did. r.Body stays readable for the real handler.
func (h *HTTPServer) serveFault(w http.ResponseWriter, r *http.Request) bool {
	f := h.fault.Load()
	if f == nil || r.Method != http.MethodPost {
		return false
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	var head struct{ Method string }
	if json.Unmarshal(body, &head) != nil || head.Method != f.Method || !h.fault.CompareAndSwap(f, nil) {
		return false
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
	return true
}

// LastHeader returns the headers of the last request the server got.
func (h *HTTPServer) LastHeader() http.Header {
	if p := h.header.Load(); p != nil {
		return *p
	}
	return nil
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
		switch r.Method {
		case http.MethodPost:
			h.Posts.Add(1)
		case http.MethodGet:
			h.Gets.Add(1)
		case http.MethodDelete:
			h.Deletes.Add(1)
		}
		hdr := r.Header.Clone()
		h.header.Store(&hdr)
		if h.serveFault(w, r) {
			return
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
