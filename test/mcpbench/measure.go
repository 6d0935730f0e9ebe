package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"mcpls/internal/mcp"
)

// config sizes one run.
type config struct {
	Calls    int    // timed tools/call per client
	Connects int    // timed connect+discovery per client
	Servers  int    // servers discovered in parallel
	Parallel int    // timed rounds of the parallel discovery
	TSClient string // path of tsclient.mjs
	SkipNode bool   // leave the TypeScript peer out (Go benchmarks)
	// Delay, when set, repeats the parallel measure against servers that
	// hold each POST that long, as remote servers' round trips would.
	Delay     time.Duration
	warmCalls int
}

// results are the figures of one run, in microseconds.
type results struct {
	CallOurs, CallRaw, CallTS          float64
	ConnectOurs, ConnectRaw, ConnectTS float64
	ParallelAll, SlowestSingle         float64
	ParallelRemote, SlowestRemote      float64 // the same with Delay per request
	CPUCallOurs, CPUCallRaw            float64 // client CPU per call
	CPUConnectOurs, CPUConnectRaw      float64 // client CPU per connect+discovery, Close (DELETE) included
	// The echo server process's CPU per connect+discovery of each client,
	// Close included (resolution: 10 ms over all connects; 0 when it
	// cannot be read).
	ServerCPUConnectOurs, ServerCPUConnectRaw float64
	// CPU per connect+discovery in the timed parallel rounds (Close not
	// included, as in their timing): mcpls's process and the servers'.
	CPUParallelOurs, ServerCPUParallel float64
}

// p50 returns the median of samples in microseconds.
func p50(samples []time.Duration) float64 {
	s := slices.Clone(samples)
	slices.Sort(s)
	return float64(s[len(s)/2]) / float64(time.Microsecond)
}

func target(name, url string) mcp.Target {
	return mcp.Target{Name: name, Transport: mcp.TransportHTTP, URL: url}
}

// op is one timed operation. It returns what to do once the clock has
// stopped (closing the session it opened), or nil.
type op func() (after func(), err error)

// plain is an op with nothing to do after it.
func plain(f func() error) op {
	return func() (func(), error) { return nil, f() }
}

// interleave times a and b alternately, n times each after warm untimed
// rounds, so that both see the same noise from the rest of the machine.
func interleave(n, warm int, a, b op) (as, bs []time.Duration, err error) {
	for range warm {
		if err := untimed(a); err != nil {
			return nil, nil, err
		}
		if err := untimed(b); err != nil {
			return nil, nil, err
		}
	}
	for range n {
		da, err := timeOne(a)
		if err != nil {
			return nil, nil, err
		}
		db, err := timeOne(b)
		if err != nil {
			return nil, nil, err
		}
		as, bs = append(as, da), append(bs, db)
	}
	return as, bs, nil
}

// timeOne times f alone: what it leaves to do after is done untimed.
func timeOne(f op) (time.Duration, error) {
	start := time.Now()
	after, err := f()
	d := time.Since(start)
	if after != nil {
		after()
	}
	return d, err
}

// untimed runs f and what it leaves to do after.
func untimed(f op) error {
	after, err := f()
	if after != nil {
		after()
	}
	return err
}

// cpuPerOp is this process's CPU time (user + system) per run of f, what
// it leaves to do after included: the client's own cost, which the load
// on the machine does not inflate as much as wall time. server, when not
// nil, reads the server process's CPU time; its share per run is the
// second result.
func cpuPerOp(n int, f op, server func() time.Duration) (client, srv time.Duration, err error) {
	before, srvBefore := cpuTime(), readCPU(server)
	for range n {
		if err := untimed(f); err != nil {
			return 0, 0, err
		}
	}
	return (cpuTime() - before) / time.Duration(n), (readCPU(server) - srvBefore) / time.Duration(n), nil
}

