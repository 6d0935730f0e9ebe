package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mcpls/internal/cache"
	"mcpls/internal/demoserver"
)

// childEnv makes the test binary, re-executed, serve the demo server over
// stdio: the stdio peer of the list, call and run tests.
const childEnv = "MCPLS_CLI_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "demo-stdio" {
		os.Exit(Main(context.Background(), []string{"demo-server", "--stdio"},
			Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
	}
	// No test may write the user's catalog cache.
	dir, err := os.MkdirTemp("", "mcpls-cli-cache")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv(cache.EnvDir, dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const mcpWait = 30 * time.Second

// serveDemo serves an in-process demo server on 127.0.0.1 and returns its
// port and a stop function (also run when the test ends) that returns
// once the server is down.
func serveDemo(t *testing.T) (port string, stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- demoserver.New(demoserver.Options{}).Serve(ctx, ln) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("demo server: %v", err)
		}
	}
	t.Cleanup(stop)
	_, port, _ = net.SplitHostPort(ln.Addr().String())
	return port, stop
}

// deadPort returns a loopback port where nothing listens.
func deadPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	return port
}

// testBinary is this test binary, which serves the demo over stdio when
// childEnv says so.
func testBinary(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

// stdioServer is a config entry running the demo server over stdio.
func stdioServer(t *testing.T) string {
	exe, _ := json.Marshal(testBinary(t))
	return fmt.Sprintf(`{ "command": %s, "env": { %q: "demo-stdio" } }`, exe, childEnv)
}

// writeConfig writes a config file into a temp dir and returns its path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), ".mcp.json")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// mcpCmd runs mcpls with args, stdin as given, under a deadline.
func mcpCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), mcpWait)
	defer cancel()
	var out, errb bytes.Buffer
	code = Main(ctx, args, Stdio{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func TestSplitCommand(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  bool
	}{
		{"node server.js --port 3", []string{"node", "server.js", "--port", "3"}, false},
		{`  npx -y "@scope/a b"  'x "y"' c\ d ""`, []string{"npx", "-y", "@scope/a b", `x "y"`, "c d", ""}, false},
		{`a "b`, nil, true},
		{`a \`, nil, true},
		{"", nil, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := splitCommand(tc.in)
			if (err != nil) != tc.err {
				t.Fatalf("err = %v, want error %v", err, tc.err)
			}
			if strings.Join(got, "\x00") != strings.Join(tc.want, "\x00") || len(got) != len(tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
