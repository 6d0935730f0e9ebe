package mcp

import (
	"context"
	"errors"
	"net"
	"net/url"
	"sync"
	"time"
)

// callSlot is what the wire saw of one request. It rides in the request's
// context (HTTP requests are built from the call's context), so a failure
// is pinned on the call that met it rather than on whatever failed last on
// a connection that many calls share.
type callSlot struct {
	mu   sync.Mutex
	fail *httpFailure
}

type slotKey struct{}

// withSlot attaches a new slot to ctx.
func withSlot(ctx context.Context) (context.Context, *callSlot) {
	slot := &callSlot{}
	return context.WithValue(ctx, slotKey{}, slot), slot
}

// slotOf returns the slot of ctx, or nil.
func slotOf(ctx context.Context) *callSlot {
	slot, _ := ctx.Value(slotKey{}).(*callSlot)
	return slot
}

func (c *callSlot) setFailure(f *httpFailure) {
	c.mu.Lock()
	c.fail = f
	c.mu.Unlock()
}

func (c *callSlot) failure() *httpFailure {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fail
}

// probeTimeout bounds the dial that tells a dead server from a dropped
// stream.
const probeTimeout = 2 * time.Second

// unreachable reports errors that mean no server is there any more.
func unreachable(err error) bool {
	k := classifyNetErr(err)
	return k == KindRefused || k == KindDNS
}

// probe dials u's host once and returns the dial error, or nil when the
// dial succeeds or gives no verdict in time.
func probe(ctx context.Context, u *url.URL) error {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(u.Hostname(), port))
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil
		}
		return err
	}
	return conn.Close()
}
