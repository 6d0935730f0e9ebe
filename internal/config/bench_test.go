package config

import (
	"fmt"
	"mcpls/internal/jsonc"
	"strings"
	"testing"
)

// largeConfig generates a realistic config of about 500 KiB: servers
// stdio and remote servers, with env, headers and variables, and requests
// spread over them, like ../shared/tools/lspbench's large document.
func largeConfig(servers, requests int) []byte {
	var b strings.Builder
	b.WriteString("{\n  \"mcpServers\": {\n")
	for i := range servers {
		sep := ","
		if i == servers-1 {
			sep = ""
		}
		if i%5 < 3 {
			fmt.Fprintf(&b, `    "s%d": { "command": "npx", "args": ["-y", "@acme/tool-%d-mcp@1.%d.0", "--log-level", "info"], "env": { "API_TOKEN": "${API_TOKEN:-none}", "REGION": "eu-west-1", "CACHE_DIR": "/var/cache/s%d" } }%s`+"\n", i, i, i%10, i, sep)
		} else {
			fmt.Fprintf(&b, `    "s%d": { "type": "http", "url": "https://mcp.acme.example.com/s%d/mcp", "headers": { "Authorization": "Bearer ${TOKEN_S%d:-x}", "X-Tenant": "acme" } }%s`+"\n", i, i, i, sep)
		}
	}
	b.WriteString("  },\n  \"requests\": [\n")
	for i := range requests {
		sep := ","
		if i == requests-1 {
			sep = ""
		}
		fmt.Fprintf(&b, `    { "name": "r%d", "server": "s%d", "tool": "search_issues_%d", "arguments": { "query": "memory leak in api %d", "owner": "acme", "repo": "web", "limit": %d, "labels": ["bug", "p1"], "includeArchived": false, "since": "2025-06-01T12:00:00Z" } }%s`+"\n", i, i%servers, i%500, i, 1+i%100, sep)
	}
	b.WriteString("  ]\n}\n")
	return []byte(b.String())
}

func TestLargeConfigIsClean(t *testing.T) {
	text := largeConfig(200, 2000)
	if len(text) < 400<<10 || len(text) > 700<<10 {
		t.Fatalf("generated config is %d bytes, want about 500 KiB", len(text))
	}
	f := Load("/ws/.mcp.json", text)
	if len(f.Servers) != 200 || len(f.Requests) != 2000 {
		t.Fatalf("loaded %d servers and %d requests, want 200 and 2000", len(f.Servers), len(f.Requests))
	}
	if ds := Check(f, Env{}); len(ds) != 0 {
		t.Fatalf("want no diagnostics, got %d, first %+v", len(ds), ds[0])
	}
}

func BenchmarkLoadCheck(b *testing.B) {
	text := largeConfig(200, 2000)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Check(Load("/ws/.mcp.json", text), Env{})
	}
}

func BenchmarkCheck(b *testing.B) {
	f := Load("/ws/.mcp.json", largeConfig(200, 2000))
	b.ReportAllocs()
	for b.Loop() {
		Check(f, Env{})
	}
}

func BenchmarkParseOnly(b *testing.B) {
	text := largeConfig(200, 2000)
	for b.Loop() {
		jsonc.Parse(text)
	}
}

func BenchmarkBuildModel(b *testing.B) {
	f := Load("/ws/.mcp.json", largeConfig(200, 2000))
	b.ReportAllocs()
	for b.Loop() {
		g := &File{Path: f.Path, Doc: f.Doc}
		g.build()
	}
}
