package runner

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"mcpls/internal/config"
	"mcpls/internal/demoserver"
	"mcpls/internal/mcp"
)

const testWait = 20 * time.Second

// startDemo serves the demo server on 127.0.0.1 until the test ends and
// returns its port.
func startDemo(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- demoserver.New(demoserver.Options{}).Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("demo server: %v", err)
		}
	})
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// closedPort returns a loopback port where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	return port
}

func envOf(vars map[string]string) config.Env {
	lookup := func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
	return config.Env{LookupEnv: lookup, LookupInput: EnvInputs(lookup), UserHome: "/home/u"}
}

func load(t *testing.T, text string, env config.Env) *config.File {
	t.Helper()
	f := config.Load("/ws/.mcp.json", []byte(text))
	for _, d := range config.Check(f, env) {
		if d.Severity == config.SeverityError {
			t.Fatalf("test config has an error: %s", d.Message)
		}
	}
	return f
}

func TestInputEnvName(t *testing.T) {
	for id, want := range map[string]string{
		"gh-secret": "MCPLS_INPUT_GH_SECRET",
		"apiKey":    "MCPLS_INPUT_APIKEY",
		"a.b c9":    "MCPLS_INPUT_A_B_C9",
		"é":         "MCPLS_INPUT__",
	} {
		if got := InputEnvName(id); got != want {
			t.Errorf("InputEnvName(%q) = %q, want %q", id, got, want)
		}
	}
}

const targetsConfig = `{
  "servers": {
    "local": { "command": "node", "args": ["srv.js", "--port=${PORT:-9}"], "env": { "TOKEN": "${input:tok}" } },
    "remote": { "type": "http", "url": "https://${HOST}/mcp", "headers": { "Authorization": "Bearer ${env:PAT}" }, "timeout": 5 },
    "legacy": { "type": "sse", "url": "http://127.0.0.1:1/sse" }
  },
  "inputs": [ { "id": "tok", "type": "promptString", "description": "API token", "password": true } ]
}`

func TestTargetFor(t *testing.T) {
	f := load(t, targetsConfig, config.Env{})
	env := envOf(map[string]string{"HOST": "example.com", "PAT": "p4t", "MCPLS_INPUT_TOK": "s3cret"})
	tests := []struct {
		server string
		env    config.Env
		check  func(t *testing.T, got mcp.Target)
	}{
		{"local", env, func(t *testing.T, got mcp.Target) {
			if got.Transport != mcp.TransportStdio || got.Command != "node" || got.Dir != "/ws" {
				t.Errorf("got %+v", got)
			}
			if diff := cmp.Diff([]string{"srv.js", "--port=9"}, got.Args); diff != "" {
				t.Errorf("args (-want +got):\n%s", diff)
			}
			if last := got.Env[len(got.Env)-1]; last != "TOKEN=s3cret" {
				t.Errorf("last env entry = %q, want TOKEN=s3cret", last)
			}
		}},
		{"remote", env, func(t *testing.T, got mcp.Target) {
			want := mcp.Target{Name: "remote", Transport: mcp.TransportHTTP, URL: "https://example.com/mcp",
				Headers: map[string]string{"Authorization": "Bearer p4t"}, Timeout: 5 * time.Second}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		}},
		{"legacy", config.Env{}, func(t *testing.T, got mcp.Target) {
			if got.Transport != mcp.TransportSSE || got.URL != "http://127.0.0.1:1/sse" {
				t.Errorf("got %+v", got)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.server, func(t *testing.T) {
			got, err := TargetFor(f, f.Server(tc.server), tc.env)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, got)
		})
	}
}

func TestTargetForMissingInput(t *testing.T) {
	f := load(t, targetsConfig, config.Env{})
	_, err := TargetFor(f, f.Server("local"), envOf(nil))
	var mi *MissingInputError
	if !errors.As(err, &mi) || !errors.Is(err, ErrInputMissing) {
		t.Fatalf("err = %v, want a *MissingInputError", err)
	}
	want := `server "local" needs input "tok" (API token) has no value: set MCPLS_INPUT_TOK`
	if err.Error() != want {
		t.Errorf("message:\n got %s\nwant %s", err, want)
	}
}

func TestPrepare(t *testing.T) {
	f := load(t, `{
  "servers": { "s": { "url": "http://127.0.0.1:1/mcp" } },
  "inputs": [ { "id": "who", "type": "promptString" } ],
  "requests": [
    { "name": "tool", "server": "s", "tool": "t", "arguments": { "q": "${env:Q} \u0024{Q}", "n": 2, "deep": [{ "d": "${D:-dflt}", "ok": true, "z": null }] } },
    { "name": "prompt", "server": "s", "prompt": "p", "arguments": { "name": "${input:who}", "count": 3, "home": "${userHome}${/}x" } },
    { "name": "resource", "server": "s", "resource": "demo://users/{user}/notes/{note}", "arguments": { "user": "a b/c", "note": "n~1" } },
    { "name": "unset", "server": "s", "tool": "t", "arguments": { "q": "${NOPE}" } },
    { "name": "no input", "server": "s", "prompt": "p", "arguments": { "name": "${input:who}" } },
    { "name": "template hole", "server": "s", "resource": "demo://items/{id}" },
    { "name": "ws", "server": "s", "tool": "t", "arguments": { "dir": "${workspaceFolder}" } }
  ]
}`, config.Env{})
	full := envOf(map[string]string{"Q": "q\"v", "MCPLS_INPUT_WHO": "ada"})
	tests := []struct {
		name    string
		env     config.Env
		want    Call
		wantErr string
	}{
		{"tool", full, Call{Kind: "tool", Target: "t", Arguments: json.RawMessage(`{"q":"q\"v q\"v","n":2,"deep":[{"d":"dflt","ok":true,"z":null}]}`)}, ""},
		{"prompt", full, Call{Kind: "prompt", Target: "p", PromptArgs: map[string]string{"name": "ada", "count": "3", "home": "/home/u/x"}}, ""},
		{"resource", full, Call{Kind: "resource", Target: "demo://users/a%20b%2Fc/notes/n~1"}, ""},
		{"unset", full, Call{}, "environment variable NOPE is not set"},
		{"no input", envOf(nil), Call{}, `input "who" has no value: set MCPLS_INPUT_WHO`},
		{"template hole", full, Call{}, "no argument for {id}"},
		{"ws", full, Call{Kind: "tool", Target: "t", Arguments: json.RawMessage(`{"dir":"/ws"}`)}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Prepare(f, requestNamed(t, f, tc.name), tc.env)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func requestNamed(t *testing.T, f *config.File, name string) *config.Request {
	t.Helper()
	for _, r := range f.Requests {
		if r.Name.Value == name {
			return r
		}
	}
	t.Fatalf("no request %q", name)
	return nil
}
