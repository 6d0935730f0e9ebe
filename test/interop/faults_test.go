package interop_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"mcpls/internal/console"
	"mcpls/internal/mcp"
)

// userSees asserts the error a user reads: its kind and what it says.
func userSees(t *testing.T, err error, kind mcp.Kind, want ...string) {
	t.Helper()
	var merr *mcp.Error
	if !errors.As(err, &merr) || merr.Kind != kind {
		t.Fatalf("err = %v (%T), want kind %q", err, err, kind)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("the user reads %q, which lacks %q", err, w)
		}
	}
}

// firstProgress calls tool in the background and waits for its first
// progress notification; the call's error arrives on the channel.
func firstProgress(t *testing.T, ctx context.Context, s *mcp.Session, tool, args string) <-chan error {
	t.Helper()
	progressed := make(chan struct{}, 1)
	errc := make(chan error, 1)
	go func() {
		_, err := s.CallTool(ctx, tool, json.RawMessage(args), func(mcp.Progress) {
			select {
			case progressed <- struct{}{}:
			default:
			}
		})
		errc <- err
	}()
	receive(t, progressed, "the first progress notification")
	return errc
}

func TestKilledMidCall(t *testing.T) {
	tests := []struct {
		name string
		kind mcp.Kind
		want []string
	}{
		{"stdio", mcp.KindExited, []string{`tools/call trigger-long-running-operation "everything"`, "server process exited", "signal: killed"}},
		// The SDK retries the dropped stream with backoff (about 18 s)
		// before giving up on the refused reconnections.
		{"http", mcp.KindRefused, []string{`tools/call trigger-long-running-operation "everything"`, "connection refused"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hc := noLeaks(t)
			rec := &console.Recorder{}
			var target mcp.Target
			var kill func()
			if tt.name == "stdio" {
				target = everythingStdio(t)
			} else {
				url, p := everythingHTTP(t)
				target = mcp.Target{Name: "everything", Transport: mcp.TransportHTTP, URL: url}
				kill = func() { _ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL) }
			}
			s := connect(t, target, options(hc, rec))
			if kill == nil {
				pid := s.PID()
				kill = func() { _ = syscall.Kill(pid, syscall.SIGKILL) }
			}
			errc := firstProgress(t, testContext(t), s, "trigger-long-running-operation", `{"duration":20,"steps":20}`)
			kill()
			err := receive(t, errc, "the call to fail")
			userSees(t, err, tt.kind, tt.want...)
		})
	}
}

func TestHangingServerTimesOutAndCancels(t *testing.T) {
	t.Run("everything stdio", func(t *testing.T) {
		hc := noLeaks(t)
		rec := &console.Recorder{}
		target := everythingStdio(t)
		target.Timeout = 3 * time.Second // node starts within it
		s := connect(t, target, options(hc, rec))
		// One step of 30 s: no progress, so the idle timeout fires.
		_, err := s.CallTool(testContext(t), "trigger-long-running-operation", json.RawMessage(`{"duration":30,"steps":1}`), nil)
		userSees(t, err, mcp.KindTimeout, `tools/call trigger-long-running-operation "everything": timed out`, "(3s)", "the request was cancelled")
		call := waitEvent(t, rec, "the tools/call", func(e console.Event) bool { return e.Kind == console.KindSend && e.Method == "tools/call" })
		cancelled := waitEvent(t, rec, "notifications/cancelled", func(e console.Event) bool {
			return e.Kind == console.KindSend && e.Method == "notifications/cancelled"
		})
		var msg struct {
			Params struct {
				RequestID json.RawMessage `json:"requestId"`
			} `json:"params"`
		}
		if err := json.Unmarshal(cancelled.Data, &msg); err != nil || string(msg.Params.RequestID) != call.ID {
			t.Errorf("cancelled %s, want request id %s", cancelled.Data, call.ID)
		}
		// The server still answers: the session survived the timeout.
		if _, err := s.CallTool(testContext(t), "echo", json.RawMessage(`{"message":"still here"}`), nil); err != nil {
			t.Errorf("a call after the timeout: %v", err)
		}
	})
	t.Run("go-sdk http", func(t *testing.T) {
		hc := noLeaks(t)
		fs := startFaultServer(t)
		target := mcp.Target{Name: "gosdk", Transport: mcp.TransportHTTP, URL: fs.URL, Timeout: 300 * time.Millisecond}
		s := connect(t, target, options(hc, &console.Recorder{}))
		_, err := s.CallTool(testContext(t), "hang", nil, nil)
		userSees(t, err, mcp.KindTimeout, `tools/call hang "gosdk": timed out`, "300ms", "the request was cancelled")
		receive(t, fs.Cancelled, "the server to see notifications/cancelled")
	})
}

