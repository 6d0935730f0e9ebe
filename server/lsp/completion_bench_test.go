package lsp

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"mcpls/internal/mcp"
	"mcpls/internal/requests"
)

// toolNameBench is a config whose request completes a tool name at
// offset, against a live catalog of 518 tools (the schema benchmark's).
func toolNameBench(b *testing.B) (*Document, int, requests.Catalogs) {
	cat := &mcp.Catalog{}
	for i := range 518 {
		schema := fmt.Sprintf(`{"type":"object","description":"Arguments for tool_%d.","properties":{"query":{"type":"string","description":"Free-text search query."},"limit":{"type":"integer","minimum":1,"maximum":100,"default":30}},"required":["query"]}`, i)
		cat.Tools = append(cat.Tools, mcp.Tool{Name: fmt.Sprintf("tool_%d", i), Description: fmt.Sprintf("Generated tool number %d: searches things and lists them, page by page.", i), InputSchema: json.RawMessage(schema)})
	}
	var sb strings.Builder
	sb.WriteString("{\n  \"mcpServers\": { \"s1\": { \"type\": \"http\", \"url\": \"http://127.0.0.1:1/mcp\" } },\n  \"requests\": [\n")
	for i := range 500 {
		fmt.Fprintf(&sb, "    { \"server\": \"s1\", \"tool\": \"tool_%d\", \"arguments\": { \"query\": \"x\" } },\n", i)
	}
	sb.WriteString("    { \"server\": \"s1\", \"tool\": \"\" }\n  ]\n}\n")
	text := sb.String()
	offset := strings.LastIndex(text, `"tool": "`) + len(`"tool": "`)
	doc := newDocument("file:///bench/.mcp.json", 1, []byte(text))
	return doc, offset, func(string) (*mcp.Catalog, time.Time, bool) { return cat, time.Time{}, true }
}

// BenchmarkCompleteToolNames measures the tool-name completion handler's
// work, in two parts (items, then their JSON), and in all: the plain way
// (both) and the way the handler answers, pre-encoded (prebuilt).
func BenchmarkCompleteToolNames(b *testing.B) {
	doc, offset, catalogs := toolNameBench(b)
	env := fileEnv{}
	items := func() []protocol.CompletionItem {
		return completeAt(doc.analysis, doc.Path, doc.Text, doc.Lines(), offset, env, catalogs, true)
	}
	if n := len(items()); n != 518 {
		b.Fatalf("%d items, want 518", n)
	}
	run := func(b *testing.B, f func()) {
		var times []time.Duration
		for b.Loop() {
			start := time.Now()
			f()
			times = append(times, time.Since(start))
		}
		slices.Sort(times)
		b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
	}
	b.Run("items", func(b *testing.B) { run(b, func() { items() }) })
	list := &protocol.CompletionList{Items: items()}
	b.Run("encode", func(b *testing.B) {
		run(b, func() {
			if _, err := (lspCodec{}).Marshal(list); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("prebuilt", func(b *testing.B) {
		var buf []byte // the pooled buffer the handler reuses
		run(b, func() {
			var ok bool
			if buf, ok = nameListAt(buf[:0], doc.analysis, doc.Path, doc.Text, doc.Lines(), offset, env, catalogs); !ok {
				b.Fatal("no pre-encoded list")
			}
		})
	})
	b.Run("both", func(b *testing.B) {
		run(b, func() {
			if _, err := (lspCodec{}).Marshal(&protocol.CompletionList{Items: items()}); err != nil {
				b.Fatal(err)
			}
		})
	})
}
