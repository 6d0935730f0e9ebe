package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"time"

	"mcpls/internal/demoserver"
)

// runDemoServer serves the embedded demo MCP server: streamable HTTP at
// /mcp and legacy SSE at /sse on a loopback address, printing the /mcp URL
// as the first line of stdout, or one session over stdio with --stdio.
// With --auth both endpoints need a Bearer token from the server's own
// authorization server, served on the same listener. It
// runs until ctx is done (SIGINT, SIGTERM) or, with --stdio, until the
// client closes stdin.
func runDemoServer(ctx context.Context, args []string, stdio Stdio) int {
	flags := flag.NewFlagSet("demo-server", flag.ContinueOnError)
	flags.SetOutput(stdio.Err)
	addr := flags.String("addr", "127.0.0.1:0", "loopback `host:port` to listen on (port 0 picks a free one)")
	useStdio := flags.Bool("stdio", false, "serve one session over stdin/stdout instead of HTTP")
	toolsFile := flags.String("tools", "", "JSON `file` of extra tools that echo their arguments (a tool array, a tools/list result, or lspbench gen.mjs's schema)")
	pageSize := flags.Int("page-size", demoserver.DefaultPageSize, "items per page of every list")
	verbose := flags.Bool("v", false, "log the server's activity to stderr")
	withAuth := flags.Bool("auth", false, "put the server behind its own OAuth authorization server (PRM, AS metadata, registration, PKCE, refresh, revocation)")
	tokenTTL := flags.Duration("token-ttl", 5*time.Minute, "access token lifetime with --auth")
	flags.Usage = func() {
		fmt.Fprintln(stdio.Err, "usage: mcpls demo-server [--addr 127.0.0.1:0] [--stdio] [--auth [--token-ttl D]] [--tools FILE] [--page-size N] [-v]")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stdio.Err, "mcpls demo-server: unexpected argument %q\n", flags.Arg(0))
		return ExitUsage
	}
	opts := demoserver.Options{PageSize: *pageSize}
	if *verbose {
		opts.Logger = slog.New(slog.NewTextHandler(stdio.Err, nil))
	}
	if *toolsFile != "" {
		tools, err := demoserver.ReadTools(*toolsFile)
		if err != nil {
			fmt.Fprintf(stdio.Err, "mcpls demo-server: %v\n", err)
			return ExitUsage
		}
		opts.ExtraTools = tools
	}
	if *withAuth {
		if *useStdio {
			fmt.Fprintln(stdio.Err, "mcpls demo-server: --auth needs HTTP; it cannot be used with --stdio")
			return ExitUsage
		}
		opts.WrapHandler = demoserver.NewAuth(demoserver.AuthOptions{TokenTTL: *tokenTTL}).Wrap
	}
	if *useStdio {
		return serveDemoStdio(ctx, demoserver.New(opts), stdio)
	}
	listenAddr, err := loopbackAddr(*addr)
	if err != nil {
		fmt.Fprintf(stdio.Err, "mcpls demo-server: %v\n", err)
		return ExitUsage
	}
	return serveDemoHTTP(ctx, demoserver.New(opts), listenAddr, stdio)
}

func serveDemoStdio(ctx context.Context, s *demoserver.Server, stdio Stdio) int {
	if err := s.ServeStdio(ctx, stdio.In, stdio.Out); err != nil {
		fmt.Fprintf(stdio.Err, "mcpls demo-server: %v\n", err)
		return ExitFailure
	}
	return ExitOK
}

func serveDemoHTTP(ctx context.Context, s *demoserver.Server, addr string, stdio Stdio) int {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(stdio.Err, "mcpls demo-server: listening on %s: %v\n", addr, err)
		return ExitFailure
	}
	url := demoserver.URL(ln.Addr())
	fmt.Fprintln(stdio.Out, url)
	fmt.Fprintf(stdio.Err, "mcpls demo-server: streamable HTTP at %s, legacy SSE at http://%s%s\n", url, ln.Addr(), demoserver.PathSSE)
	if err := s.Serve(ctx, ln); err != nil {
		fmt.Fprintf(stdio.Err, "mcpls demo-server: %v\n", err)
		return ExitFailure
	}
	return ExitOK
}

// loopbackAddr checks that addr names a loopback interface and returns the
// address to listen on; "localhost" becomes 127.0.0.1 so that the printed
// URL is exact.
func loopbackAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("--addr %q: want host:port: %w", addr, err)
	}
	if host == "localhost" {
		host = "127.0.0.1"
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !ip.IsLoopback() {
		return "", fmt.Errorf("--addr %q: the demo server only listens on loopback (127.0.0.1, ::1 or localhost), not %q", addr, host)
	}
	return net.JoinHostPort(ip.String(), port), nil
}
