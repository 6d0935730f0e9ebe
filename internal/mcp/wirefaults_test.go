package mcp_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"mcpls/internal/console"
	"mcpls/internal/mcp"
	"mcpls/internal/mcptest"
)

// TestCallFaultsOverHTTP breaks one tools/call response and checks what
// the user reads, then that the next call works: in the same session when
// the failure was the request's alone, in a new one (connected and
// initialized again, transparently) when it ended the session.
func TestCallFaultsOverHTTP(t *testing.T) {
	tests := []struct {
		name  string
		fault mcptest.Fault
		kind  mcp.Kind
		want  []string
	}{
		{"HTTP 500", mcptest.Fault{Status: http.StatusInternalServerError, ContentType: "text/plain", Body: "database down; token=abc123"},
			mcp.KindHTTPStatus, []string{`tools/call echo "test": HTTP error status`, "POST got HTTP 500", "database down"}},
		{"HTTP 503", mcptest.Fault{Status: http.StatusServiceUnavailable, ContentType: "text/plain", Body: "no healthy upstream"},
			mcp.KindHTTPStatus, []string{"POST got HTTP 503: no healthy upstream"}},
		// The SDK ends its session on a 400 without a JSON-RPC error: the
		// next call connects again.
		{"HTTP 400", mcptest.Fault{Status: http.StatusBadRequest, ContentType: "application/json",
			Body: `{"jsonrpc":"2.0","id":null,"error":{"code":-32602,"message":"bad arguments"}}`},
			mcp.KindHTTPStatus, []string{"POST got HTTP 400", "bad arguments"}},
		{"malformed JSON", mcptest.Fault{Status: http.StatusOK, ContentType: "application/json", Body: `{"jsonrpc":"2.0","id":`},
			mcp.KindBadResponse, []string{`tools/call echo "test": invalid JSON from server`, "unexpected end of JSON input",
				`the body was "{\"jsonrpc\":\"2.0\",\"id\":"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mcptest.StartHTTP(t, mcptest.NewServer(mcptest.Options{}))
			s, rec := connect(t, httpTarget(srv.URL), nil)
			tt.fault.Method = "tools/call"
			srv.FailNext(tt.fault)
			_, err := s.CallTool(testContext(t), "echo", json.RawMessage(`{"text":"x"}`), nil)
			var merr *mcp.Error
			if !errors.As(err, &merr) || merr.Kind != tt.kind {
				t.Fatalf("err = %v, want kind %q", err, tt.kind)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the user reads %q, which lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "abc123") {
				t.Errorf("the error shows a secret: %v", err)
			}
			res, err := s.CallTool(testContext(t), "echo", json.RawMessage(`{"text":"after"}`), nil)
			if err != nil || textOf(t, res) != "echo: after" {
				t.Fatalf("the call after the fault = %+v, %v; want the session to carry on", res, err)
			}
			if tt.fault.Status == http.StatusBadRequest {
				waitEvent(t, rec, "the reconnection", func(e console.Event) bool {
					return strings.Contains(e.Message, "the connection broke; connecting and initializing again")
				})
			}
		})
	}
}

// TestServerKilledMidCallFailsFast stops a server while a call streams
// progress: the call fails at once with "connection refused" instead of
// waiting out the SDK's reconnection backoff (about 18 s).
func TestServerKilledMidCallFailsFast(t *testing.T) {
	srv := mcptest.StartResumable(t, mcptest.NewServer(mcptest.Options{ProgressEvery: 20 * time.Millisecond}))
	s, _ := connect(t, httpTarget(srv.URL), nil)
	progressed := make(chan struct{}, 1)
	errc := make(chan error, 1)
	go func() {
		_, err := s.CallTool(testContext(t), "slow", json.RawMessage(`{"steps":500}`), func(mcp.Progress) {
			select {
			case progressed <- struct{}{}:
			default:
			}
		})
		errc <- err
	}()
	receive(t, progressed, "the first progress")
	start := time.Now()
	srv.Close()
	err := receive(t, errc, "the call to fail")
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the call failed after %s; want well under the SDK's backoff", d)
	}
	if !errors.Is(err, mcp.ErrRefused) || !strings.Contains(err.Error(), `tools/call slow "test": connection refused`) {
		t.Fatalf("err = %v, want connection refused", err)
	}
}

// TestStandaloneStreamOnlyWhenUseful opens the GET stream for server
// messages only when a side declared something a server sends unprompted.
func TestStandaloneStreamOnlyWhenUseful(t *testing.T) {
	quiet := func() *mcptest.Server {
		return &mcptest.Server{Server: sdk.NewServer(&sdk.Implementation{Name: "quiet", Version: "1"},
			&sdk.ServerOptions{Capabilities: &sdk.ServerCapabilities{Tools: &sdk.ToolCapabilities{}}})}
	}
	tests := []struct {
		name   string
		server *mcptest.Server
		opts   *mcp.Options
		want   bool
	}{
		{"server declares list changes and logging", mcptest.NewServer(mcptest.Options{}), nil, true},
		{"nothing to hear", quiet(), nil, false},
		{"the client serves roots", quiet(), &mcp.Options{Roots: func() []mcp.Root { return nil }}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mcptest.StartHTTP(t, tt.server)
			s, rec := connect(t, httpTarget(srv.URL), tt.opts)
			if _, err := s.Resync(testContext(t)); err != nil {
				t.Fatal(err)
			}
			if !tt.want {
				s.Close()
				if n := srv.Gets.Load(); n != 0 {
					t.Errorf("%d GET requests, want none", n)
				}
				return
			}
			waitEvent(t, rec, "the GET stream", func(e console.Event) bool {
				return e.Kind == console.KindHTTP && e.Method == http.MethodGet
			})
		})
	}
}
