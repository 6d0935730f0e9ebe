package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"syscall"

	"mcpls/server/lsp"
)

// testHooksEnv enables the fault-injection methods of the language server
// (see server/lsp/testhooks.go); only the integration tests set it.
const testHooksEnv = "MCPLS_TEST_HOOKS"

// runServe runs the language server over stdin/stdout. --stdio is accepted
// and ignored: stdio is the only transport, and vscode-languageclient adds
// the flag.
func runServe(ctx context.Context, args []string, stdio Stdio) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	fs.Bool("stdio", true, "talk LSP over stdin/stdout (the default and only transport)")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stdio.Err, "mcpls serve: unexpected argument %q\n", fs.Arg(0))
		return ExitUsage
	}
	opts := lsp.Options{Log: stdio.Err, TestHooks: os.Getenv(testHooksEnv) == "1", LimitMemory: os.Getenv("GOMEMLIMIT") == ""}
	path := os.Getenv(memProfileEnv)
	if path != "" {
		runtime.MemProfileRate = memProfileRate
		stop := profileOnSignal(ctx, path, stdio.Err)
		defer stop()
	}
	code := lsp.Serve(ctx, stdioConn{in: stdio.In, out: stdio.Out}, opts)
	if path != "" {
		writeHeapProfile(path, stdio.Err)
	}
	return code
}

// memProfileEnv names a file where serve writes a heap profile when it
// exits, for memory investigations (go tool pprof bin/mcpls FILE). While
// it runs, each SIGUSR1 writes one more, FILE.1, FILE.2..., so what live
// sessions hold can be seen too (at exit they are closed). Each profile
// comes with FILE[.N].goroutines and FILE[.N].metrics: the runtime's view
// of where the process's memory goes (heap in use, free, released;
// stacks; runtime structures), to compare with its RSS.
const memProfileEnv = "MCPLS_MEMPROFILE"

// memProfileRate samples one allocation per 16 KiB when profiling (the
// default, 512 KiB, hides the many small objects of each connection).
const memProfileRate = 16 << 10

// profileOnSignal writes a numbered profile on each SIGUSR1 until ctx ends
// or stop is called; stop waits for a profile being written.
func profileOnSignal(ctx context.Context, path string, log io.Writer) (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for n := 1; ; n++ {
			select {
			case <-ch:
				writeHeapProfile(fmt.Sprintf("%s.%d", path, n), log)
			case <-ctx.Done():
				return
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		cancel()
		<-done
	}
}

func writeHeapProfile(path string, log io.Writer) {
	runtime.GC()
	f, err := os.Create(path)
	if err == nil {
		err = pprof.WriteHeapProfile(f)
		err = errors.Join(err, f.Close())
	}
	if g, gerr := os.Create(path + ".goroutines"); gerr == nil {
		gerr = pprof.Lookup("goroutine").WriteTo(g, 1)
		err = errors.Join(err, gerr, g.Close())
	}
	if m, merr := os.Create(path + ".metrics"); merr == nil {
		merr = writeMemMetrics(m)
		err = errors.Join(err, merr, m.Close())
	}
	if err != nil {
		fmt.Fprintf(log, "mcpls serve: writing the heap profile: %v\n", err)
	}
}

// writeMemMetrics writes the runtime's memory classes, one "name bytes"
// line each; their sum is what the Go runtime has mapped.
func writeMemMetrics(w io.Writer) error {
	var samples []metrics.Sample
	for _, d := range metrics.All() {
		if strings.HasPrefix(d.Name, "/memory/classes/") || d.Name == "/gc/heap/live:bytes" ||
			d.Name == "/gc/gomemlimit:bytes" || d.Name == "/sched/goroutines:goroutines" {
			samples = append(samples, metrics.Sample{Name: d.Name})
		}
	}
	metrics.Read(samples)
	var b strings.Builder
	for _, s := range samples {
		if s.Value.Kind() == metrics.KindUint64 {
			fmt.Fprintf(&b, "%-50s %12d\n", s.Name, s.Value.Uint64())
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// stdioConn joins stdin and stdout into the one stream the server talks on.
type stdioConn struct {
	in  io.Reader
	out io.Writer
}

func (c stdioConn) Read(p []byte) (int, error)  { return c.in.Read(p) }
func (c stdioConn) Write(p []byte) (int, error) { return c.out.Write(p) }

// Close closes whichever ends can be closed.
func (c stdioConn) Close() error {
	var errs []error
	for _, end := range []any{c.in, c.out} {
		if cl, ok := end.(io.Closer); ok {
			errs = append(errs, cl.Close())
		}
	}
	return errors.Join(errs...)
}
