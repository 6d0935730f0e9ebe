package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"

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
	code := lsp.Serve(ctx, stdioConn{in: stdio.In, out: stdio.Out}, opts)
	if path := os.Getenv(memProfileEnv); path != "" {
		writeHeapProfile(path, stdio.Err)
	}
	return code
}

// memProfileEnv names a file where serve writes a heap profile when it
// exits, for memory investigations (go tool pprof bin/mcpls FILE).
const memProfileEnv = "MCPLS_MEMPROFILE"

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
	if err != nil {
		fmt.Fprintf(log, "mcpls serve: writing the heap profile: %v\n", err)
	}
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
