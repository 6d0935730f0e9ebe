package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

const demoWait = 10 * time.Second

// syncBuffer is a bytes.Buffer safe for the subcommand and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startDemo runs `mcpls demo-server args...` and returns the URL it
// printed, the channel of its exit code and the function that stops it.
func startDemo(t *testing.T, args ...string) (url string, code <-chan int, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	var errBuf syncBuffer
	codes := make(chan int, 1)
	go func() {
		codes <- Main(ctx, append([]string{"demo-server"}, args...), Stdio{In: strings.NewReader(""), Out: outW, Err: &errBuf})
		outW.Close()
	}()
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(outR)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		io.Copy(io.Discard, outR)
	}()
	select {
	case url = <-lines:
	case <-time.After(demoWait):
		t.Fatalf("no URL printed; stderr: %s", errBuf.String())
	}
	t.Cleanup(cancel)
	return url, codes, cancel
}

func TestDemoServerPrintsURLAndStops(t *testing.T) {
	tools := filepath.Join(t.TempDir(), "tools.json")
	if err := os.WriteFile(tools, []byte(`[{"name": "bench_tool", "inputSchema": {"type": "object"}}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	url, code, stop := startDemo(t, "--addr", "127.0.0.1:0", "--tools", tools)
	if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.HasSuffix(url, "/mcp") {
		t.Fatalf("first line %q, want http://127.0.0.1:PORT/mcp", url)
	}
	ctx, cancel := context.WithTimeout(context.Background(), demoWait)
	defer cancel()
	c := mcp.NewClient(&mcp.Implementation{Name: "cli-test", Version: "0"}, nil)
	cs, err := c.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: url}, nil)
	if err != nil {
		t.Fatalf("connecting to %s: %v", url, err)
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "bench_tool", Arguments: map[string]any{"k": "v"}})
	if err != nil || len(res.Content) != 1 || res.Content[0].(*mcp.TextContent).Text != `{"k":"v"}` {
		t.Errorf("calling the --tools tool: %v %+v", err, res)
	}
	cs.Close()
	stop()
	select {
	case got := <-code:
		if got != ExitOK {
			t.Errorf("exit code %d, want %d", got, ExitOK)
		}
	case <-time.After(demoWait):
		t.Fatal("demo-server did not stop when its context ended")
	}
}

func TestDemoServerStdio(t *testing.T) {
	clientIn, serverOut := io.Pipe()
	serverIn, clientOut := io.Pipe()
	codes := make(chan int, 1)
	var errBuf syncBuffer
	go func() {
		codes <- Main(context.Background(), []string{"demo-server", "--stdio"}, Stdio{In: serverIn, Out: serverOut, Err: &errBuf})
	}()
	ctx, cancel := context.WithTimeout(context.Background(), demoWait)
	defer cancel()
	c := mcp.NewClient(&mcp.Implementation{Name: "cli-test", Version: "0"}, nil)
	cs, err := c.Connect(ctx, &mcp.IOTransport{Reader: clientIn, Writer: clientOut}, nil)
	if err != nil {
		t.Fatalf("connecting over stdio: %v", err)
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "add", Arguments: map[string]any{"a": 2, "b": 3}})
	if err != nil || res.Content[0].(*mcp.TextContent).Text != "5" {
		t.Errorf("add over stdio: %v %+v", err, res)
	}
	cs.Close() // closes stdin: the server ends
	select {
	case got := <-codes:
		if got != ExitOK {
			t.Errorf("exit code %d, want %d; stderr: %s", got, ExitOK, errBuf.String())
		}
	case <-time.After(demoWait):
		t.Fatal("demo-server --stdio did not stop when stdin closed")
	}
}

func TestDemoServerUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"all interfaces", []string{"--addr", "0.0.0.0:0"}, "only listens on loopback"},
		{"empty host", []string{"--addr", ":8080"}, "only listens on loopback"},
		{"other host", []string{"--addr", "example.com:80"}, "only listens on loopback"},
		{"no port", []string{"--addr", "127.0.0.1"}, "want host:port"},
		{"missing tools file", []string{"--tools", "/nonexistent/tools.json"}, "reading tools"},
		{"unknown flag", []string{"--auth-mode"}, "flag provided but not defined"},
		{"operand", []string{"extra"}, "unexpected argument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errBuf syncBuffer
			code := Main(context.Background(), append([]string{"demo-server"}, tc.args...), Stdio{In: strings.NewReader(""), Out: &out, Err: &errBuf})
			if code != ExitUsage {
				t.Errorf("exit code %d, want %d", code, ExitUsage)
			}
			if !strings.Contains(errBuf.String(), tc.want) {
				t.Errorf("stderr %q, want it to contain %q", errBuf.String(), tc.want)
			}
			if out.String() != "" {
				t.Errorf("stdout %q, want nothing", out.String())
			}
		})
	}
}

func TestLoopbackAddr(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"127.0.0.1:0", "127.0.0.1:0"},
		{"localhost:7433", "127.0.0.1:7433"},
		{"[::1]:0", "[::1]:0"},
		{"127.0.0.2:9", "127.0.0.2:9"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := loopbackAddr(tc.in)
			if err != nil || got != tc.want {
				t.Errorf("loopbackAddr(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}
