package lsp_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"mcpls/server/lsp"
	"mcpls/server/lsp/lsptest"
)

// largeConfig returns a config of about 500 KiB: 200 servers and 2,000
// saved requests, the size design.md sets the latency targets for.
func largeConfig() string {
	var b strings.Builder
	b.WriteString("{\n  \"mcpServers\": {\n")
	for i := range 200 {
		sep := ","
		if i == 199 {
			sep = ""
		}
		if i%2 == 0 {
			fmt.Fprintf(&b, "    \"server-%d\": {\"command\": \"npx\", \"args\": [\"-y\", \"@example/server-%d\", \"--port\", \"%d\"], \"env\": {\"TOKEN_%d\": \"${env:HOME}\", \"MODE\": \"production\"}}%s\n", i, i, 3000+i, i, sep)
		} else {
			fmt.Fprintf(&b, "    \"server-%d\": {\"type\": \"http\", \"url\": \"https://mcp%d.example.com/mcp\", \"headers\": {\"Authorization\": \"Bearer ${env:TOKEN_%d}\", \"X-Trace\": \"on\"}}%s\n", i, i, i, sep)
		}
	}
	b.WriteString("  },\n  \"requests\": [\n")
	for i := range 2000 {
		sep := ","
		if i == 1999 {
			sep = ""
		}
		fmt.Fprintf(&b, "    {\"name\": \"request-%d\", \"server\": \"server-%d\", \"tool\": \"tool_%d\", \"arguments\": {\"a\": %d, \"b\": \"some text argument %d\", \"flag\": true, \"list\": [1, 2, 3]}}%s\n", i, i%200, i%17, i, i, sep)
	}
	b.WriteString("  ]\n}\n")
	return b.String()
}

// startBench starts an in-process server with one workspace folder.
func startBench(b *testing.B) (context.Context, *lsptest.Editor, string) {
	ctx, cancel := context.WithCancel(context.Background())
	serverEnd, editorEnd := lsptest.Pipe()
	done := make(chan int, 1)
	go func() { done <- lsp.Serve(ctx, serverEnd, lsp.Options{Log: discard{}}) }()
	ed := lsptest.Connect(ctx, editorEnd)
	b.Cleanup(func() { cancel(); ed.Disconnect(); serverEnd.Close(); <-done })
	dir := b.TempDir()
	if _, err := ed.Initialize(ctx, dir); err != nil {
		b.Fatal(err)
	}
	return ctx, ed, dir
}

// latencies collects one duration per iteration and reports percentiles.
type latencies []time.Duration

func (l latencies) report(b *testing.B) {
	b.StopTimer()
	slices.Sort(l)
	b.ReportMetric(float64(l[len(l)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(l[len(l)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkOpenToDiagnostics measures opening a large config until its
// diagnostics arrive, in process.
func BenchmarkOpenToDiagnostics(b *testing.B) {
	ctx, ed, dir := startBench(b)
	text := largeConfig()
	b.SetBytes(int64(len(text)))
	took := make(latencies, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		u := uri.File(filepath.Join(dir, fmt.Sprintf("large%d.mcp.json", i)))
		start := time.Now()
		if err := ed.Open(ctx, u, text); err != nil {
			b.Fatal(err)
		}
		if _, err := ed.AwaitDiagnostics(ctx, u, func(p *protocol.PublishDiagnosticsParams) bool { return !p.Version.IsZero() }); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		if err := ed.Close(ctx, u); err != nil {
			b.Fatal(err)
		}
	}
	took.report(b)
}

// BenchmarkEditToDiagnostics measures one incremental edit of a large open
// config until its diagnostics for that version arrive, in process.
func BenchmarkEditToDiagnostics(b *testing.B) {
	ctx, ed, dir := startBench(b)
	u := uri.File(filepath.Join(dir, "large.mcp.json"))
	text := largeConfig()
	b.SetBytes(int64(len(text)))
	if err := ed.Open(ctx, u, text); err != nil {
		b.Fatal(err)
	}
	if _, err := ed.AwaitDiagnostics(ctx, u, func(p *protocol.PublishDiagnosticsParams) bool { return true }); err != nil {
		b.Fatal(err)
	}
	// Alternately break and fix a request's server name, in the middle of
	// the file: each edit adds or removes one diagnostic.
	at := strings.Index(text, `"server": "server-100"`) + len(`"server": "`)
	took := make(latencies, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		replacement := "x"
		if i%2 == 1 {
			replacement = "s"
		}
		start := time.Now()
		v, err := ed.Edit(ctx, u, at, at+1, replacement)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ed.AwaitDiagnostics(ctx, u, func(p *protocol.PublishDiagnosticsParams) bool {
			got, ok := p.Version.Get()
			return ok && got == v
		}); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	took.report(b)
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