func TestCancellationReachesEverything(t *testing.T) {
	for _, peer := range everythingPeers {
		t.Run(peer.name, func(t *testing.T) {
			hc := noLeaks(t)
			rec := &console.Recorder{}
			s := connect(t, peer.target(t), options(hc, rec))
			ctx, cancel := context.WithCancel(testContext(t))
			// Two steps of 0.4 s: cancelled after the first.
			errc := firstProgress(t, ctx, s, "trigger-long-running-operation", `{"duration":0.8,"steps":2}`)
			cancel()
			if err := receive(t, errc, "the call to return"); !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			call := waitEvent(t, rec, "the tools/call", func(e console.Event) bool { return e.Kind == console.KindSend && e.Method == "tools/call" })
			waitEvent(t, rec, "notifications/cancelled", func(e console.Event) bool {
				return e.Kind == console.KindSend && e.Method == "notifications/cancelled" && strings.Contains(string(e.Data), `"requestId":`+call.ID)
			})
			if peer.name != "stdio" {
				return
			}
			// The server honours it: the operation's last progress still
			// comes, but its result never does (the TypeScript SDK drops
			// the answer to a cancelled request). A ping after the last
			// progress orders the check.
			waitEvent(t, rec, "the operation's last progress", func(e console.Event) bool {
				return e.Kind == console.KindRecv && e.Method == "notifications/progress" && strings.Contains(string(e.Data), `"progress":2`)
			})
			if err := s.Ping(testContext(t)); err != nil {
				t.Fatal(err)
			}
			for _, e := range rec.Events() {
				if e.Kind == console.KindRecv && e.ID == call.ID {
					t.Errorf("the server answered the cancelled call: %s", e.Data)
				}
			}
		})
	}
}

func TestHTTPFaults(t *testing.T) {
	tests := []struct {
		name  string
		kind  faultKind
		check func(t *testing.T, rec *console.Recorder, err error)
		// after checks a call made after the fault.
		after func(t *testing.T, err error)
	}{
		{"malformed JSON", faultMalformed, func(t *testing.T, _ *console.Recorder, err error) {
			// That call fails with the bad body quoted; the session
			// carries on (nil after: the next call must work).
			userSees(t, err, mcp.KindBadResponse, `tools/call echo "gosdk": invalid JSON from server`, "unexpected end of JSON input",
				`{\"jsonrpc\":\"2.0\",\"id\":`)
		}, nil},
		{"HTTP 500", faultStatus500, func(t *testing.T, _ *console.Recorder, err error) {
			userSees(t, err, mcp.KindHTTPStatus, `tools/call echo "gosdk"`, "HTTP 500", "upstream database exploded")
		}, nil},
		{"HTTP 503", faultStatus503, func(t *testing.T, _ *console.Recorder, err error) {
			userSees(t, err, mcp.KindHTTPStatus, `tools/call echo "gosdk"`, "HTTP 503", "no healthy upstream")
		}, nil},
		{"SSE dropped mid-response", faultDropSSE, func(t *testing.T, rec *console.Recorder, err error) {
			if err != nil {
				t.Fatalf("err = %v, want the call to resume and succeed", err)
			}
			waitEvent(t, rec, "the resumption", func(e console.Event) bool {
				return strings.HasPrefix(e.Message, "resuming stream after event ")
			})
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hc := noLeaks(t)
			rec := &console.Recorder{}
			fs := startFaultServer(t)
			s := connect(t, mcp.Target{Name: "gosdk", Transport: mcp.TransportHTTP, URL: fs.URL, Timeout: 10 * time.Second}, options(hc, rec))
			fs.breakNext("tools/call", tt.kind)
			tool, args := "echo", `{"text":"x"}`
			if tt.kind == faultDropSSE {
				tool, args = "slow", `{"steps":3}` // progress, then the result: an SSE response
			}
			res, err := s.CallTool(testContext(t), tool, json.RawMessage(args), nil)
			receive(t, fs.applied, "the fault to be applied")
			tt.check(t, rec, err)
			if tt.kind == faultDropSSE && textOf(t, res) != "done after 3 steps" {
				t.Errorf("resumed result = %q", textOf(t, res))
			}
			res, err = s.CallTool(testContext(t), "echo", json.RawMessage(`{"text":"after"}`), nil)
			if tt.after != nil {
				tt.after(t, err)
			} else if err != nil || textOf(t, res) != "echo: after" {
				t.Errorf("a call after the fault = %+v, %v; want the session to carry on", res, err)
			}
		})
	}
}

