package mcp_test

import (
	"context"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"mcpls/internal/mcp"
	"mcpls/internal/mcptest"
)

// TestNoLeaks connects, calls (one call cancelled mid-flight) and closes
// over every transport, then checks the goroutine count returns to where
// it was and the child process is gone. No goroutine signals "all done",
// so the count is polled, bounded by a deadline.
func TestNoLeaks(t *testing.T) {
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	httpSrv := mcptest.StartHTTP(t, mcptest.NewServer(mcptest.Options{}))
	sseSrv := mcptest.StartSSE(t, mcptest.NewServer(mcptest.Options{}))
	targets := map[string]mcp.Target{
		"http":  httpTarget(httpSrv.URL),
		"sse":   {Name: "test", Transport: mcp.TransportSSE, URL: sseSrv.URL},
		"stdio": stdioTarget(mcptest.ModeServer),
	}
	// The go-sdk server does not cancel a running handler when its session
	// closes, so wait until it saw the cancellation before closing.
	servers := map[string]*mcptest.Server{"http": httpSrv.Server, "sse": sseSrv.Server}
	before := runtime.NumGoroutine()
	for name, target := range targets {
		s, err := mcp.Connect(testContext(t), target, &mcp.Options{HTTPClient: hc})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := s.CallTool(testContext(t), "echo", []byte(`{"text":"x"}`), nil); err != nil {
			t.Errorf("%s: echo: %v", name, err)
		}
		cancelHang(t, s, servers[name], name)
		pid := s.PID()
		if err := s.Close(); err != nil {
			t.Logf("%s: Close: %v", name, err)
		}
		if pid != 0 && processExists(pid) {
			t.Errorf("%s: child %d still running after Close", name, pid)
		}
	}
	hc.CloseIdleConnections()
	deadline := time.Now().Add(wait)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		<-tick.C
	}
}

// cancelHang cancels a call of the hang tool mid-flight. With an
// in-process server it cancels once the tool started and waits until the
// server saw the cancellation: a cancel on a timer may come before the
// request reached the server, which then has nothing to cancel. A stdio
// child gives no such signal, so there the call is given up after a moment.
func cancelHang(t *testing.T, s *mcp.Session, srv *mcptest.Server, name string) {
	t.Helper()
	var ctx context.Context
	var cancel context.CancelFunc
	if srv != nil {
		ctx, cancel = context.WithCancel(testContext(t))
	} else {
		ctx, cancel = context.WithTimeout(testContext(t), 50*time.Millisecond)
	}
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := s.CallTool(ctx, "hang", nil, nil)
		done <- err
	}()
	if srv != nil {
		receive(t, srv.Started, name+": the hang tool to start")
		cancel()
	}
	receive(t, done, name+": the cancelled call to return")
	if srv != nil {
		receive(t, srv.Cancelled, name+": the server to see the cancellation")
	}
}

// TestCloseReleasesSharedPool connects over streamable HTTP with the
// default client, whose connection pool is shared by every session, and
// checks that once the sessions are closed (and the pool's grace of a
// second passed) no connection of that pool is left: no persistConn
// goroutine (each pooled connection keeps a read and a write loop) and the
// goroutine count back where it was.
func TestCloseReleasesSharedPool(t *testing.T) {
	srv := mcptest.StartHTTP(t, mcptest.NewServer(mcptest.Options{}))
	before := runtime.NumGoroutine()
	for i := range 2 { // the second round reuses a pool that was emptied
		sessions := make([]*mcp.Session, 3)
		for j := range sessions {
			s, err := mcp.Connect(testContext(t), httpTarget(srv.URL), nil)
			if err != nil {
				t.Fatalf("round %d: connect: %v", i, err)
			}
			sessions[j] = s
		}
		for j, s := range sessions {
			if _, err := s.CallTool(testContext(t), "echo", []byte(`{"text":"x"}`), nil); err != nil {
				t.Errorf("round %d, session %d: echo: %v", i, j, err)
			}
		}
		for _, s := range sessions {
			if err := s.Close(); err != nil {
				t.Logf("round %d: Close: %v", i, err)
			}
		}
		waitGoroutines(t, before, "net/http.(*persistConn)")
	}
}

// waitGoroutines waits until at most want goroutines run and none of them
// has frame in its stack. No goroutine signals "all done", so the count is
// polled, bounded by a deadline.
func waitGoroutines(t *testing.T, want int, frame string) {
	t.Helper()
	deadline := time.Now().Add(wait)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		n := runtime.NumGoroutine()
		if n <= want && !strings.Contains(stacks, frame) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines, %d before (a %s left: %v):\n%s", n, want, frame, strings.Contains(stacks, frame), stacks)
		}
		<-tick.C
	}
}
