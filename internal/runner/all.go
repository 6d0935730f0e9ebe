package runner

import (
	"context"
	"fmt"
	"sync"
	"time"

	"mcpls/internal/config"
	"mcpls/internal/mcp"
)

// Options configure RunAll. The zero value runs with no environment.
type Options struct {
	// Env expands the servers and the requests' arguments.
	Env config.Env
	// MCP configures every session (console, HTTP client...); nil = defaults.
	MCP *mcp.Options
	// OnConnect, if set, is called once per server after connecting, with
	// its target and either a live session (do not close it) or the
	// reason it could not be reached. Calls may come from several
	// goroutines at once. The target is zero when it could not be built.
	OnConnect func(t mcp.Target, sess *mcp.Session, err error)
	// OnOutcome, if set, receives each outcome in the order of reqs, as
	// soon as it and every outcome before it are known, on the caller's
	// goroutine.
	OnOutcome func(Outcome)
}

// RunAll runs reqs, requests of file f: one connection per server, the
// servers connected and run in parallel, each server's requests one after
// the other in their order. A server that cannot be reached fails all of
// its requests with the reason. Outcomes come back in the order of reqs.
func RunAll(ctx context.Context, f *config.File, reqs []*config.Request, opts Options) []Outcome {
	outcomes := make([]Outcome, len(reqs))
	done := make([]chan struct{}, len(reqs))
	for i := range done {
		done[i] = make(chan struct{})
	}
	var wg sync.WaitGroup
	for _, g := range groupByServer(reqs) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runServer(ctx, f, reqs, g, opts, func(i int, o Outcome) {
				outcomes[i] = o
				close(done[i])
			})
		}()
	}
	for i := range reqs {
		<-done[i]
		if opts.OnOutcome != nil {
			opts.OnOutcome(outcomes[i])
		}
	}
	wg.Wait()
	return outcomes
}

// group is the indexes of one server's requests, in order.
type group struct {
	server  string
	indexes []int
}

func groupByServer(reqs []*config.Request) []*group {
	var groups []*group
	byName := map[string]*group{}
	for i, r := range reqs {
		g := byName[r.Server.Value]
		if g == nil {
			g = &group{server: r.Server.Value}
			byName[g.server] = g
			groups = append(groups, g)
		}
		g.indexes = append(g.indexes, i)
	}
	return groups
}

// runServer connects to one server and runs its requests in order,
// reporting each outcome through put.
func runServer(ctx context.Context, f *config.File, reqs []*config.Request, g *group, opts Options, put func(int, Outcome)) {
	start := time.Now()
	sess, t, err := connect(ctx, f, g.server, opts)
	if opts.OnConnect != nil {
		opts.OnConnect(t, sess, err)
	}
	if err != nil {
		elapsed := time.Since(start)
		for _, i := range g.indexes {
			o := newOutcome(reqs[i]).failed(err)
			o.Duration = elapsed
			put(i, o)
		}
		return
	}
	defer sess.Close()
	for _, i := range g.indexes {
		put(i, Run(ctx, sess, f, reqs[i], opts.Env))
	}
}

// connect builds the named server's target and connects to it.
func connect(ctx context.Context, f *config.File, name string, opts Options) (*mcp.Session, mcp.Target, error) {
	s := f.Server(name)
	if s == nil {
		return nil, mcp.Target{}, fmt.Errorf("no server %q in the config", name)
	}
	t, err := TargetFor(f, s, opts.Env)
	if err != nil {
		return nil, mcp.Target{}, err
	}
	sess, err := mcp.Connect(ctx, t, opts.MCP)
	if err != nil {
		return nil, t, err
	}
	return sess, t, nil
}