func readCPU(f func() time.Duration) time.Duration {
	if f == nil {
		return 0
	}
	return f()
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// callers connects mcpls and the raw peer to url and returns one
// tools/call of each.
func callers(ctx context.Context, url string) (ours, raw func() error, closeFn func(), err error) {
	s, err := mcp.Connect(ctx, target("echo", url), nil)
	if err != nil {
		return nil, nil, nil, err
	}
	r, err := rawConnect(ctx, newHTTPClient(), url, false)
	if err != nil {
		s.Close()
		return nil, nil, nil, err
	}
	args := json.RawMessage(`{"text":"hello"}`)
	ours = func() error {
		res, err := s.CallTool(ctx, "echo", args, nil)
		if err == nil && (len(res.Content) != 1 || !strings.Contains(string(res.Content[0]), `"hello"`)) {
			err = fmt.Errorf("unexpected result %+v", res)
		}
		return err
	}
	return ours, func() error { return r.call(ctx) }, func() { s.Close(); r.close(ctx) }, nil
}

// measureCalls times tools/call from mcpls and from the raw peer,
// interleaved, and their CPU cost per call.
func measureCalls(ctx context.Context, url string, c config, r *results) error {
	ours, raw, closeFn, err := callers(ctx, url)
	if err != nil {
		return err
	}
	defer closeFn()
	oursD, rawD, err := interleave(c.Calls, c.warmCalls, plain(ours), plain(raw))
	if err != nil {
		return fmt.Errorf("tools/call: %w", err)
	}
	r.CallOurs, r.CallRaw = p50(oursD), p50(rawD)
	cpuOurs, _, err := cpuPerOp(c.Calls, plain(ours), nil)
	if err != nil {
		return err
	}
	cpuRaw, _, err := cpuPerOp(c.Calls, plain(raw), nil)
	r.CPUCallOurs, r.CPUCallRaw = us(cpuOurs), us(cpuRaw)
	return err
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// measureConnect times connect + full discovery from mcpls and the raw
// peer, interleaved; closing is not timed. Their CPU cost per connect,
// closing included, is measured on both sides: this process and the
// server's.
func measureConnect(ctx context.Context, url string, c config, server func() time.Duration, r *results) error {
	hc := newHTTPClient()
	ours := func() (func(), error) { return connectOnce(ctx, url) }
	raw := func() (func(), error) {
		s, err := rawConnect(ctx, hc, url, true)
		if err != nil {
			return nil, err
		}
		return func() { s.close(ctx) }, nil
	}
	oursD, rawD, err := interleave(c.Connects, 10, ours, raw)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	r.ConnectOurs, r.ConnectRaw = p50(oursD), p50(rawD)
	cpuOurs, srvOurs, err := cpuPerOp(c.Connects, ours, server)
	if err != nil {
		return err
	}
	cpuRaw, srvRaw, err := cpuPerOp(c.Connects, raw, server)
	r.CPUConnectOurs, r.CPUConnectRaw = us(cpuOurs), us(cpuRaw)
	r.ServerCPUConnectOurs, r.ServerCPUConnectRaw = us(srvOurs), us(srvRaw)
	return err
}

// connectOnce connects and discovers; closing is left for after.
func connectOnce(ctx context.Context, url string) (func(), error) {
	s, err := mcp.Connect(ctx, target("echo", url), nil)
	if err != nil {
		return nil, err
	}
	return func() { s.Close() }, nil
}

// parallel is what measureParallel found, in microseconds.
type parallel struct {
	All, Slowest float64 // DiscoverAll p50; the slowest single server's p50
	// CPU per connect+discovery during the timed DiscoverAll rounds: this
	// process's, and the servers' (0 when server is nil or unreadable).
	ClientCPU, ServerCPU float64
}

// measureParallel times DiscoverAll over every URL and, in the same
// rounds, each URL alone, and what CPU the parallel rounds cost; server,
// when not nil, reads the server process's CPU time.
func measureParallel(ctx context.Context, urls []string, c config, server func() time.Duration) (parallel, error) {
	var p parallel
	var clientCPU, serverCPU time.Duration
	targets := make([]mcp.Target, len(urls))
	for i, u := range urls {
		targets[i] = target(fmt.Sprintf("echo-%d", i), u)
	}
	singles := make([][]time.Duration, len(urls))
	var alls []time.Duration
	for round := range c.Parallel + 2 {
		for i, u := range urls {
			d, err := timeOne(func() (func(), error) { return connectOnce(ctx, u) })
			if err != nil {
				return p, err
			}
			if round >= 2 { // the first two rounds warm up
				singles[i] = append(singles[i], d)
			}
		}
		cpu0, srv0 := cpuTime(), serverTime(server)
		start := time.Now()
		results := mcp.DiscoverAll(ctx, targets, nil)
		d := time.Since(start)
		cpu1, srv1 := cpuTime(), serverTime(server)
		if err := closeAll(results); err != nil {
			return p, err
		}
		if round >= 2 {
			alls = append(alls, d)
			clientCPU += cpu1 - cpu0
			serverCPU += srv1 - srv0
		}
	}
	for _, s := range singles {
		p.Slowest = max(p.Slowest, p50(s))
	}
	connects := float64(len(alls) * len(urls))
	p.All, p.ClientCPU, p.ServerCPU = p50(alls), us(clientCPU)/connects, us(serverCPU)/connects
	return p, nil
}

func serverTime(server func() time.Duration) time.Duration {
	if server == nil {
		return 0
	}
	return server()
}

// closeAll closes the sessions of DiscoverAll and returns its first error.
func closeAll(results []mcp.Result) error {
	var firstErr error
	for _, r := range results {
		if r.Err != nil && firstErr == nil {
			firstErr = r.Err
		}
		if r.Session != nil {
			r.Session.Close()
		}
	}
	return firstErr
}

// tsResult is what tsclient.mjs prints.
type tsResult struct {
	ConnectMs float64   `json:"connectMs"`
	CallsMs   []float64 `json:"callsMs"`
}

// measureTS runs the TypeScript SDK client against url.
func measureTS(ctx context.Context, url string, c config) (*tsResult, error) {
	script, err := filepath.Abs(c.TSClient)
	if err != nil {
		return nil, err
	}
	sdkDir := filepath.Join(filepath.Dir(script), "node_modules", "@modelcontextprotocol", "sdk")
	if _, err := os.Stat(sdkDir); err != nil {
		return nil, fmt.Errorf("the TypeScript SDK is not installed (%v): run `make deps` (it runs `npm ci --prefix test/mcpbench`)", err)
	}
	cmd := exec.CommandContext(ctx, "node", script, url, fmt.Sprint(c.Calls))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("running %s: %w", script, err)
	}
	var r tsResult
	if err := json.Unmarshal(out, &r); err != nil || len(r.CallsMs) == 0 {
		return nil, fmt.Errorf("tsclient printed %.200q: %v", out, err)
	}
	return &r, nil
}

// run measures everything against fresh servers.
func run(ctx context.Context, c config) (*results, error) {
	if c.warmCalls == 0 {
		c.warmCalls = min(200, c.Calls)
	}
	srv, err := startServers(c.Servers, 0)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	var r results
	if err := measureCalls(ctx, srv.URLs[0], c, &r); err != nil {
		return nil, err
	}
	if err := measureConnect(ctx, srv.URLs[0], c, srv.CPU, &r); err != nil {
		return nil, err
	}
	par, err := measureParallel(ctx, srv.URLs, c, srv.CPU)
	if err != nil {
		return nil, err
	}
	r.ParallelAll, r.SlowestSingle, r.CPUParallelOurs, r.ServerCPUParallel = par.All, par.Slowest, par.ClientCPU, par.ServerCPU
	if c.Delay > 0 {
		remote, err := startServers(c.Servers, c.Delay)
		if err != nil {
			return nil, err
		}
		defer remote.Close()
		rounds := c
		rounds.Parallel = max(1, c.Parallel/3)
		par, err := measureParallel(ctx, remote.URLs, rounds, nil)
		if err != nil {
			return nil, err
		}
		r.ParallelRemote, r.SlowestRemote = par.All, par.Slowest
	}
	if !c.SkipNode {
		ts, err := measureTS(ctx, srv.URLs[0], c)
		if err != nil {
			return nil, err
		}
		calls := make([]time.Duration, len(ts.CallsMs))
		for i, ms := range ts.CallsMs {
			calls[i] = time.Duration(ms * float64(time.Millisecond))
		}
		r.CallTS, r.ConnectTS = p50(calls), ts.ConnectMs*1000
	}
	return &r, nil
}
