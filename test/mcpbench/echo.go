package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// serveEnv makes this binary (the command or its test binary) serve N
// echo servers instead of measuring; delayEnv adds a delay to every POST,
// as the round trip to a remote server would.
const (
	serveEnv = "MCPBENCH_SERVE"
	delayEnv = "MCPBENCH_DELAY"
)

// newEchoServer is the minimal MCP server the benchmarks call: one echo
// tool; prompts and resources are advertised (and empty) so that full
// discovery lists all four kinds on every peer.
func newEchoServer() *sdk.Server {
	s := sdk.NewServer(&sdk.Implementation{Name: "mcpbench-echo", Version: "1.0.0"}, &sdk.ServerOptions{
		Capabilities: &sdk.ServerCapabilities{Tools: &sdk.ToolCapabilities{}, Prompts: &sdk.PromptCapabilities{}, Resources: &sdk.ResourceCapabilities{}},
	})
	s.AddTool(&sdk.Tool{Name: "echo", Description: "Echoes text.",
		InputSchema: json.RawMessage(`{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}`)},
		func(_ context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
			var args struct{ Text string }
			_ = json.Unmarshal(req.Params.Arguments, &args)
			return &sdk.CallToolResult{Content: []sdk.Content{&sdk.TextContent{Text: args.Text}}}, nil
		})
	return s
}

// serveIfChild serves echo servers and exits when started by
// startServers. Call it first in main and TestMain.
func serveIfChild() {
	n, err := strconv.Atoi(os.Getenv(serveEnv))
	if err != nil || n <= 0 {
		return
	}
	delay, _ := time.ParseDuration(os.Getenv(delayEnv))
	os.Exit(serve(n, delay))
}

// serve runs n echo servers (streamable HTTP, JSON responses) on loopback,
// prints their URLs, one a line, and runs until stdin closes or a signal.
func serve(n int, delay time.Duration) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	var servers []*http.Server
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(os.Stderr, "mcpbench: listening:", err)
			return 1
		}
		s := newEchoServer()
		var h http.Handler = sdk.NewStreamableHTTPHandler(func(*http.Request) *sdk.Server { return s }, &sdk.StreamableHTTPOptions{JSONResponse: true})
		if delay > 0 {
			h = delayed(h, delay)
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		servers = append(servers, srv)
		go func() { _ = srv.Serve(ln) }()
		fmt.Printf("http://%s/mcp\n", ln.Addr())
	}
	go func() {
		_, _ = bufio.NewReader(os.Stdin).ReadString(0) // EOF: the parent is gone
		stop()
	}()
	<-ctx.Done()
	for _, srv := range servers {
		_ = srv.Close()
	}
	return 0
}

// delayed holds every POST for d before serving it.
func delayed(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// servers is a child process serving echo servers.
type servers struct {
	URLs []string
	cmd  *exec.Cmd
	in   interface{ Close() error }
}

// startServers starts n echo servers in a child process (so the client
// under test has the CPU to itself, as it would against a real server).
func startServers(n int, delay time.Duration) (*servers, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding this executable: %w", err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d", serveEnv, n), fmt.Sprintf("%s=%s", delayEnv, delay))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the echo servers: %w", err)
	}
	s := &servers{cmd: cmd, in: in}
	sc := bufio.NewScanner(out)
	for len(s.URLs) < n && sc.Scan() {
		if u := strings.TrimSpace(sc.Text()); strings.HasPrefix(u, "http://127.0.0.1:") {
			s.URLs = append(s.URLs, u)
		}
	}
	if len(s.URLs) < n {
		s.Close()
		return nil, fmt.Errorf("the echo server process printed %d URLs, want %d", len(s.URLs), n)
	}
	return s, nil
}

// CPU is the CPU time (user + system) the server process has used so
// far, read from /proc (Linux); 0 where that cannot be read. Its
// resolution is the kernel's clock tick (10 ms): read it around many
// operations.
func (s *servers) CPU() time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses and may
	// hold spaces: state is the first, utime and stime the 12th and 13th.
	i := strings.LastIndex(string(raw), ") ")
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(raw[i+2:]))
	if len(f) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	const tick = 10 * time.Millisecond // USER_HZ is 100 on Linux
	return time.Duration(utime+stime) * tick
}

// Close stops the servers and waits for the process.
func (s *servers) Close() {
	_ = s.in.Close()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	_ = s.cmd.Wait()
}
