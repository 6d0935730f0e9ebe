package lsp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"mcpls/server/lsp"
	"mcpls/server/lspext"
)

// initializeGate proxies to target and holds every initialize request
// until release is closed, announcing each on arrived.
func initializeGate(t *testing.T, target string) (gateURL string, arrived <-chan struct{}, release func()) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	arrivals := make(chan struct{}, 64)
	open := make(chan struct{})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if bytes.Contains(body, []byte(`"method":"initialize"`)) {
			arrivals <- struct{}{}
			select {
			case <-open:
			case <-r.Context().Done():
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	var once bool
	release = func() {
		if !once {
			once = true
			close(open)
		}
	}
	t.Cleanup(func() {
		release()
		hs.CloseClientConnections()
		hs.Close()
	})
	return hs.URL + u.Path, arrivals, release
}

// TestAutoConnectIsBounded: opening a config of many http servers with
// autoConnect connects them at most lsp.AutoConnectSlots at a time, and
// all of them in the end.
func TestAutoConnectIsBounded(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	d := startDemo(t)
	gate, arrived, release := initializeGate(t, d.url)
	n := lsp.AutoConnectSlots + 4
	var servers []string
	for i := range n {
		servers = append(servers, fmt.Sprintf("%q: {\"type\": \"http\", \"url\": %q}", fmt.Sprintf("s%d", i), gate))
	}
	w := startMCP(t, ctx, "", &lspext.Capabilities{ServerState: true}, initOptions(`{"autoConnect": "http"}`))
	w.open(t, ctx, fmt.Sprintf(`{"mcpServers": {%s}}`, strings.Join(servers, ",\n")))

	for i := range lsp.AutoConnectSlots {
		select {
		case <-arrived:
		case <-ctx.Done():
			t.Fatalf("%d of %d connects started", i, lsp.AutoConnectSlots)
		}
	}
	// Nothing else may start while the first ones hang: give an unbounded
	// server the time to show it.
	select {
	case <-arrived:
		t.Fatalf("more than %d automatic connects in flight", lsp.AutoConnectSlots)
	case <-time.After(300 * time.Millisecond):
	}
	// Those waiting for a slot show as queued to connect, not idle.
	state := map[string]lspext.ServerState{}
	_, err := w.AwaitNotification(ctx, lspext.MethodServerState, func(raw json.RawMessage) bool {
		var st lspext.ServerState
		if json.Unmarshal(raw, &st) == nil {
			state[st.Name] = st
		}
		queued := 0
		for i := range n {
			st := state[fmt.Sprintf("s%d", i)]
			if st.State != lspext.StateConnecting {
				return false
			}
			if st.Queued {
				queued++
			}
		}
		return queued == n-lsp.AutoConnectSlots
	})
	if err != nil {
		t.Fatalf("not %d connecting and %d of them queued while the first connects hang: %v; states: %v", n, n-lsp.AutoConnectSlots, err, state)
	}
	var queued string
	for name, st := range state {
		if st.Queued {
			queued = name
		}
	}
	lenses := lensTitles(w.lenses(t, ctx))
	if !slices.Contains(lenses, "Queued to connect") || !slices.Contains(lenses, "Connect now") {
		t.Errorf("lenses = %q, want Queued to connect | Connect now", lenses)
	}
	// Connect now does not wait for a slot.
	manual := make(chan lspext.ServerState, 1)
	go func() {
		var st lspext.ServerState
		_ = w.command(ctx, lspext.CmdConnect, lspext.ServerArgs{URI: string(w.uri), Server: queued}, &st)
		manual <- st
	}()
	select {
	case <-arrived:
	case <-ctx.Done():
		t.Fatalf("connecting %s by hand waited for a slot", queued)
	}
	release()
	if st := <-manual; st.State != lspext.StateConnected {
		t.Errorf("connect %s by hand: %+v", queued, st)
	}
	for i := lsp.AutoConnectSlots + 1; i < n; i++ {
		select {
		case <-arrived:
		case <-ctx.Done():
			t.Fatalf("only %d of %d servers started connecting", i, n)
		}
	}
	connected := map[string]bool{}
	_, err = w.AwaitNotification(ctx, lspext.MethodServerState, func(raw json.RawMessage) bool {
		var st lspext.ServerState
		if json.Unmarshal(raw, &st) == nil && st.State == lspext.StateConnected {
			connected[st.Name] = true
		}
		return len(connected) == n
	})
	if err != nil {
		t.Fatalf("%d of %d servers connected: %v; last states: %s", len(connected), n, err, lastStates(w.Notes(lspext.MethodServerState)))
	}
}

func lastStates(notes []json.RawMessage) string {
	notes = notes[max(0, len(notes)-3):]
	var b strings.Builder
	for _, n := range notes {
		b.Write(n)
		b.WriteByte('\n')
	}
	return b.String()
}
