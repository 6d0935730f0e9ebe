package mcp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"mcpls/internal/console"
	"mcpls/internal/mcp"
	"mcpls/internal/mcptest"
)

func TestSessionExpiredReinitializes(t *testing.T) {
	srv := mcptest.StartHTTP(t, mcptest.NewServer(mcptest.Options{}))
	s, rec := connect(t, httpTarget(srv.URL), nil)
	srv.ExpireSessions()
	res, err := s.CallTool(testContext(t), "echo", []byte(`{"text":"again"}`), nil)
	if err != nil || textOf(t, res) != "echo: again" {
		t.Fatalf("call after the server forgot the session = %+v, %v", res, err)
	}
	waitEvent(t, rec, "re-initialization", func(e console.Event) bool {
		return e.Kind == console.KindEvent && strings.Contains(e.Message, "initializing again")
	})
	inits := 0
	for _, e := range rec.Events() {
		if e.Kind == console.KindSend && e.Method == "initialize" {
			inits++
		}
	}
	if inits != 2 {
		t.Errorf("initialize sent %d times, want 2", inits)
	}
}

func TestLegacySSEFallback(t *testing.T) {
	srv := mcptest.StartSSE(t, mcptest.NewServer(mcptest.Options{}))
	s, rec := connect(t, httpTarget(srv.URL), nil) // configured as "http"
	if s.Transport() != mcp.TransportSSE {
		t.Errorf("transport = %q, want sse after the fallback", s.Transport())
	}
	res, err := s.CallTool(testContext(t), "echo", []byte(`{"text":"old"}`), nil)
	if err != nil || textOf(t, res) != "echo: old" {
		t.Fatalf("call over the fallback = %+v, %v", res, err)
	}
	waitEvent(t, rec, "the fallback event", func(e console.Event) bool {
		return strings.Contains(e.Message, "trying the legacy SSE transport")
	})
}

// refusedURL is a loopback address where nothing listens.
func refusedURL(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr + "/mcp"
}

// hangingURL accepts requests and never answers them.
func hangingURL(t *testing.T) string {
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	t.Cleanup(func() { close(done); srv.Close() })
	return srv.URL
}

func TestConnectErrors(t *testing.T) {
	tlsSrv := httptest.NewUnstartedServer(http.NotFoundHandler())
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake failure is the point
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	tests := []struct {
		name   string
		target mcp.Target
		kind   mcp.Kind
		want   []string // in the message
		reject []string // never in the message
	}{
		{"refused", httpTarget(refusedURL(t)), mcp.KindRefused, []string{"connection refused"}, nil},
		{"dns", httpTarget("http://no-such-host.invalid/mcp"), mcp.KindDNS, []string{"host not found", "no-such-host.invalid"}, nil},
		{"tls", httpTarget(tlsSrv.URL), mcp.KindTLS, []string{"TLS failure", "certificate"}, nil},
		{"http 500", httpTarget(mcptest.StartStatus(t, 500, "application/json", `{"error":"database exploded","token":"s3cret"}`)),
			mcp.KindHTTPStatus, []string{"HTTP 500", "database exploded"}, []string{"s3cret"}},
		{"not mcp", httpTarget(mcptest.StartStatus(t, 200, "text/html", "<html>hello</html>")),
			mcp.KindHandshake, []string{"not an MCP server", "text/html"}, nil},
		{"http timeout", withTimeout(httpTarget(hangingURL(t)+"?api_key=hunter2"), 300*time.Millisecond),
			mcp.KindTimeout, []string{"timed out", "300ms"}, []string{"hunter2"}},
		{"command not found", mcp.Target{Name: "test", Command: "/no/such/mcp-server"}, mcp.KindNotFound, []string{"command not found", "/no/such/mcp-server"}, nil},
		{"command not on PATH", mcp.Target{Name: "test", Command: "no-such-mcp-server-xyz"}, mcp.KindNotFound, []string{"command not found", "executable file not found"}, nil},
		{"bad working directory", mcp.Target{Name: "test", Command: "true", Dir: "/no/such/dir"}, mcp.KindUnclassified, []string{`working directory "/no/such/dir"`}, nil},
		{"process exited", stdioTarget(mcptest.ModeExit), mcp.KindExited, []string{"server process exited", "exit status 3", "fatal: API_KEY is not set"}, nil},
		{"garbage on stdout", stdioTarget(mcptest.ModeGarbage), mcp.KindHandshake, []string{"not JSON-RPC", "Welcome to my server"}, nil},
		{"never answers initialize", withTimeout(stdioTarget(mcptest.ModeSilent), 300*time.Millisecond), mcp.KindTimeout, []string{"no answer within 300ms"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &console.Recorder{}
			s, err := mcp.Connect(testContext(t), tt.target, &mcp.Options{Console: rec})
			if err == nil {
				s.Close()
				t.Fatal("Connect succeeded")
			}
			t.Log(err) // the message a user sees
			var merr *mcp.Error
			if !errors.As(err, &merr) || merr.Kind != tt.kind {
				t.Fatalf("err = %v (%T), want kind %q", err, err, tt.kind)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q lacks %q", err, w)
				}
			}
			for _, r := range tt.reject {
				if strings.Contains(err.Error(), r) || strings.Contains(fmt.Sprint(rec.Events()), r) {
					t.Errorf("secret %q leaked into the error or the console", r)
				}
			}
			assertChildrenGone(t, rec)
		})
	}
}

