// Package cli parses the mcpls command line and runs its subcommands: the
// language server, the headless linter and MCP runner, the demo server and
// the conformance client. Each subcommand lives in its own file.
package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Exit codes shared by every subcommand.
const (
	ExitOK      = 0
	ExitFailure = 1 // the command ran and found errors (diagnostics, failed calls)
	ExitUsage   = 2 // bad flags or arguments
)

// Stdio is where a subcommand reads and writes; tests pass buffers.
type Stdio struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

type command struct {
	usage string // one line: "name args", shown by "mcpls help"
	run   func(ctx context.Context, args []string, io Stdio) int
}

// commands is the one table of subcommands.
var commands = map[string]command{
	"serve":       {"serve [--stdio]                      language server over stdio", runServe},
	"version":     {"version                              print the version", runVersion},
	"check":       {"check [--format text|json] FILE...   lint MCP config files", runCheck},
	"list":        {"list [--config F] SERVER | --url URL | --stdio CMD   print a server's catalog", runList},
	"call":        {"call [--config F] SERVER TOOL [JSON]   call a tool and print the result", runCall},
	"run":         {"run [--config F] [--request NAME]...  run saved requests", runRun},
	"demo-server": {"demo-server [--addr 127.0.0.1:0] [--stdio]   embedded demo MCP server", runDemoServer},
	"conformance": {"conformance URL                      client for the MCP conformance suite", runConformance},
}

// Main runs the subcommand named by args[0]; no subcommand means serve.
func Main(ctx context.Context, args []string, stdio Stdio) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return runServe(ctx, args, stdio)
	}
	switch args[0] {
	case "help", "-h", "--help":
		printUsage(stdio.Out)
		return ExitOK
	case "--version":
		return runVersion(ctx, nil, stdio)
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stdio.Err, "mcpls: unknown command %q\n", args[0])
		printUsage(stdio.Err)
		return ExitUsage
	}
	return cmd.run(ctx, args[1:], stdio)
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: mcpls <command> [arguments]")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  mcpls %s\n", commands[name].usage)
	}
}
