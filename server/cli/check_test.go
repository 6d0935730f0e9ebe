package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// writeFiles creates files (relative names) under a new temp dir and
// returns the dir.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runMain(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, Stdio{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

const brokenConfig = `{
  "mcpServers": {
    "日本": { "command": "x", "url": "https://example.com" },
    "b": { "type": "http", "url": "ftp://x", "headrs": {} }
  }
}
`

func TestCheckText(t *testing.T) {
	t.Setenv("MCPLS_TEST_SET", "1")
	dir := writeFiles(t, map[string]string{
		"bad/.mcp.json":              brokenConfig,
		"good/.vscode/mcp.json":      `{ "servers": { "s": { "command": "x", "args": ["${MCPLS_TEST_SET}"] } } }`,
		"warn/team.mcp.json":         `{ "mcpServers": { "s": { "command": "x", "args": ["${MCPLS_TEST_UNSET}"] } } }`,
		"bad/node_modules/.mcp.json": `{ "broken": `,
	})
	bad := filepath.Join(dir, "bad", ".mcp.json")
	good := filepath.Join(dir, "good", ".vscode", "mcp.json")
	warn := filepath.Join(dir, "warn", "team.mcp.json")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"clean file", []string{good}, ExitOK, ""},
		{"warnings only exit 0", []string{warn}, ExitOK,
			warn + ":1:52: warning: environment variable MCPLS_TEST_UNSET is not set (in the environment, env or envFile) and has no default [env/unset]\n"},
		{"errors exit 1, columns in characters", []string{bad}, ExitFailure,
			bad + ":3:5: error: server \"日本\" has both \"command\" and \"url\": keep one, or set \"type\" [server/both-command-and-url]\n" +
				bad + ":4:35: error: URL scheme \"ftp\" is not supported: use http or https [server/url-scheme]\n" +
				bad + ":4:46: warning: unknown key \"headrs\" in a server entry (did you mean \"headers\"?) [unknown-key]\n"},
		{"a directory is searched, node_modules skipped", []string{filepath.Join(dir, "good")}, ExitOK, ""},
		{"flag after the files", []string{good, "--format", "text"}, ExitOK, ""},
		{"unreadable file is an error of that file", []string{filepath.Join(dir, "nope.mcp.json"), good}, ExitFailure,
			filepath.Join(dir, "nope.mcp.json") + ":1:1: error: cannot read the file: no such file or directory [file/unreadable]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runMain(t, append([]string{"check"}, tt.args...)...)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d (stderr %q)", code, tt.wantCode, stderr)
			}
			if diff := cmp.Diff(tt.wantOut, out); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckJSON(t *testing.T) {
	dir := writeFiles(t, map[string]string{".mcp.json": brokenConfig})
	file := filepath.Join(dir, ".mcp.json")
	code, out, _ := runMain(t, "check", "--format", "json", file)
	if code != ExitFailure {
		t.Fatalf("exit code = %d, want %d", code, ExitFailure)
	}
	var got []checkResult
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not a JSON array: %v\n%s", err, out)
	}
	want := []checkResult{
		{File: file, Line: 3, Column: 5, EndLine: 3, EndColumn: 9, Severity: "error", Code: "server/both-command-and-url",
			Message: `server "日本" has both "command" and "url": keep one, or set "type"`},
		{File: file, Line: 4, Column: 35, EndLine: 4, EndColumn: 44, Severity: "error", Code: "server/url-scheme",
			Message: `URL scheme "ftp" is not supported: use http or https`},
		{File: file, Line: 4, Column: 46, EndLine: 4, EndColumn: 54, Severity: "warning", Code: "unknown-key",
			Message: `unknown key "headrs" in a server entry (did you mean "headers"?)`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	for _, key := range []string{`"file"`, `"line"`, `"column"`, `"endLine"`, `"endColumn"`, `"severity"`, `"code"`, `"message"`} {
		if !strings.Contains(out, key) {
			t.Errorf("JSON output lacks the field %s", key)
		}
	}

	clean := writeFiles(t, map[string]string{".mcp.json": `{"mcpServers": {}}`})
	code, out, _ = runMain(t, "check", "--format=json", filepath.Join(clean, ".mcp.json"))
	if code != ExitOK || strings.TrimSpace(out) != "[]" {
		t.Errorf("clean file: exit %d, output %q; want 0 and []", code, out)
	}
}

func TestCheckUsage(t *testing.T) {
	dir := writeFiles(t, map[string]string{".mcp.json": `{}`, "empty/readme.txt": "x"})
	tests := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"no files", nil, "usage: mcpls check"},
		{"unknown flag", []string{"--bogus", filepath.Join(dir, ".mcp.json")}, "flag provided but not defined"},
		{"unknown format", []string{"--format", "xml", filepath.Join(dir, ".mcp.json")}, `unknown format "xml"`},
		{"directory without config files", []string{filepath.Join(dir, "empty")}, "no MCP config files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runMain(t, append([]string{"check"}, tt.args...)...)
			if code != ExitUsage {
				t.Errorf("exit code = %d, want %d", code, ExitUsage)
			}
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
			if !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.wantStderr)
			}
		})
	}
}

// TestCheckExamples runs check on the repository's examples: the valid
// ones are clean, the broken one fails.
func TestCheckExamples(t *testing.T) {
	examples := filepath.Join("..", "..", "examples")
	for _, dir := range []string{"claude", "vscode", "cursor"} {
		code, out, stderr := runMain(t, "check", filepath.Join(examples, dir))
		if code != ExitOK || out != "" {
			t.Errorf("examples/%s: exit %d, output:\n%s%s", dir, code, out, stderr)
		}
	}
	code, out, _ := runMain(t, "check", filepath.Join(examples, "broken"))
	if code != ExitFailure || strings.Count(out, "\n") < 20 {
		t.Errorf("examples/broken: exit %d with %d lines, want 1 and many diagnostics", code, strings.Count(out, "\n"))
	}
}
