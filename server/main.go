// Command mcpls is the MCP client for editors: a language server for
// .mcp.json files (mcpls serve), a headless runner of saved requests, and an
// embedded demo MCP server. Logs go to stderr; stdout is the LSP channel.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"mcpls/server/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	stop()
	os.Exit(code)
}
