package lsp_test

// The build tag (the first two lines) goes once serverAuth is wired into
// the server: until then mcpls.connect does not use it.

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"mcpls/internal/demoserver"
	"mcpls/internal/oauthtest"
	"mcpls/server/lspext"
)

// TestAuthThroughConnect drives the whole editor flow through LSP:
// mcpls.connect meets a 401 and answers needsAuth, the notification's Sign
// in opens the authorize URL (window/showDocument, external), the test
// plays the browser, mcpls connects by itself (mcp/serverState says
// connected and signed in, tools listed), the token sits in the editor's
// secret store; mcpls.signOut revokes it.
func TestAuthThroughConnect(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	auth := demoserver.NewAuth(demoserver.AuthOptions{})
	demo := demoserver.New(demoserver.Options{WrapHandler: auth.Wrap})
	ts := httptest.NewServer(demo.Handler())
	t.Cleanup(demo.Close)
	t.Cleanup(ts.Close)

	w := startMCP(t, ctx, "", &lspext.Capabilities{ServerState: true, Secrets: true})
	var mu sync.Mutex
	secrets := map[string]string{}
	asked := 0
	w.Answer(protocol.MethodWindowShowMessageRequest, func(context.Context, json.RawMessage) (any, error) {
		mu.Lock()
		asked++
		mu.Unlock()
		return &protocol.MessageActionItem{Title: "Sign in"}, nil
	})
	w.Answer(protocol.MethodWindowShowDocument, func(_ context.Context, raw json.RawMessage) (any, error) {
		var p struct {
			URI      string `json:"uri"`
			External bool   `json:"external"`
		}
		if err := json.Unmarshal(raw, &p); err != nil || !p.External {
			t.Errorf("showDocument %s: want an external URL (%v)", raw, err)
		}
		go func() {
			if err := oauthtest.Follow(ctx, p.URI, nil); err != nil {
				t.Errorf("playing the browser: %v", err)
			}
		}()
		return &protocol.ShowDocumentResult{Success: true}, nil
	})
	w.Answer(lspext.MethodSecretGet, func(_ context.Context, raw json.RawMessage) (any, error) {
		var k lspext.SecretKey
		_ = json.Unmarshal(raw, &k)
		mu.Lock()
		defer mu.Unlock()
		if v, ok := secrets[k.Key]; ok {
			return lspext.SecretValue{Key: k.Key, Value: &v}, nil
		}
		return lspext.SecretValue{Key: k.Key}, nil
	})
	w.Answer(lspext.MethodSecretStore, func(_ context.Context, raw json.RawMessage) (any, error) {
		var v lspext.SecretValue
		_ = json.Unmarshal(raw, &v)
		mu.Lock()
		secrets[v.Key] = *v.Value
		mu.Unlock()
		return nil, nil
	})
	w.Answer(lspext.MethodSecretDelete, func(_ context.Context, raw json.RawMessage) (any, error) {
		var k lspext.SecretKey
		_ = json.Unmarshal(raw, &k)
		mu.Lock()
		delete(secrets, k.Key)
		mu.Unlock()
		return nil, nil
	})
	w.open(t, ctx, configText(ts.URL+demoserver.PathStreamable))

	if st := w.connect(t, ctx); st.State != lspext.StateNeedsAuth {
		t.Fatalf("connect: %s (%s), want needsAuth", st.State, st.Error)
	}
	_, err := w.AwaitNotification(ctx, lspext.MethodServerState, func(raw json.RawMessage) bool {
		var st lspext.ServerState
		return json.Unmarshal(raw, &st) == nil && st.State == lspext.StateConnected && st.Counts.Tools > 0 &&
			st.Auth != nil && st.Auth.Kind == "oauth" && st.Auth.SignedIn
	})
	if err != nil {
		for _, m := range []string{protocol.MethodWindowShowMessage, protocol.MethodWindowLogMessage, lspext.MethodServerState} {
			for _, n := range w.Notes(m) {
				t.Logf("%s %s", m, n)
			}
		}
		t.Fatal(err)
	}
	mu.Lock()
	var token string
	for _, v := range secrets {
		var rec struct{ AccessToken string }
		if json.Unmarshal([]byte(v), &rec) == nil && rec.AccessToken != "" {
			token = rec.AccessToken
		}
	}
	mu.Unlock()
	if token == "" {
		t.Fatal("no token in the editor's secret store")
	}
	var st lspext.ServerState
	if err := w.command(ctx, lspext.CmdSignOut, lspext.ServerArgs{URI: string(w.uri), Server: "demo"}, &st); err != nil {
		t.Fatal(err)
	}
	if st.State != lspext.StateDisconnected || st.Auth == nil || st.Auth.SignedIn {
		t.Errorf("after sign-out: %s %+v", st.State, st.Auth)
	}
	if !auth.Revoked(token) {
		t.Error("sign-out did not revoke the token")
	}
	mu.Lock()
	if asked != 1 {
		t.Errorf("the sign-in notification was shown %d times, want once", asked)
	}
	mu.Unlock()
	for _, n := range w.Notes(lspext.MethodServerState) {
		if strings.Contains(string(n), token) {
			t.Fatal("mcp/serverState carried the token")
		}
	}
}
