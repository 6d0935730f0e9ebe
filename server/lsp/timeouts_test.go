package lsp_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"mcpls/server/lspext"
)

// hangingServer accepts MCP notifications (202) and never answers a
// request.
func hangingServer(t *testing.T) string {
	t.Helper()
	done := make(chan struct{})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var msg struct {
			ID json.RawMessage `json:"id"`
		}
		if r.Method == http.MethodPost && json.NewDecoder(r.Body).Decode(&msg) == nil && msg.ID == nil {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	t.Cleanup(func() {
		close(done)
		// Close waits for active connections; a client that keeps one
		// open (a stream the session is still reading) must not hang it.
		hs.CloseClientConnections()
		hs.Close()
	})
	return hs.URL
}

// withSettings sends settings in initializationOptions.
func withSettings(raw string) func(*protocol.InitializeParams) {
	return func(p *protocol.InitializeParams) { p.InitializationOptions = []byte(raw) }
}

// TestConnectTimeoutSetting: a connect to a server that never answers ends
// after mcpls.timeouts.connect, from initializationOptions or from
// workspace/didChangeConfiguration, and says which setting ran out.
func TestConnectTimeoutSetting(t *testing.T) {
	const want = "timed out after 200ms (mcpls.timeouts.connect)"
	for _, tc := range []struct {
		name   string
		init   string // initializationOptions
		change string // then workspace/didChangeConfiguration settings, if any
	}{
		{"initializationOptions", `{"mcpls": {"timeouts": {"connect": 0.2}}}`, ""},
		{"didChangeConfiguration", `{"mcpls": {"timeouts": {"connect": 600}}}`, `{"mcpls": {"timeouts": {"connect": 0.2}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			w := startMCP(t, ctx, "", nil, withSettings(tc.init))
			if tc.change != "" {
				err := w.Notify(ctx, protocol.MethodWorkspaceDidChangeConfiguration, &protocol.DidChangeConfigurationParams{Settings: []byte(tc.change)})
				if err != nil {
					t.Fatal(err)
				}
			}
			w.open(t, ctx, configText(hangingServer(t)))
			start := time.Now()
			st := w.connect(t, ctx)
			if st.State == lspext.StateConnected || st.Error != want {
				t.Errorf("connect = %s %q, want an error %q", st.State, st.Error, want)
			}
			if d := time.Since(start); d > timeout/2 {
				t.Errorf("connect took %s; the setting says 200ms", d)
			}
		})
	}
}

// TestRequestTimeoutSetting: a tool call longer than
// mcpls.timeouts.request is cancelled and its result says why. The
// setting is a second, not less: the short call must fit in it on a
// loaded machine too.
func TestRequestTimeoutSetting(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	d := startDemo(t)
	w := startMCP(t, ctx, "", &lspext.Capabilities{Results: true}, withSettings(`{"mcpls": {"timeouts": {"request": 1}}}`))
	w.open(t, ctx, configText(d.url,
		`{ "server": "demo", "tool": "slow", "arguments": { "steps": 100, "intervalMs": 10000 } }`,
		`{ "server": "demo", "tool": "slow", "arguments": { "steps": 1, "intervalMs": 0 } }`))
	for _, tc := range []struct {
		name      string
		request   int
		wantOK    bool
		wantError string
	}{
		{"longer than the setting", 0, false, "timed out after 1s (mcpls.timeouts.request)"},
		{"shorter than the setting", 1, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := w.runRequest(ctx, lspext.CmdCallTool, tc.request)
			if err != nil {
				t.Fatal(err)
			}
			if res.OK != tc.wantOK || !strings.Contains(res.Error, tc.wantError) {
				t.Errorf("slow = ok %v, error %q; want ok %v, error %q", res.OK, res.Error, tc.wantOK, tc.wantError)
			}
		})
	}
}
