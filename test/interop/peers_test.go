package interop_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"mcpls/internal/mcp"
)

// serverProc is a server process a test started; the test's cleanup
// kills it and checks it is gone.
type serverProc struct {
	cmd    *exec.Cmd
	exited chan struct{}
	mu     sync.Mutex
	stderr bytes.Buffer
}

func (p *serverProc) stderrText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

type lockedWriter struct{ p *serverProc }

func (w lockedWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	return w.p.stderr.Write(b)
}

// startProc starts cmd in its own process group; stdout goes to out
// (nil discards it).
func startProc(t *testing.T, cmd *exec.Cmd, out io.Writer) *serverProc {
	t.Helper()
	p := &serverProc{cmd: cmd, exited: make(chan struct{})}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stderr = lockedWriter{p}
	cmd.Stdout = out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", cmd.Path, err)
	}
	go func() {
		_ = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() { p.stop(t) })
	return p
}

// stop kills the process group, reaps the process and checks it is gone.
func (p *serverProc) stop(t *testing.T) {
	pid := p.cmd.Process.Pid
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	receive(t, p.exited, fmt.Sprintf("process %d to exit", pid))
	assertGone(t, pid)
}

// everythingHTTP starts server-everything in streamableHttp mode on a free
// loopback port and returns its /mcp URL once the port accepts connections.
func everythingHTTP(t *testing.T) (string, *serverProc) {
	t.Helper()
	js := everythingJS(t)
	port := freePort(t)
	cmd := exec.Command("node", "--require", "./loopback.cjs", js, "streamableHttp")
	cmd.Env = append(cmd.Environ(), fmt.Sprintf("PORT=%d", port))
	p := startProc(t, cmd, io.Discard)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	waitPort(t, addr, p.exited, p.stderrText)
	return "http://" + addr + "/mcp", p
}

// everythingStdio is server-everything over stdio.
func everythingStdio(t *testing.T) mcp.Target {
	return mcp.Target{Name: "everything", Transport: mcp.TransportStdio, Command: "node", Args: []string{everythingJS(t), "stdio"}}
}

// demoServerHTTP starts `mcpls demo-server` and returns the URL it prints.
func demoServerHTTP(t *testing.T, args ...string) string {
	t.Helper()
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	pr, pw := io.Pipe()
	p := startProc(t, exec.Command(mcplsBin, append([]string{"demo-server"}, args...)...), pw)
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		_, _ = io.Copy(io.Discard, pr)
	}()
	t.Cleanup(func() { pw.Close() })
	var url string
	select {
	case url = <-lines:
	case <-p.exited:
	case <-time.After(wait):
	}
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("demo-server printed %q, want its URL; stderr:\n%s", url, p.stderrText())
	}
	return url
}
