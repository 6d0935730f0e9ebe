package main

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"mcpls/internal/mcp"
)

func TestMain(m *testing.M) {
	serveIfChild()
	os.Exit(m.Run())
}

// TestRun runs every measurement briefly, the TypeScript peer included:
// the benchmark must keep working, whatever its figures.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := config{Calls: 20, Connects: 5, Servers: 3, Parallel: 2, TSClient: "tsclient.mjs", Delay: time.Millisecond}
	r, err := run(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	printTable(&b, r, c)
	t.Log("\n" + b.String())
	for _, x := range rows(r, c) {
		if !(x.ours > 0 && x.theirs > 0) {
			t.Errorf("%s vs %s: %v and %v, want positive figures", x.what, x.peer, x.ours, x.theirs)
		}
	}
}

// TestServerCPU checks that the echo server process's CPU time is read
// and grows as it serves: the connect measure reports it.
func TestServerCPU(t *testing.T) {
	srv, err := startServers(1, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	before := srv.CPU()
	for srv.CPU() <= before { // one clock tick of the server's work
		if err := untimed(func() (func(), error) { return connectOnce(ctx, srv.URLs[0]) }); err != nil {
			t.Fatalf("server CPU stayed at %v: %v", before, err)
		}
	}
}

// benchServers starts n echo servers for a benchmark.
func benchServers(b *testing.B, n int) []string {
	b.Helper()
	srv, err := startServers(n, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Close)
	return srv.URLs
}

// loopCPU runs f in b.Loop and reports the process's CPU per call beside
// wall time: the client's own cost (the server is another process).
func loopCPU(b *testing.B, f func() error) {
	start := cpuTime()
	for b.Loop() {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(us(cpuTime()-start)/float64(b.N), "cpu-µs/op")
}

func BenchmarkToolsCall(b *testing.B) {
	url := benchServers(b, 1)[0]
	ctx := context.Background()
	b.Run("mcpls", func(b *testing.B) {
		s, err := mcp.Connect(ctx, target("echo", url), nil)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		args := json.RawMessage(`{"text":"hello"}`)
		loopCPU(b, func() error {
			_, err := s.CallTool(ctx, "echo", args, nil)
			return err
		})
	})
	// The SDK alone, without mcpls's layer: tells where mcpls's time goes.
	b.Run("gosdk", func(b *testing.B) {
		c := sdk.NewClient(&sdk.Implementation{Name: "bench", Version: "0"}, nil)
		cs, err := c.Connect(ctx, &sdk.StreamableClientTransport{Endpoint: url, HTTPClient: newHTTPClient()},
			&sdk.ClientSessionOptions{ProtocolVersion: protocolVersion})
		if err != nil {
			b.Fatal(err)
		}
		defer cs.Close()
		params := &sdk.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "hello"}}
		loopCPU(b, func() error {
			_, err := cs.CallTool(ctx, params)
			return err
		})
	})
	b.Run("raw", func(b *testing.B) {
		r, err := rawConnect(ctx, newHTTPClient(), url, false)
		if err != nil {
			b.Fatal(err)
		}
		loopCPU(b, func() error { return r.call(ctx) })
	})
}

// BenchmarkConnectDiscovery times connect + discovery + close (DELETE).
func BenchmarkConnectDiscovery(b *testing.B) {
	url := benchServers(b, 1)[0]
	ctx := context.Background()
	b.Run("mcpls", func(b *testing.B) {
		loopCPU(b, func() error {
			return untimed(func() (func(), error) { return connectOnce(ctx, url) })
		})
	})
	b.Run("raw", func(b *testing.B) {
		hc := newHTTPClient()
		loopCPU(b, func() error {
			r, err := rawConnect(ctx, hc, url, true)
			if err == nil {
				r.close(ctx)
			}
			return err
		})
	})
}

func BenchmarkDiscoverAll20(b *testing.B) {
	urls := benchServers(b, 20)
	targets := make([]mcp.Target, len(urls))
	for i, u := range urls {
		targets[i] = target("echo", u)
	}
	ctx := context.Background()
	for b.Loop() {
		if err := closeAll(mcp.DiscoverAll(ctx, targets, nil)); err != nil {
			b.Fatal(err)
		}
	}
}
