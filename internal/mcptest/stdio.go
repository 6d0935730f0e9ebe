package mcptest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// childEnv selects the stdio server a re-executed test binary runs.
const childEnv = "MCPTEST_STDIO_SERVER"

// Stdio server modes.
const (
	ModeServer   = "server"   // the test server over stdio
	ModeGarbage  = "garbage"  // prints a non-JSON line on stdout, then waits
	ModeSilent   = "silent"   // reads stdin and never answers
	ModeExit     = "exit"     // writes to stderr and exits 3 at once
	ModeStubborn = "stubborn" // ignores stdin EOF and SIGTERM; only SIGKILL stops it
)

// RunIfChild runs a stdio server and exits when this process was started
// by StdioCommand. Call it first in TestMain.
func RunIfChild() {
	mode := os.Getenv(childEnv)
	if mode == "" {
		return
	}
	os.Exit(runChild(mode))
}

func runChild(mode string) int {
	switch mode {
	case ModeServer:
		fmt.Fprintln(os.Stderr, "mcptest stdio server ready")
		s := NewServer(Options{PageSize: 4, ExtraTools: 6})
		if err := s.Run(context.Background(), &sdk.StdioTransport{}); err != nil {
			fmt.Fprintln(os.Stderr, "server stopped:", err)
		}
		return 0
	case ModeGarbage:
		fmt.Println("Welcome to my server! (this is not JSON-RPC)")
		_, _ = io.Copy(io.Discard, os.Stdin)
		return 0
	case ModeSilent:
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			fmt.Fprintln(os.Stderr, "ignoring a message")
		}
		return 0
	case ModeExit:
		fmt.Fprintln(os.Stderr, "fatal: API_KEY is not set")
		return 3
	case ModeStubborn:
		signal.Ignore(syscall.SIGTERM)
		fmt.Fprintln(os.Stderr, "stubborn server ignoring SIGTERM")
		_, _ = io.Copy(io.Discard, os.Stdin)
		select {}
	}
	fmt.Fprintln(os.Stderr, "unknown mode", mode)
	return 2
}

// StdioCommand returns the command, args and environment that run this
// test binary as a stdio server in mode.
func StdioCommand(mode string) (command string, args, env []string) {
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	return exe, nil, append(os.Environ(), childEnv+"="+mode)
}
