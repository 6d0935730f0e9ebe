package interop_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"mcpls/internal/console"
	"mcpls/internal/mcp"
	"mcpls/internal/mcptest"
)

// wait bounds every wait of a test on a signal.
const wait = 20 * time.Second

// mcplsBin is the mcpls binary TestMain builds; buildErr says why not.
var (
	mcplsBin string
	buildErr error
)

func TestMain(m *testing.M) {
	mcptest.RunIfChild()
	dir, err := os.MkdirTemp("", "mcpls-interop-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "interop:", err)
		os.Exit(1)
	}
	// MCPLS_BIN names a prebuilt binary (make passes bin/mcpls); else
	// build one.
	if mcplsBin = os.Getenv("MCPLS_BIN"); mcplsBin == "" {
		mcplsBin = filepath.Join(dir, "mcpls")
		out, err := exec.Command("go", "build", "-o", mcplsBin, "mcpls/server").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("building mcpls: %v\n%s", err, out)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// everythingJS is server-everything's entry point, installed by make deps.
// Missing, it fails the test: an interop suite that skips proves nothing.
func everythingJS(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js"))
	if err == nil {
		_, err = os.Stat(p)
	}
	if err != nil {
		t.Fatalf("@modelcontextprotocol/server-everything is not installed in test/interop/node_modules (%v): run `make deps` (it runs `npm ci --prefix test/interop`)", err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("node is not on PATH: %v", err)
	}
	return p
}

// testContext is a context for one test's requests.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// noLeaks records the goroutine count now and, when the test ends (after
// every other cleanup, so call it first), waits for the count to come back
// down, failing with the stacks if it does not. It returns an HTTP client
// for the test's sessions whose idle connections it closes before checking.
func noLeaks(t *testing.T) *http.Client {
	t.Helper()
	base := runtime.NumGoroutine()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	hc := &http.Client{Transport: tr}
	t.Cleanup(func() {
		deadline := time.Now().Add(wait)
		for {
			tr.CloseIdleConnections()
			http.DefaultTransport.(*http.Transport).CloseIdleConnections()
			n := runtime.NumGoroutine()
			if n <= base {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				buf = buf[:runtime.Stack(buf, true)]
				t.Errorf("goroutine leak: %d goroutines, %d before the test\n%s", n, base, buf)
				return
			}
			runtime.Gosched()
			time.Sleep(10 * time.Millisecond) // polling a counter: there is no signal to wait on
		}
	})
	return hc
}

// options are session options for a test: its HTTP client and recorder.
func options(hc *http.Client, rec *console.Recorder) *mcp.Options {
	return &mcp.Options{HTTPClient: hc, Console: rec}
}

// connect connects and closes the session, checking its child process is
// gone, when the test ends.
func connect(t *testing.T, target mcp.Target, opts *mcp.Options) *mcp.Session {
	t.Helper()
	s, err := mcp.Connect(testContext(t), target, opts)
	if err != nil {
		t.Fatalf("connecting to %s: %v", target.Name, err)
	}
	t.Cleanup(func() { closeSession(t, s) })
	return s
}

// closeSession closes s and checks its stdio server process is gone.
func closeSession(t *testing.T, s *mcp.Session) {
	t.Helper()
	pid := s.PID()
	if err := s.Close(); err != nil {
		t.Logf("closing %s: %v", s.Target().Name, err)
	}
	if pid != 0 {
		assertGone(t, pid)
	}
}

// assertGone fails unless process pid no longer exists (it was reaped).
func assertGone(t *testing.T, pid int) {
	t.Helper()
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("child process %d is still there (kill 0: %v)", pid, err)
	}
}

// assertChildrenGone checks every process the console saw start is gone.
func assertChildrenGone(t *testing.T, rec *console.Recorder) {
	t.Helper()
	for _, e := range rec.Events() {
		i := strings.LastIndex(e.Message, "(pid ")
		if !strings.HasPrefix(e.Message, "started ") || i < 0 {
			continue
		}
		var pid int
		if _, err := fmt.Sscanf(e.Message[i:], "(pid %d)", &pid); err != nil {
			t.Fatalf("parsing %q: %v", e.Message, err)
		}
		assertGone(t, pid)
	}
}

// waitEvent waits for a console event matching pred.
func waitEvent(t *testing.T, rec *console.Recorder, what string, pred func(console.Event) bool) console.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	e, err := rec.Wait(ctx, pred)
	if err != nil {
		t.Fatalf("no console event %s: %v", what, err)
	}
	return e
}

// receive waits for a value on ch.
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case v := <-ch:
		return v
	case <-timer.C:
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// freePort returns a loopback port nobody listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// waitPort polls addr until it accepts connections, the process exits or
// the deadline passes.
func waitPort(t *testing.T, addr string, exited <-chan struct{}, stderr func() string) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-exited:
			t.Fatalf("the server exited before listening on %s; stderr:\n%s", addr, stderr())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listens on %s after %s: %v; stderr:\n%s", addr, wait, err, stderr())
		}
		time.Sleep(20 * time.Millisecond) // polling a port: there is no signal to wait on
	}
}
