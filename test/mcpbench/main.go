// Command mcpbench measures mcpls's MCP client (internal/mcp) against its
// peers in one run, on loopback, against a minimal Go echo server
// (streamable HTTP, JSON responses) running in a child process:
//
//   - tools/call p50: mcpls vs a raw net/http POST of the same JSON-RPC
//     body (the floor) and vs the TypeScript SDK client (tsclient.mjs);
//   - connect + full discovery p50: mcpls vs raw POSTs of initialize,
//     initialized and the four lists (each then closes its session with
//     DELETE, untimed), and the CPU both processes spend per connect;
//   - 20 servers discovered in parallel (DiscoverAll) vs the slowest
//     single one.
//
// It prints a table with both sides, the ratio and PASS or MISS for each
// target, and exits 0 either way: on a shared machine the figures inform,
// they do not gate. The Go benchmarks (go test -bench) measure the same
// things. Run from its directory (run.sh does) so tsclient.mjs and its
// node_modules are found.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"
)

func main() {
	serveIfChild()
	c := config{}
	flag.IntVar(&c.Calls, "calls", 2000, "timed tools/call per client")
	flag.IntVar(&c.Connects, "connects", 300, "timed connect+discovery per client")
	flag.IntVar(&c.Servers, "servers", 20, "servers discovered in parallel")
	flag.IntVar(&c.Parallel, "rounds", 30, "timed rounds of the parallel discovery (and of each single server)")
	flag.DurationVar(&c.Delay, "delay", 5*time.Millisecond, "per-request delay of the remote-like servers of the extra parallel measure (0: skip it)")
	flag.StringVar(&c.TSClient, "ts", "tsclient.mjs", "the TypeScript SDK peer script")
	jsonOut := flag.String("json", "", "also write the figures as JSON to `file`")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	r, err := run(ctx, c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mcpbench:", err)
		os.Exit(1)
	}
	printTable(os.Stdout, r, c)
	if *jsonOut != "" {
		data, _ := json.MarshalIndent(r, "", "  ")
		if err := os.WriteFile(*jsonOut, data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "mcpbench:", err)
			os.Exit(1)
		}
	}
}

// row is one target: mcpls's figure, the peer's, and the bound on their
// ratio.
type row struct {
	what, peer   string
	ours, theirs float64 // µs
	ratio        float64
	target       string
	pass         bool
}

func rows(r *results, c config) []row {
	callRaw := r.CallOurs / r.CallRaw
	callTS := r.CallTS / r.CallOurs
	conn := r.ConnectOurs / r.ConnectRaw
	par := r.ParallelAll / r.SlowestSingle
	out := []row{
		{"tools/call p50", "raw net/http", r.CallOurs, r.CallRaw, callRaw, "mcpls <= 1.3x raw", callRaw <= 1.3},
		{"tools/call p50", "TypeScript SDK", r.CallOurs, r.CallTS, callTS, "TS >= 3x mcpls", callTS >= 3},
		{"connect+discovery p50", "raw net/http", r.ConnectOurs, r.ConnectRaw, conn, "mcpls <= 1.5x raw", conn <= 1.5},
		{fmt.Sprintf("%d servers in parallel p50", c.Servers), "slowest single", r.ParallelAll, r.SlowestSingle, par, "all <= 2x slowest", par <= 2},
	}
	if c.Delay > 0 {
		rem := r.ParallelRemote / r.SlowestRemote
		out = append(out, row{fmt.Sprintf("  same, %s per request", c.Delay), "slowest single", r.ParallelRemote, r.SlowestRemote, rem, "all <= 2x slowest", rem <= 2})
	}
	return out
}

func printTable(w io.Writer, r *results, c config) {
	fmt.Fprintf(w, "mcpbench: %d calls, %d connects, %d servers x %d rounds; minimal Go echo server on loopback (JSON responses, no standalone stream)\n",
		c.Calls, c.Connects, c.Servers, c.Parallel)
	fmt.Fprintf(w, "%-30s %-15s %12s %12s %8s  %-20s %s\n", "measure", "peer", "mcpls", "peer", "ratio", "target", "result")
	for _, x := range rows(r, c) {
		verdict := "PASS"
		if !x.pass {
			verdict = "MISS"
		}
		fmt.Fprintf(w, "%-30s %-15s %10.0fµs %10.0fµs %7.2fx  %-20s %s\n", x.what, x.peer, x.ours, x.theirs, x.ratio, x.target, verdict)
	}
	fmt.Fprintf(w, "client CPU per tools/call: mcpls %.0fµs, raw %.0fµs (%.2fx)\n", r.CPUCallOurs, r.CPUCallRaw, r.CPUCallOurs/r.CPUCallRaw)
	fmt.Fprintf(w, "client CPU per connect+discovery+close: mcpls %.0fµs, raw %.0fµs (%.2fx)\n",
		r.CPUConnectOurs, r.CPUConnectRaw, r.CPUConnectOurs/r.CPUConnectRaw)
	if r.ServerCPUConnectOurs > 0 {
		fmt.Fprintf(w, "echo server CPU per connect+discovery+close: of mcpls %.0fµs, of raw %.0fµs\n",
			r.ServerCPUConnectOurs, r.ServerCPUConnectRaw)
	}
	if r.ServerCPUParallel > 0 {
		// The parallel row's floor: client and server share the cores,
		// so N connects need at least N x (client + server CPU) / cores,
		// with the CPU each connect took in those very rounds.
		floor := float64(c.Servers) * (r.CPUParallelOurs + r.ServerCPUParallel) / float64(runtime.NumCPU())
		fmt.Fprintf(w, "CPU floor of %d servers in parallel on %d cores, from their CPU per connect+discovery in the timed rounds: %d x (%.0f client + %.0f server)µs / %d = %.0fµs, %.1fx the slowest single\n",
			c.Servers, runtime.NumCPU(), c.Servers, r.CPUParallelOurs, r.ServerCPUParallel, runtime.NumCPU(), floor, floor/r.SlowestSingle)
	}
	fmt.Fprintf(w, "TypeScript SDK connect+discovery, one sample: %.0fµs\n", r.ConnectTS)
}
