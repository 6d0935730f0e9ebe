package mcp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"mcpls/internal/console"
)

// stopGrace is how long stop waits after closing stdin, and again after
// SIGTERM, before escalating. A variable so tests can shorten it.
var stopGrace = 2 * time.Second

// stderrKeep is how many trailing stderr lines an exit error carries.
const stderrKeep = 8

// process is a running stdio server: its own process group, stdin and
// stdout pipes for JSON-RPC, stderr lines forwarded to the console.
type process struct {
	cmd    *exec.Cmd
	stdin  *os.File // our write end
	stdout *os.File // our read end
	stderr *os.File // our read end
	em     emitter

	exited     chan struct{} // closed once the process is reaped
	waitErr    error         // set before exited is closed
	stderrDone chan struct{}
	stopOnce   sync.Once

	mu    sync.Mutex
	lines []string // last stderrKeep stderr lines
	tail  []byte   // last bytes read from stdout, for garbage errors
}

// startProcess starts t.Command in its own process group.
func startProcess(t Target, em emitter) (*process, error) {
	cmd := exec.Command(t.Command, t.Args...)
	cmd.Env, cmd.Dir = t.Env, t.Dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := &process{cmd: cmd, em: em, exited: make(chan struct{}), stderrDone: make(chan struct{})}
	var child []*os.File
	pipe := func() (r, w *os.File, err error) {
		r, w, err = os.Pipe()
		if err == nil {
			child = append(child, r, w)
		}
		return r, w, err
	}
	var err error
	var inR, outW, errW *os.File
	if inR, p.stdin, err = pipe(); err == nil {
		if p.stdout, outW, err = pipe(); err == nil {
			p.stderr, errW, err = pipe()
		}
	}
	if err != nil {
		closeAll(child)
		return nil, fmt.Errorf("creating pipes: %w", err)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, errW
	if err := cmd.Start(); err != nil {
		closeAll(child)
		return nil, startError(t, err)
	}
	closeAll([]*os.File{inR, outW, errW}) // the child holds its own copies
	em.event(console.LevelInfo, "started %s (pid %d)", t.Command, cmd.Process.Pid)
	go p.wait()
	go p.readStderr()
	return p, nil
}

func closeAll(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}

func startError(t Target, err error) error {
	kind := KindUnclassified
	if t.Dir != "" {
		// The kernel reports a missing working directory like a missing
		// command; tell them apart.
		if _, serr := os.Stat(t.Dir); serr != nil {
			return &Error{Server: t.Name, Op: "connect", Kind: kind, Detail: fmt.Sprintf("working directory %q: %v", t.Dir, serr), Err: err}
		}
	}
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
		kind = KindNotFound
	}
	return &Error{Server: t.Name, Op: "connect", Kind: kind, Detail: fmt.Sprintf("starting %q: %v", t.Command, err), Err: err}
}

func (p *process) wait() {
	p.waitErr = p.cmd.Wait()
	p.em.event(console.LevelInfo, "process exited: %s", exitText(p.cmd.ProcessState, p.waitErr))
	close(p.exited)
}

func exitText(st *os.ProcessState, err error) string {
	if st != nil {
		return st.String()
	}
	if err != nil {
		return err.Error()
	}
	return "unknown status"
}

func (p *process) readStderr() {
	defer close(p.stderrDone)
	sc := bufio.NewScanner(p.stderr)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		p.mu.Lock()
		p.lines = append(p.lines, line)
		if len(p.lines) > stderrKeep {
			p.lines = p.lines[len(p.lines)-stderrKeep:]
		}
		p.mu.Unlock()
		p.em.emit(console.Event{Kind: console.KindStderr, Level: console.LevelInfo, Message: console.RedactText(line)})
	}
}

// exitError describes the exit for a failure during op. It waits briefly
// for the stderr reader so the last lines are included.
func (p *process) exitError(server, op string) *Error {
	select {
	case <-p.stderrDone:
	case <-time.After(200 * time.Millisecond): // a grandchild may keep stderr open
	}
	p.mu.Lock()
	lines := append([]string(nil), p.lines...)
	p.mu.Unlock()
	for i := range lines {
		lines[i] = console.RedactText(lines[i])
	}
	return &Error{Server: server, Op: op, Kind: KindExited, Detail: exitText(p.cmd.ProcessState, p.waitErr), Stderr: lines}
}

// stdoutTail returns the last bytes the server wrote to stdout.
func (p *process) stdoutTail() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return string(p.tail)
}

// reader is stdout as the SDK reads it; it remembers the tail.
func (p *process) reader() io.ReadCloser { return stdoutTap{p} }

type stdoutTap struct{ p *process }

func (r stdoutTap) Read(b []byte) (int, error) {
	n, err := r.p.stdout.Read(b)
	if n > 0 {
		r.p.mu.Lock()
		r.p.tail = append(r.p.tail, b[:n]...)
		if len(r.p.tail) > 4096 {
			r.p.tail = r.p.tail[len(r.p.tail)-4096:]
		}
		r.p.mu.Unlock()
	}
	return n, err
}

// Close does not close stdout: stop does, after the process is gone, so a
// well-behaved server sees stdin close first, not a broken pipe.
func (r stdoutTap) Close() error { return nil }

// stop shuts the server down as the spec asks: close stdin, wait, SIGTERM
// the process group, wait, SIGKILL. It reaps the process and returns once
// every goroutine it started is done.
func (p *process) stop(ctx context.Context) {
	p.stopOnce.Do(func() {
		p.stdin.Close()
		if !p.waitExit(ctx, stopGrace) {
			p.em.event(console.LevelWarning, "server did not exit after stdin closed; sending SIGTERM")
			p.signal(syscall.SIGTERM)
			if !p.waitExit(ctx, stopGrace) {
				p.em.event(console.LevelWarning, "server ignored SIGTERM; sending SIGKILL")
				p.signal(syscall.SIGKILL)
				<-p.exited
			}
		}
		// Children of the server that outlived it hold the pipes open.
		p.signal(syscall.SIGKILL)
		p.stdout.Close()
		p.stderr.Close()
		<-p.stderrDone
	})
}

// signal signals the whole process group (npx and friends fork).
func (p *process) signal(sig syscall.Signal) {
	_ = syscall.Kill(-p.cmd.Process.Pid, sig)
}

func (p *process) waitExit(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-p.exited:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

// exitedWithin waits up to d for the process to exit.
func (p *process) exitedWithin(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-p.exited:
		return true
	case <-t.C:
		return false
	}
}
