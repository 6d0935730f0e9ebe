package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"mcpls/internal/mcp"
)

func TestCall(t *testing.T) {
	port, _ := serveDemo(t)
	cfg := writeConfig(t, fmt.Sprintf(`{ "mcpServers": {
  "demo": { "type": "http", "url": "http://127.0.0.1:%s/mcp" },
  "local": %s
} }`, port, stdioServer(t)))
	t.Setenv(childEnv, "")
	tests := []struct {
		name     string
		stdin    string
		args     []string
		code     int
		stdout   string // exact, when not empty
		contains []string
		stderr   string
	}{
		{name: "ok", args: []string{"demo", "add", `{"a": 1, "b": 2}`}, stdout: "3\n"},
		{name: "stdio", args: []string{"local", "echo", `{"message": "hi", "repeat": 2}`}, stdout: "hi hi\n"},
		{name: "arguments from stdin", stdin: `{"a": 40, "b": 2}`, args: []string{"demo", "add", "-"}, stdout: "42\n"},
		{name: "isError", args: []string{"demo", "fail", `{"message": "boom"}`}, code: ExitFailure,
			stdout: "boom\n", stderr: `tool "fail" reported an error (isError)`},
		{name: "structured content shown once", args: []string{"demo", "get_weather", `{"city": "Oslo"}`},
			contains: []string{`"city":"Oslo"`}},
		{name: "non-text content", args: []string{"demo", "get_image", `{"size": 8}`},
			contains: []string{"[image image/png, ", "[resource link demo://logo.png]"}},
		{name: "unknown tool", args: []string{"demo", "nope"}, code: ExitFailure, stderr: `unknown tool "nope"`},
		{name: "arguments not an object", args: []string{"demo", "add", `[1, 2]`}, code: ExitUsage, stderr: "must be a JSON object"},
		{name: "missing tool", args: []string{"demo"}, code: ExitUsage, stderr: "usage: mcpls call"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := mcpCmd(t, tc.stdin, append([]string{"call", "--config", cfg}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stdout %q, stderr:\n%s", code, tc.code, out, errOut)
			}
			if tc.stdout != "" && out != tc.stdout {
				t.Errorf("stdout %q, want %q", out, tc.stdout)
			}
			for _, want := range tc.contains {
				if !strings.Contains(out, want) {
					t.Errorf("stdout lacks %q:\n%s", want, out)
				}
			}
			if tc.stdout == "" && len(tc.contains) > 0 && strings.Contains(out, "structuredContent:") {
				t.Errorf("structuredContent printed beside the same JSON text:\n%s", out)
			}
			if !strings.Contains(errOut, tc.stderr) {
				t.Errorf("stderr %q lacks %q", errOut, tc.stderr)
			}
		})
	}
}

func TestCallJSON(t *testing.T) {
	port, _ := serveDemo(t)
	code, out, errOut := mcpCmd(t, "", "call", "--json", "--url", "http://127.0.0.1:"+port+"/mcp", "fail")
	if code != ExitFailure {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	var res mcp.ToolResult
	if err := json.Unmarshal([]byte(out), &res); err != nil || !res.IsError || len(res.Content) != 1 {
		t.Errorf("--json result %s (%v)", out, err)
	}
}

func TestWriteToolTextStructured(t *testing.T) {
	var b strings.Builder
	res := &mcp.ToolResult{
		Content:           []json.RawMessage{json.RawMessage(`{"type":"text","text":"sunny"}`)},
		StructuredContent: json.RawMessage(`{"sky":"clear"}`),
	}
	if err := writeToolText(&b, res); err != nil {
		t.Fatal(err)
	}
	want := "sunny\nstructuredContent:\n{\n  \"sky\": \"clear\"\n}\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
