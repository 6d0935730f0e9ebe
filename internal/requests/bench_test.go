package requests

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"mcpls/internal/config"
	"mcpls/internal/mcp"
)

// benchSetup is the large generated config (2,000 requests over 200
// servers, against 500 tool schemas) with the catalogs every server has.
func benchSetup(tb testing.TB) ([]byte, Catalogs) {
	tb.Helper()
	tools, cat := benchCatalog(500)
	text := benchDoc(tools, 200, 2000)
	return text, func(string) (*mcp.Catalog, time.Time, bool) { return cat, time.Time{}, true }
}

// editRequest returns text with the value of the first argument of the
// k-th request wrapped in an array, [0, value]: still valid JSON, and a
// wrong type for every parameter the generator makes.
func editRequest(text []byte, k int) []byte {
	lines := bytes.SplitAfter(text, []byte("\n"))
	i := slices.IndexFunc(lines, func(l []byte) bool { return bytes.Contains(l, []byte(`"requests"`)) }) + 1 + k
	line := lines[i]
	start := bytes.Index(line, []byte(`"arguments": { "`)) + len(`"arguments": { "`)
	start += bytes.Index(line[start:], []byte(`": `)) + len(`": `)
	end := start + bytes.Index(line[start:], []byte(`, "`))
	if end < start {
		end = start + bytes.Index(line[start:], []byte(` } }`))
	}
	edited := slices.Concat(line[:start], []byte("[0, "), line[start:end], []byte("]"), line[end:])
	lines[i] = edited
	return slices.Concat(lines...)
}

// BenchmarkDiagnosticsEdit measures, after a one-request edit, what the
// LSP does: load the new text and run the document's Validator, which
// validates only the edited request again. p50 and p99 are reported.
func BenchmarkDiagnosticsEdit(b *testing.B) {
	text, catalogs := benchSetup(b)
	var v Validator
	if d := v.Diagnostics(config.Load("bench.mcp.json", text), catalogs); len(d) != 0 {
		b.Fatalf("the generated config has %d diagnostics, want none: %+v", len(d), d[0])
	}
	edits := make([][]byte, 100)
	for i := range edits {
		edits[i] = editRequest(text, i*20+10)
	}
	var times []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		f := config.Load("bench.mcp.json", edits[i%len(edits)])
		diags := v.Diagnostics(f, catalogs)
		times = append(times, time.Since(start))
		if len(diags) == 0 {
			b.Fatal("the edit made no diagnostic")
		}
	}
	reportPercentiles(b, times)
}

// BenchmarkDiagnosticsEditValidateOnly is BenchmarkDiagnosticsEdit
// without config.Load: the Validator's own share.
func BenchmarkDiagnosticsEditValidateOnly(b *testing.B) {
	text, catalogs := benchSetup(b)
	var v Validator
	v.Diagnostics(config.Load("bench.mcp.json", text), catalogs)
	files := make([]*config.File, 100)
	for i := range files {
		files[i] = config.Load("bench.mcp.json", editRequest(text, i*20+10))
	}
	var times []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		v.Diagnostics(files[i%len(files)], catalogs)
		times = append(times, time.Since(start))
	}
	reportPercentiles(b, times)
}

// BenchmarkDiagnosticsCold validates every request (a new document, or
// new catalogs) with schemas already compiled.
func BenchmarkDiagnosticsCold(b *testing.B) {
	text, catalogs := benchSetup(b)
	f := config.Load("bench.mcp.json", text)
	Diagnostics(f, catalogs)
	for b.Loop() {
		Diagnostics(f, catalogs)
	}
}

// BenchmarkCompleteArgs completes argument keys and values in requests
// spread over the large config.
func BenchmarkCompleteArgs(b *testing.B) {
	text, catalogs := benchSetup(b)
	f := config.Load("bench.mcp.json", text)
	var offsets []int
	for i := 0; i < len(f.Requests); i += 20 {
		r := f.Requests[i]
		offsets = append(offsets, r.Arguments.Start+1)                // a new key
		offsets = append(offsets, r.Arguments.Props()[0].Value.Start) // a value
		offsets = append(offsets, r.Tool.Range.Start+1)               // the tool name
	}
	var times []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		items := Complete(f, offsets[i%len(offsets)], catalogs)
		times = append(times, time.Since(start))
		if i%3 == 2 && len(items) != 500 {
			b.Fatalf("%d tool names at offset %d, want 500", len(items), offsets[i%len(offsets)])
		}
	}
	reportPercentiles(b, times)
}

func reportPercentiles(b *testing.B, times []time.Duration) {
	if len(times) == 0 {
		return
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
}
