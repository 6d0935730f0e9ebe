package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"mcpls/internal/console"
	"mcpls/internal/mcp"
)

// envConformanceScenario names the scenario: the conformance suite
// (@modelcontextprotocol/conformance) starts a mock server per scenario and
// runs "mcpls conformance URL" with the scenario's name in it. (Some auth
// scenarios also pass client credentials as JSON in
// MCP_CONFORMANCE_CONTEXT; the OAuth flow of issue 5 will read it.)
const envConformanceScenario = "MCP_CONFORMANCE_SCENARIO"

// defaultConformanceTimeout stays under the suite's own 30 s client timeout,
// so a hung scenario ends with our error rather than the suite's kill.
const defaultConformanceTimeout = 25 * time.Second

// conformanceRun is one invocation: where to connect and where the
// console trail goes.
type conformanceRun struct {
	url     string
	console console.Sink
}

// runConformance is the client side of the official MCP conformance suite:
// it plays the scenario named in MCP_CONFORMANCE_SCENARIO against URL with
// the same internal/mcp core the editor and the CLI use, and exits 0 when
// the scenario ran to its end. The suite judges the traffic; our exit
// status only says whether the client got through.
func runConformance(ctx context.Context, args []string, stdio Stdio) int {
	fs := flag.NewFlagSet("conformance", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	scenario := fs.String("scenario", os.Getenv(envConformanceScenario), "scenario to play (default $"+envConformanceScenario+")")
	timeout := fs.Duration("timeout", defaultConformanceTimeout, "give up after this long")
	quiet := fs.Bool("quiet", false, "do not print the console trail on stderr")
	fs.Usage = func() {
		fmt.Fprintln(stdio.Err, "usage: mcpls conformance [--scenario NAME] [--timeout D] [--quiet] URL")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	if fs.NArg() != 1 || *scenario == "" {
		fs.Usage()
		return ExitUsage
	}
	play, ok := lookupScenario(*scenario)
	if !ok {
		fmt.Fprintf(stdio.Err, "mcpls conformance: unknown scenario %q\n", *scenario)
		return ExitUsage
	}
	run := &conformanceRun{url: fs.Arg(0), console: console.Discard}
	if !*quiet {
		run.console = lineSink(stdio.Err)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if err := play(ctx, run); err != nil {
		fmt.Fprintf(stdio.Err, "mcpls conformance: %s: %v\n", *scenario, err)
		return ExitFailure
	}
	fmt.Fprintf(stdio.Out, "%s: done\n", *scenario)
	return ExitOK
}

// connect opens a session to the scenario's server with opts (nil for the
// defaults) and the run's console.
func (r *conformanceRun) connect(ctx context.Context, opts *mcp.Options) (*mcp.Session, error) {
	var o mcp.Options
	if opts != nil {
		o = *opts
	}
	o.Console = r.console
	s, err := mcp.Connect(ctx, mcp.Target{Name: "conformance", Transport: mcp.TransportHTTP, URL: r.url}, &o)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", r.url, err)
	}
	return s, nil
}

// closeSession ends s, keeping the first error of the scenario.
func closeSession(s *mcp.Session, err *error) {
	if cerr := s.Close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("closing the session: %w", cerr)
	}
}

// lineSink prints each console event as one line on w; events arrive from
// the connection's goroutines, so writes are serialised.
func lineSink(w io.Writer) console.Sink {
	var mu sync.Mutex
	return console.SinkFunc(func(e console.Event) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(w, e.String())
	})
}
