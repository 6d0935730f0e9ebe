package oauth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mcpls/internal/cache"
	"mcpls/internal/console"
	"mcpls/internal/demoserver"
	"mcpls/internal/mcp"
	"mcpls/internal/oauth"
	"mcpls/internal/oauthtest"
)

// recordingStore remembers every secret that passed through Put.
type recordingStore struct {
	oauth.Store
	mu      sync.Mutex
	secrets []string
}

func (s *recordingStore) Put(ctx context.Context, r *oauth.Record) error {
	s.mu.Lock()
	for _, v := range []string{r.AccessToken, r.RefreshToken, r.ClientSecret} {
		if v != "" {
			s.secrets = append(s.secrets, v)
		}
	}
	s.mu.Unlock()
	return s.Store.Put(ctx, r)
}

// syncBuffer is a log destination written from server goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestNoTokenLeaks runs a whole signed-in session (sign-in, list, call,
// refresh, a failure, sign-out) and searches every console event, the
// server's log, the catalog cache and every error text for the secrets the
// flow handled: none may appear. The token files hold them, 0600.
func TestNoTokenLeaks(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	var logs syncBuffer
	serverClock, clientClock := newClock(), newClock()
	auth := demoserver.NewAuth(demoserver.AuthOptions{TokenTTL: 30 * time.Second, Now: serverClock.Now})
	d := startDemo(t, auth, demoserver.Options{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})

	tokenDir := filepath.Join(t.TempDir(), "tokens")
	store := &recordingStore{Store: &oauth.FileStore{Dir: tokenDir}}
	var rec console.Recorder
	var masker console.Masker
	sink := masker.Sink(&rec)
	a := oauth.New(d.url, oauth.Config{}, oauth.Options{Server: "demo", UI: &oauthtest.Browser{}, Store: store, Console: sink, Masker: &masker, Now: clientClock.Now})
	var errTexts []string

	s := connect(t, ctx, d, a, sink)
	callEcho(t, ctx, s)
	serverClock.Advance(time.Minute) // the server expires the token first: 401, refresh
	callEcho(t, ctx, s)
	serverClock.Advance(time.Minute)
	clientClock.Advance(2 * time.Minute) // refresh before sending
	callEcho(t, ctx, s)
	if _, err := s.CallTool(ctx, "fail", json.RawMessage(`{}`), nil); err != nil {
		errTexts = append(errTexts, err.Error())
	}

	c, err := cache.New(&cache.Options{Dir: filepath.Join(t.TempDir(), "catalogs")})
	if err != nil {
		t.Fatal(err)
	}
	catalog, _ := json.Marshal(s.Catalog())
	key := cache.Key{Name: "demo", Target: cache.URLTarget(d.url)}
	if err := c.Store(key, catalog); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := a.SignOut(ctx); err != nil {
		t.Fatalf("SignOut: %v", err)
	}

	// A second client that may not ask the user fails with a clear error.
	refused := oauth.New(d.url, oauth.Config{}, oauth.Options{Store: store, Console: sink, Masker: &masker})
	_, err = mcp.Connect(ctx, mcp.Target{Name: "demo", URL: d.url}, &mcp.Options{HTTPClient: refused.Client(nil), Console: sink})
	if err == nil {
		t.Fatal("connected without a token and without a UI")
	}
	errTexts = append(errTexts, err.Error(), refused.LastError().Error(), refused.Status(ctx).LastErr)
	if err := c.MarkError(key, err); err != nil {
		t.Fatal(err)
	}

	secrets := store.secrets
	if len(secrets) < 5 {
		t.Fatalf("only %d secrets recorded; the session did not refresh", len(secrets))
	}
	var hay []string
	for _, e := range rec.Events() {
		b, _ := json.Marshal(e)
		hay = append(hay, "event: "+string(b))
	}
	hay = append(hay, "server log: "+logs.String())
	for _, text := range errTexts {
		hay = append(hay, "error: "+text)
	}
	hay = append(hay, filesUnder(t, c.Dir())...)
	for _, h := range hay {
		for _, secret := range secrets {
			if strings.Contains(h, secret) {
				t.Errorf("a secret (%.6s...) leaked into %.200s", secret, h)
			}
		}
	}
	checkTokenFiles(t, tokenDir)
}

func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, de os.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		out = append(out, "file "+path+": "+string(b))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("no files under %s", dir)
	}
	return out
}

// checkTokenFiles: the directory is 0700 and each file 0600.
func checkTokenFiles(t *testing.T, dir string) {
	t.Helper()
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("token dir mode %v, want 0700", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		info, _ := e.Info()
		if info.Mode().Perm() != 0o600 {
			t.Errorf("token file %s mode %v, want 0600", e.Name(), info.Mode().Perm())
		}
	}
}
