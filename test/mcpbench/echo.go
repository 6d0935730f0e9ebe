package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// serveEnv makes this binary (the command or its test binary) serve N
// echo servers instead of measuring; delayEnv adds a delay to every POST,
// as the round trip to a remote server would.
const (
	serveEnv = "MCPBENCH_SERVE"
	delayEnv = "MCPBENCH_DELAY"
)

// echoServer is the minimal MCP server the benchmarks call: streamable
// HTTP with JSON responses, one echo tool, and empty prompts, resources
// and templates, advertised so that full discovery lists all four kinds on
// every peer. It is written for the benchmark, as small as the protocol
// allows: a general server (the go-sdk's validates arguments against the
// tool's schema, keeps per-session state, and offers a standalone stream)
// spends on each request more than a client does, and that cost, the
// same for every peer, would hide the clients' differences.
type echoServer struct {
	mu       sync.Mutex
	sessions map[string]bool
	next     int
}

func newEchoServer() *echoServer { return &echoServer{sessions: map[string]bool{}} }

// echoVersions are the protocol versions the echo server speaks; it
// answers others with the newest.
var echoVersions = []string{"2025-03-26", "2025-06-18", "2025-11-25"}

// rpcRequest is a JSON-RPC request or notification (no id).
type rpcRequest struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
}

func (s *echoServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get("Mcp-Session-Id")
	switch r.Method {
	case http.MethodPost:
	case http.MethodDelete:
		s.mu.Lock()
		delete(s.sessions, id)
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	default: // no standalone stream: the server never speaks unprompted
		w.Header().Set("Allow", "POST, DELETE")
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	var req rpcRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
		http.Error(w, "bad JSON-RPC message", http.StatusBadRequest)
		return
	}
	if req.Method == "initialize" {
		id = s.newSession()
		w.Header().Set("Mcp-Session-Id", id)
	} else if !s.known(id) {
		http.Error(w, "unknown session", http.StatusNotFound)
		return
	}
	if len(req.ID) == 0 { // a notification
		w.WriteHeader(http.StatusAccepted)
		return
	}
	result, rpcErr := answer(req)
	resp := map[string]any{"jsonrpc": "2.0", "id": req.ID}
	if rpcErr != nil {
		resp["error"] = rpcErr
	} else {
		resp["result"] = result
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

func (s *echoServer) newSession() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	id := fmt.Sprintf("echo-%d", s.next)
	s.sessions[id] = true
	return id
}

func (s *echoServer) known(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions[id]
}

// rpcError is a JSON-RPC error object.
type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// echoTool is the one tool, as tools/list gives it.
var echoTool = json.RawMessage(`{"name":"echo","description":"Echoes text.","inputSchema":{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}}`)

// answer is the result of one request, or its error.
func answer(req rpcRequest) (any, *rpcError) {
	switch req.Method {
	case "initialize":
		var p struct {
			ProtocolVersion string `json:"protocolVersion"`
		}
		_ = json.Unmarshal(req.Params, &p)
		v := echoVersions[len(echoVersions)-1]
		if slices.Contains(echoVersions, p.ProtocolVersion) {
			v = p.ProtocolVersion
		}
		return map[string]any{"protocolVersion": v,
			"capabilities": map[string]any{"tools": struct{}{}, "prompts": struct{}{}, "resources": struct{}{}},
			"serverInfo":   map[string]string{"name": "mcpbench-echo", "version": "1.0.0"}}, nil
	case "ping":
		return struct{}{}, nil
	case "tools/list":
		return map[string]any{"tools": []json.RawMessage{echoTool}}, nil
	case "prompts/list":
		return map[string]any{"prompts": []any{}}, nil
	case "resources/list":
		return map[string]any{"resources": []any{}}, nil
	case "resources/templates/list":
		return map[string]any{"resourceTemplates": []any{}}, nil
	case "tools/call":
		var p struct {
			Name      string `json:"name"`
			Arguments struct {
				Text *string `json:"text"`
			} `json:"arguments"`
		}
		if err := json.Unmarshal(req.Params, &p); err != nil || p.Name != "echo" || p.Arguments.Text == nil {
			return nil, &rpcError{Code: -32602, Message: `tools/call: want the tool "echo" with a string "text"`}
		}
		return map[string]any{"content": []map[string]string{{"type": "text", "text": *p.Arguments.Text}}}, nil
	}
	return nil, &rpcError{Code: -32601, Message: "method not found: " + req.Method}
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
		var h http.Handler = newEchoServer()
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
