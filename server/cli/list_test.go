package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mcpls/internal/cache"
	"mcpls/internal/mcp"
)

func TestListText(t *testing.T) {
	port, _ := serveDemo(t)
	cfg := writeConfig(t, fmt.Sprintf(`{ "mcpServers": {
  "demo": { "type": "http", "url": "http://127.0.0.1:%s/mcp" },
  "local": %s
} }`, port, stdioServer(t)))
	t.Setenv(childEnv, "") // only the config's env starts the child
	tests := []struct {
		name string
		args []string
		head string
	}{
		{"config http", []string{"list", "--config", cfg, "demo"}, "demo  mcpls-demo "},
		{"config stdio", []string{"list", "local", "--config", cfg}, "local  mcpls-demo "},
		{"url", []string{"list", "--url", "http://127.0.0.1:" + port + "/mcp"}, "http://127.0.0.1:" + port + "/mcp  mcpls-demo "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := mcpCmd(t, "", tc.args...)
			if code != ExitOK {
				t.Fatalf("exit %d, stderr:\n%s", code, errOut)
			}
			if !strings.HasPrefix(out, tc.head) {
				t.Errorf("first line %q, want it to start with %q", strings.SplitN(out, "\n", 2)[0], tc.head)
			}
			for _, want := range []string{
				"\ntools (19)  * = required\n",
				"\n  add(a*: number, b*: number)\n      Adds two numbers.\n",
				"shape*: {kind: \"circle\"}|{kind: \"rectangle\"}|{kind: \"triangle\"}",
				"state: \"open\"|\"closed\"|\"all\"",
				"\nprompts (4)\n", "\n  greet(name*, style)\n",
				"\nresources (16)\n", "\n  demo://readme  readme (text/markdown)\n",
				"\nresource templates (2)\n", "\n  demo://items/{id}  item (application/json)\n",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

func TestListStdioFlag(t *testing.T) {
	t.Setenv(childEnv, "demo-stdio") // inherited by the child
	code, out, errOut := mcpCmd(t, "", "list", "--json", "--stdio", `"`+testBinary(t)+`" --ignored-arg`)
	if code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	var cat mcp.Catalog
	if err := json.Unmarshal([]byte(out), &cat); err != nil {
		t.Fatalf("--json output is not a catalog: %v\n%s", err, out)
	}
	if cat.Server.Name != "mcpls-demo" || len(cat.Tools) != 19 || len(cat.Prompts) != 4 || len(cat.Templates) != 2 {
		t.Errorf("catalog: server %q, %d tools, %d prompts, %d templates", cat.Server.Name, len(cat.Tools), len(cat.Prompts), len(cat.Templates))
	}
}

// TestListOffline: a server seen once and then down shows its cached
// catalog, marked offline, exit 0; one never seen fails with the reason.
func TestListOffline(t *testing.T) {
	t.Setenv(cache.EnvDir, t.TempDir())
	port, stop := serveDemo(t)
	cfg := writeConfig(t, fmt.Sprintf(`{ "mcpServers": {
  "demo": { "type": "http", "url": "http://127.0.0.1:%s/mcp" },
  "never": { "type": "http", "url": "http://127.0.0.1:%s/mcp" }
} }`, port, deadPort(t)))
	code, online, errOut := mcpCmd(t, "", "list", "--config", cfg, "demo")
	if code != ExitOK {
		t.Fatalf("online list: exit %d: %s", code, errOut)
	}
	stop()

	code, out, errOut := mcpCmd(t, "", "list", "--config", cfg, "demo")
	if code != ExitOK {
		t.Fatalf("offline list: exit %d, stderr:\n%s", code, errOut)
	}
	head, rest, _ := strings.Cut(out, "\n")
	// The reason is "connection refused", or "EOF" when the in-process
	// HTTP client reuses a pooled connection to the stopped server.
	if !strings.Contains(head, "(offline, cached just now: connect \"demo\": ") {
		t.Errorf("offline head line %q", head)
	}
	_, onlineRest, _ := strings.Cut(online, "\n")
	if rest != onlineRest {
		t.Errorf("offline catalog differs from the online one:\n%s", rest)
	}
	if !strings.HasPrefix(errOut, "mcpls list: warning: offline, cached just now: ") {
		t.Errorf("stderr %q, want the offline warning", errOut)
	}

	code, out, errOut = mcpCmd(t, "", "list", "--config", cfg, "never")
	if code != ExitFailure || out != "" || !strings.Contains(errOut, "connection refused") {
		t.Errorf("never reached: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestListUsage(t *testing.T) {
	cfg := writeConfig(t, `{ "mcpServers": { "a": { "url": "http://127.0.0.1:1/mcp" } } }`)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no server", []string{"list", "--config", cfg}, "name a server of the config"},
		{"unknown server", []string{"list", "--config", cfg, "b"}, `no server "b" in ` + cfg + " (servers: a)"},
		{"both", []string{"list", "--url", "http://x", "--stdio", "y"}, "not both"},
		{"extra", []string{"list", "--config", cfg, "a", "b"}, `unexpected argument "b"`},
		{"bad stdio", []string{"list", "--stdio", `"x`}, "want a command line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := mcpCmd(t, "", tc.args...)
			if code != ExitUsage || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, errOut, tc.want)
			}
		})
	}
}

// TestListDefaultConfig finds .vscode/mcp.json in the current directory
// when --config is not given.
func TestListDefaultConfig(t *testing.T) {
	port, _ := serveDemo(t)
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, ".vscode"), 0o755); err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprintf(`{ "servers": { "demo": { "url": "http://127.0.0.1:%s/mcp" } } }`, port)
	if err := os.WriteFile(filepath.Join(dir, ".vscode", "mcp.json"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	code, out, errOut := mcpCmd(t, "", "list", "demo")
	if code != ExitOK || !strings.HasPrefix(out, "demo  mcpls-demo ") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	t.Chdir(t.TempDir())
	code, _, errOut = mcpCmd(t, "", "list", "demo")
	if code != ExitUsage || !strings.Contains(errOut, "no config file here (looked for .mcp.json, .vscode/mcp.json, .cursor/mcp.json): pass --config FILE") {
		t.Errorf("no config: exit %d, stderr %q", code, errOut)
	}
}
