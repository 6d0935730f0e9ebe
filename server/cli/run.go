package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"mcpls/internal/cache"
	"mcpls/internal/config"
	"mcpls/internal/mcp"
	"mcpls/internal/runner"
)

// stringList is a flag that may be repeated.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ", ") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// runRun runs the saved requests of a config file ("requests"), all of
// them or those named by --request, and prints a line for each as it
// completes: "✓ name  server  212 ms  summary" or "✖ ... error", then
// "N passed, M failed". --json prints one JSON object per request instead
// (the summary line goes to stderr); --junit FILE also writes a JUnit XML
// report. Exit 1 when any request fails: a connect failure, a protocol
// error, or a tool result with isError.
func runRun(ctx context.Context, args []string, stdio Stdio) int {
	flags := flag.NewFlagSet("run", flag.ContinueOnError)
	flags.SetOutput(stdio.Err)
	var m mcpFlags
	var names stringList
	m.register(flags)
	flags.Var(&names, "request", "run only the request with this `name` (repeatable)")
	junit := flags.String("junit", "", "also write a JUnit XML report to `file`")
	flags.Usage = func() {
		fmt.Fprintln(stdio.Err, "usage: mcpls run [--config F] [--request NAME]... [--json] [--junit FILE] [-v]")
		flags.PrintDefaults()
	}
	operands, code, ok := parseMixed(flags, args)
	if !ok {
		return code
	}
	if len(operands) > 0 {
		fmt.Fprintf(stdio.Err, "mcpls run: unexpected argument %q (name the config with --config)\n", operands[0])
		return ExitUsage
	}
	lc, code := loadConfig("run", m.config, stdio.Err)
	if lc == nil {
		return code
	}
	reqs, code := selectRequests(lc, names, stdio.Err)
	if reqs == nil {
		return code
	}
	start := time.Now()
	p := newRunPrinter(stdio.Out, reqs, m.json)
	outcomes := runner.RunAll(ctx, lc.file, reqs, runner.Options{
		Env:       lc.env,
		MCP:       sessionOptions(m.verbose, stdio.Err, passwordSecrets(lc.file, lc.env)),
		OnConnect: cacheCatalogs(openCache("run", stdio.Err)),
		OnOutcome: p.print,
	})
	passed, failed := tally(outcomes)
	summary := fmt.Sprintf("%d passed, %d failed", passed, failed)
	if m.json {
		fmt.Fprintln(stdio.Err, summary)
	} else {
		fmt.Fprintln(stdio.Out, summary)
	}
	if *junit != "" {
		if err := writeJUnit(*junit, lc.path, outcomes, time.Since(start)); err != nil {
			fmt.Fprintf(stdio.Err, "mcpls run: %v\n", err)
			return ExitFailure
		}
	}
	if failed > 0 || p.err != nil {
		return ExitFailure
	}
	return ExitOK
}

// selectRequests returns the file's requests, or those named, in file
// order. Unknown names are a usage error; no request at all is a failure.
func selectRequests(lc *loadedConfig, names []string, stderr io.Writer) ([]*config.Request, int) {
	all := lc.file.Requests
	if len(all) == 0 {
		fmt.Fprintf(stderr, "mcpls run: %s has no saved requests (a top-level \"requests\" list)\n", lc.path)
		return nil, ExitFailure
	}
	if len(names) == 0 {
		return all, ExitOK
	}
	wanted := map[string]bool{}
	for _, n := range names {
		wanted[n] = true
	}
	var out []*config.Request
	for _, r := range all {
		if wanted[runner.NameOf(r)] {
			out = append(out, r)
			delete(wanted, runner.NameOf(r))
		}
	}
	if len(wanted) > 0 {
		known := make([]string, len(all))
		for i, r := range all {
			known[i] = fmt.Sprintf("%q", runner.NameOf(r))
		}
		for _, n := range names {
			if wanted[n] {
				fmt.Fprintf(stderr, "mcpls run: no request named %q in %s (requests: %s)\n", n, lc.path, strings.Join(known, ", "))
			}
		}
		return nil, ExitUsage
	}
	return out, ExitOK
}

// cacheCatalogs stores the catalog of each server run connects to, so
// that the editor and mcpls list can show it offline later.
func cacheCatalogs(c *cache.Cache) func(mcp.Target, *mcp.Session, error) {
	return func(t mcp.Target, sess *mcp.Session, err error) {
		if err != nil || c == nil {
			return
		}
		if raw, err := json.Marshal(sess.Catalog()); err == nil {
			_ = c.Store(runner.CacheKey(t), raw) // the cache only serves offline display
		}
	}
}

func tally(outcomes []runner.Outcome) (passed, failed int) {
	for _, o := range outcomes {
		if o.OK {
			passed++
		} else {
			failed++
		}
	}
	return passed, failed
}

// runPrinter prints outcome lines with aligned columns.
type runPrinter struct {
	w           io.Writer
	asJSON      bool
	nameW, srvW int
	err         error // the first write error
}

func newRunPrinter(w io.Writer, reqs []*config.Request, asJSON bool) *runPrinter {
	p := &runPrinter{w: w, asJSON: asJSON}
	for _, r := range reqs {
		p.nameW = max(p.nameW, utf8.RuneCountInString(runner.NameOf(r)))
		p.srvW = max(p.srvW, utf8.RuneCountInString(r.Server.Value))
	}
	return p
}

func (p *runPrinter) print(o runner.Outcome) {
	var err error
	if p.asJSON {
		var line []byte
		if line, err = json.Marshal(o); err == nil {
			_, err = fmt.Fprintf(p.w, "%s\n", line)
		}
	} else {
		mark := "✓"
		if !o.OK {
			mark = "✖"
		}
		_, err = fmt.Fprintf(p.w, "%s %s  %s  %7s  %s\n", mark, pad(o.Name, p.nameW), pad(o.Server, p.srvW),
			formatDuration(o.Duration), o.Summary)
	}
	if err != nil && p.err == nil {
		p.err = err
	}
}

func pad(s string, width int) string {
	if n := utf8.RuneCountInString(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}

// formatDuration is "212 ms" under a second, "1.2 s" above.
func formatDuration(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}
