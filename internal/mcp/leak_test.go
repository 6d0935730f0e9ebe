package mcp_test

import (
	"context"
	"net/http"
	"runtime"
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
		ctx, cancel := context.WithTimeout(testContext(t), 50*time.Millisecond)
		_, _ = s.CallTool(ctx, "hang", nil, nil)
		cancel()
		if srv := servers[name]; srv != nil {
			receive(t, srv.Cancelled, name+": the server to see the cancellation")
		}
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
