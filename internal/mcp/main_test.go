package mcp_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"mcpls/internal/console"
	"mcpls/internal/mcp"
	"mcpls/internal/mcptest"
)

func TestMain(m *testing.M) {
	mcptest.RunIfChild()
	os.Exit(m.Run())
}

// wait bounds every wait of a test on a signal.
const wait = 10 * time.Second

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// httpTarget is a streamable HTTP target for a test server.
func httpTarget(url string) mcp.Target {
	return mcp.Target{Name: "test", Transport: mcp.TransportHTTP, URL: url}
}

// stdioTarget re-executes the test binary as a stdio server in mode.
func stdioTarget(mode string) mcp.Target {
	cmd, args, env := mcptest.StdioCommand(mode)
	return mcp.Target{Name: "test", Transport: mcp.TransportStdio, Command: cmd, Args: args, Env: env}
}

// connect connects with a recorder and closes at the end of the test.
func connect(t *testing.T, target mcp.Target, opts *mcp.Options) (*mcp.Session, *console.Recorder) {
	t.Helper()
	rec := &console.Recorder{}
	if opts == nil {
		opts = &mcp.Options{}
	}
	opts.Console = rec
	s, err := mcp.Connect(testContext(t), target, opts)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, rec
}

// waitEvent waits for a console event matching pred.
func waitEvent(t *testing.T, rec *console.Recorder, what string, pred func(console.Event) bool) console.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	e, err := rec.Wait(ctx, pred)
	if err != nil {
		var seen strings.Builder
		for _, e := range rec.Events() {
			fmt.Fprintf(&seen, "\n\t%s %s %s %s", e.Time.Format("15:04:05.000"), e.Kind, e.Method, e.Message)
		}
		t.Fatalf("no console event %s: %v; the events:%s", what, err, seen.String())
	}
	return e
}

// waitStandaloneStream waits until the server answered the session's
// standalone GET stream. A notification the server sends outside any
// request (list_changed, resources/updated) goes on that stream, and a
// server without an event store drops it while the stream is not open:
// Connect returns before it is, and on a loaded machine the test would
// otherwise race it. The SDK server registers the stream before it
// answers, so once the client saw the answer no such notification is lost.
func waitStandaloneStream(t *testing.T, rec *console.Recorder) {
	t.Helper()
	waitEvent(t, rec, "the standalone GET stream", func(e console.Event) bool {
		return e.Kind == console.KindHTTP && e.Method == "GET" && strings.Contains(e.Message, "→ 200")
	})
}

// receive waits for a value on ch.
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(wait):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// textOf joins the text contents of a tool result.
func textOf(t *testing.T, r *mcp.ToolResult) string {
	t.Helper()
	var parts []string
	for _, c := range r.Content {
		var tc struct{ Type, Text string }
		if err := jsonUnmarshal(c, &tc); err != nil {
			t.Fatalf("content %s: %v", c, err)
		}
		parts = append(parts, tc.Text)
	}
	return strings.Join(parts, "\n")
}