func withTimeout(t mcp.Target, d time.Duration) mcp.Target {
	t.Timeout = d
	return t
}

// assertChildrenGone checks every process the console saw start is gone.
func assertChildrenGone(t *testing.T, rec *console.Recorder) {
	t.Helper()
	for _, e := range rec.Events() {
		i := strings.LastIndex(e.Message, "(pid ")
		if !strings.HasPrefix(e.Message, "started ") || i < 0 {
			continue
		}
		var pid int
		if _, err := fmt.Sscanf(e.Message[i:], "(pid %d)", &pid); err != nil {
			t.Fatalf("parsing %q: %v", e.Message, err)
		}
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("child process %d is still there (kill 0: %v)", pid, err)
		}
	}
}

func TestStdioServerKilledMidCall(t *testing.T) {
	lost := make(chan error, 1)
	s, rec := connect(t, stdioTarget(mcptest.ModeServer), &mcp.Options{OnDisconnected: func(err error) { lost <- err }})
	pid := s.PID()
	_, err := s.CallTool(testContext(t), "die", nil, nil)
	var merr *mcp.Error
	if !errors.As(err, &merr) || merr.Kind != mcp.KindExited {
		t.Fatalf("err = %v, want the process exit", err)
	}
	if !strings.Contains(err.Error(), "signal: killed") || !strings.Contains(err.Error(), "about to be killed") {
		t.Errorf("message %q lacks the signal or the last stderr line", err)
	}
	waitEvent(t, rec, "the stderr line", func(e console.Event) bool {
		return e.Kind == console.KindStderr && e.Message == "about to be killed"
	})
	if err := receive(t, lost, "OnDisconnected"); !errors.Is(err, mcp.ErrExited) {
		t.Errorf("OnDisconnected(%v), want the exit", err)
	}
	s.Close()
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process %d still exists after Close: %v", pid, err)
	}
}

func TestStdioStopEscalates(t *testing.T) {
	defer mcp.SetStopGrace(100 * time.Millisecond)()
	// A server that ignores stdin EOF and SIGTERM never answers initialize
	// either: the connect is given up and stopping needs SIGKILL. It is
	// given up once the server says it ignores SIGTERM, not on a timer: a
	// loaded machine may take longer than any short timeout to start it,
	// and SIGTERM would then kill it before it ignores the signal.
	rec := &console.Recorder{}
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		_, err := mcp.Connect(ctx, withTimeout(stdioTarget(mcptest.ModeStubborn), wait), &mcp.Options{Console: rec})
		errc <- err
	}()
	waitEvent(t, rec, "the server ignoring SIGTERM", func(e console.Event) bool {
		return e.Kind == console.KindStderr && strings.Contains(e.Message, "ignoring SIGTERM")
	})
	cancel()
	if err := receive(t, errc, "Connect to give up"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	for _, step := range []string{"sending SIGTERM", "sending SIGKILL", "process exited: signal: killed"} {
		waitEvent(t, rec, step, func(e console.Event) bool { return strings.Contains(e.Message, step) })
	}
	assertChildrenGone(t, rec)
}

