package complete

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"mcpls/internal/complete/markertest"
	"mcpls/internal/config"
)

// largeConfig generates a config of servers servers and requests saved
// requests (200 and 2,000 give ~500 KiB), with markers at the positions
// the benchmark completes at.
func largeConfig(servers, requests int) []byte {
	var b bytes.Buffer
	b.WriteString("{\n  \"mcpServers\": {\n")
	for i := range servers {
		if i%2 == 0 {
			fmt.Fprintf(&b, "    \"server-%d\": {\n      \"command\": \"npx\",\n      \"args\": [\"-y\", \"@example/server-%d\", \"--root\", \"${workspaceFolder}/data/%d\"],\n      \"env\": { \"API_KEY\": \"${env:API_KEY_%d}\", \"LOG_LEVEL\": \"debug\" }", i, i, i, i)
		} else {
			fmt.Fprintf(&b, "    \"server-%d\": {\n      \"type\": \"http\",\n      \"url\": \"https://mcp-%d.example.com/mcp\",\n      \"headers\": { \"Authorization\": \"Bearer ${input:token-%d}\" }", i, i, i)
		}
		if i == servers/2 {
			b.WriteString(",\n      /*@server_key*/\n      \"args2\": [\"${env:/*@env_name*/}\"]")
		}
		b.WriteString("\n    }")
		if i < servers-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("  },\n  \"inputs\": [\n")
	for i := 1; i < servers; i += 2 {
		fmt.Fprintf(&b, "    { \"id\": \"token-%d\", \"type\": \"promptString\", \"description\": \"Token for server %d\", \"password\": true },\n", i, i)
	}
	b.WriteString("    { \"id\": \"last\", \"type\": \"promptString\" }\n  ],\n  \"requests\": [\n")
	for i := range requests {
		fmt.Fprintf(&b, "    { \"name\": \"request-%d\", \"description\": \"Generated request %d\", \"server\": \"server-%d\", \"tool\": \"tool_%d\",\n      \"arguments\": { \"query\": \"find %d\", \"limit\": %d, \"deep\": true, \"tags\": [\"a\", \"b\"] } },\n", i, i, i%servers, i%50, i, i%100)
	}
	b.WriteString("    { \"server\": \"/*@request_server*/\", \"tool\": \"x\", \"arguments\": { \"token\": \"${input:/*@input_id*/}\" } },\n    { /*@request_key*/ },\n    /*@new_request*/\n  ]\n}\n")
	return b.Bytes()
}

func BenchmarkComplete(b *testing.B) {
	text, markers := markertest.Strip(largeConfig(200, 2000))
	f := config.Load("/ws/.mcp.json", text)
	env := config.Env{LookupEnv: func(name string) (string, bool) { return "", name == "HOME" }}
	b.Logf("document: %d KiB, %d servers, %d requests", len(text)/1024, len(f.Servers), len(f.Requests))
	for _, m := range markers {
		b.Run(m.Name, func(b *testing.B) {
			if len(Complete(f, m.Offset, env)) == 0 {
				b.Fatalf("no items at @%s", m.Name)
			}
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				start := time.Now()
				Complete(f, m.Offset, env)
				lat = append(lat, time.Since(start))
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			p99 := lat[len(lat)*99/100]
			b.ReportMetric(float64(p99.Microseconds()), "p99-µs")
			if p99 > 10*time.Millisecond {
				b.Errorf("p99 %v > 10ms", p99)
			}
		})
	}
}

// TestLargeConfig checks that the benchmark's positions complete to what
// they should, so the benchmark measures real work.
func TestLargeConfig(t *testing.T) {
	text, markers := markertest.Strip(largeConfig(200, 2000))
	f := config.Load("/ws/.mcp.json", text)
	want := map[string]string{
		"server_key":     "type",
		"env_name":       "API_KEY",
		"request_server": "server-0",
		"input_id":       "token-1",
		"request_key":    "name",
		"new_request":    "New tool request",
	}
	for _, m := range markers {
		t.Run(m.Name, func(t *testing.T) {
			items := Complete(f, m.Offset, config.Env{})
			var labels []string
			for _, it := range items {
				labels = append(labels, it.Label)
			}
			if len(labels) == 0 || labels[0] != want[m.Name] {
				t.Errorf("labels %s, want first %q", strings.Join(labels, ","), want[m.Name])
			}
		})
	}
}