func TestStdioMisbehaviour(t *testing.T) {
	tests := []struct {
		name    string
		script  string
		timeout time.Duration
		kind    mcp.Kind
		want    []string
	}{
		{"garbage on stdout", `console.log("Server v1.2 starting on stdio..."); process.stdin.resume()`, 0,
			mcp.KindHandshake, []string{`connect "node"`, "not an MCP server", "not JSON-RPC", "Server v1.2 starting on stdio..."}},
		{"never answers initialize", `process.stdin.resume()`, 400 * time.Millisecond,
			mcp.KindTimeout, []string{`connect "node"`, "timed out", "no answer within 400ms"}},
		{"exits at once", `console.error("Error: missing API key"); process.exit(7)`, 0,
			mcp.KindExited, []string{`connect "node"`, "server process exited", "exit status 7", "Error: missing API key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hc := noLeaks(t)
			rec := &console.Recorder{}
			target := mcp.Target{Name: "node", Transport: mcp.TransportStdio, Command: "node", Args: []string{"-e", tt.script}, Timeout: tt.timeout}
			s, err := mcp.Connect(testContext(t), target, options(hc, rec))
			if err == nil {
				closeSession(t, s)
				t.Fatal("Connect succeeded")
			}
			userSees(t, err, tt.kind, tt.want...)
			assertChildrenGone(t, rec)
		})
	}
}

func TestDemoServerRestartReinitializes(t *testing.T) {
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	hc := noLeaks(t)
	rec := &console.Recorder{}
	port := freePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	first := startProc(t, exec.Command(mcplsBin, "demo-server", "--addr", addr), nil)
	waitPort(t, addr, first.exited, first.stderrText)
	s := connect(t, mcp.Target{Name: "demo", Transport: mcp.TransportHTTP, URL: "http://" + addr + "/mcp"}, options(hc, rec))
	first.stop(t)
	hc.CloseIdleConnections()
	second := startProc(t, exec.Command(mcplsBin, "demo-server", "--addr", addr), nil)
	waitPort(t, addr, second.exited, second.stderrText)
	// The new process never saw our session: it answers 404 and we
	// initialize again, transparently.
	res, err := s.CallTool(testContext(t), "add", json.RawMessage(`{"a":1,"b":2}`), nil)
	if err != nil || res.IsError {
		t.Fatalf("call after the restart = %+v, %v", res, err)
	}
	waitEvent(t, rec, "the re-initialization", func(e console.Event) bool {
		return strings.Contains(e.Message, "session expired on the server; initializing again")
	})
}

// TestEverythingRestartLosesSession restarts server-everything under a
// live session. It answers the old session id with 400, not the 404 the
// spec asks for (TestDemoServerRestartReinitializes has the 404), so the
// client cannot know the session is gone.
func TestEverythingRestartLosesSession(t *testing.T) {
	hc := noLeaks(t)
	rec := &console.Recorder{}
	url, first := everythingHTTP(t)
	s, err := mcp.Connect(testContext(t), mcp.Target{Name: "everything", Transport: mcp.TransportHTTP, URL: url}, options(hc, rec))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	first.stop(t)
	hc.CloseIdleConnections()
	port := strings.TrimSuffix(strings.TrimPrefix(url, "http://127.0.0.1:"), "/mcp")
	cmd := exec.Command("node", "--require", "./loopback.cjs", everythingJS(t), "streamableHttp")
	cmd.Env = append(cmd.Environ(), "PORT="+port)
	second := startProc(t, cmd, nil)
	waitPort(t, "127.0.0.1:"+port, second.exited, second.stderrText)
	_, err = s.CallTool(testContext(t), "echo", json.RawMessage(`{"message":"hi"}`), nil)
	// The user reads the status and the server's own words; mcpls cannot
	// tell a lost session from any other bad request, so that call fails.
	userSees(t, err, mcp.KindHTTPStatus, `tools/call echo "everything"`, "HTTP 400", "No valid session ID provided")
	// The SDK ended its session on the 400 (internal/mcp: a dead SDK
	// session is replaced once, before the next request): Resync connects
	// and initializes again, and calls work.
	if _, err := s.Resync(testContext(t)); err != nil {
		t.Fatalf("Resync after the restart: %v", err)
	}
	if _, err := s.CallTool(testContext(t), "echo", json.RawMessage(`{"message":"hi"}`), nil); err != nil {
		t.Errorf("a call after the Resync: %v", err)
	}
}