func TestDiscoverAll(t *testing.T) {
	srv := mcptest.StartHTTP(t, mcptest.NewServer(mcptest.Options{}))
	targets := []mcp.Target{httpTarget(srv.URL), stdioTarget(mcptest.ModeServer), httpTarget(refusedURL(t))}
	targets[1].Name, targets[2].Name = "stdio", "down"
	results := mcp.DiscoverAll(testContext(t), targets, nil)
	for _, r := range results {
		if r.Session != nil {
			defer r.Session.Close()
		}
	}
	if results[0].Err != nil || len(results[0].Catalog.Tools) == 0 || results[0].Target.Name != "test" {
		t.Errorf("http result = %+v", results[0])
	}
	if results[1].Err != nil || len(results[1].Catalog.Tools) == 0 || results[1].Target.Name != "stdio" {
		t.Errorf("stdio result = %+v", results[1])
	}
	if !errors.Is(results[2].Err, mcp.ErrRefused) || results[2].Session != nil {
		t.Errorf("down result = %+v", results[2])
	}
}

func processExists(pid int) bool {
	return !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

func TestDroppedStreamResumes(t *testing.T) {
	srv := mcptest.StartResumable(t, mcptest.NewServer(mcptest.Options{}))
	s, rec := connect(t, httpTarget(srv.URL), nil)
	res, err := s.CallTool(testContext(t), "dropstream", nil, nil)
	if err != nil || textOf(t, res) != "finished after the stream dropped" {
		t.Fatalf("dropstream = %+v, %v", res, err)
	}
	dropped := waitEvent(t, rec, "the retry field", func(e console.Event) bool { return strings.Contains(e.Message, "reconnect delay to 50ms") })
	resumed := waitEvent(t, rec, "the resumption", func(e console.Event) bool { return strings.Contains(e.Message, "resuming stream after event") })
	// The SDK's own reconnect delay is 1s; the server asked for 50ms. Timed
	// from the retry field (read as the stream drops) to the resumption,
	// not over the whole call, whose other steps a loaded machine slows.
	if d := resumed.Time.Sub(dropped.Time); d > 900*time.Millisecond {
		t.Errorf("resumed %s after the drop: the retry field was not honoured", d)
	}
}

func TestStdioGarbageMidSession(t *testing.T) {
	s, _ := connect(t, stdioTarget(mcptest.ModeServer), nil)
	_, err := s.CallTool(testContext(t), "garble", nil, nil)
	var merr *mcp.Error
	if !errors.As(err, &merr) || merr.Kind != mcp.KindHandshake || !strings.Contains(err.Error(), "oops, this is not JSON-RPC") {
		t.Fatalf("err = %v, want the garbage reported", err)
	}
	t.Log(err)
}

// cancelOnSend cancels a connect once its first message is on the wire.
type cancelOnSend struct {
	console.Recorder
	cancel context.CancelFunc
}

func (c *cancelOnSend) Emit(e console.Event) {
	c.Recorder.Emit(e)
	if e.Kind == console.KindSend {
		c.cancel()
	}
}

// A connect given up by its caller says so (not a timeout, and not what
// the peer did after we stopped listening), at once, and without sending
// notifications/cancelled for initialize, which clients must not cancel.
func TestConnectCancelled(t *testing.T) {
	for _, tt := range []struct {
		name   string
		target mcp.Target
	}{
		{"http", httpTarget(hangingURL(t))},
		{"stdio", stdioTarget(mcptest.ModeSilent)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(testContext(t))
			defer cancel()
			sink := &cancelOnSend{cancel: cancel}
			s, err := mcp.Connect(ctx, tt.target, &mcp.Options{Console: sink})
			if err == nil {
				s.Close()
				t.Fatal("Connect succeeded")
			}
			var merr *mcp.Error
			if !errors.As(err, &merr) || merr.Kind != mcp.KindClosed || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "cancelled") {
				t.Errorf("err = %v (kind %v), want a cancellation", err, merr)
			}
			for _, e := range sink.Events() {
				if e.Method == "notifications/cancelled" {
					t.Errorf("initialize was cancelled on the wire (the protocol forbids it): %s", e.Message)
				}
			}
			assertChildrenGone(t, &sink.Recorder)
		})
	}
}
