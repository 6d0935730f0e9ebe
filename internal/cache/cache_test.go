package cache

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var at = time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC)

func newCache(t *testing.T) *Cache {
	t.Helper()
	c, err := New(&Options{Dir: filepath.Join(t.TempDir(), "catalogs"), Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRoundTrip(t *testing.T) {
	c := newCache(t)
	key := Key{Name: "everything", Target: URLTarget("http://127.0.0.1:3001/mcp")}
	if _, err := c.Load(key); !errors.Is(err, ErrNotCached) {
		t.Fatalf("Load before Store: err = %v, want ErrNotCached", err)
	}
	catalog := json.RawMessage(`{"tools":[{"name":"add","description":"a<b & c>d"}]}`)
	if err := c.Store(key, catalog); err != nil {
		t.Fatal(err)
	}
	got, err := c.Load(key)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Entry{Catalog: catalog, CachedAt: at}, got); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}

	if err := c.MarkError(key, errors.New("dial tcp: connection refused; url http://h/?token=t0k")); err != nil {
		t.Fatal(err)
	}
	got, _ = c.Load(key)
	if want := "dial tcp: connection refused; url http://h/?token=REDACTED"; got.Error != want || got.CachedAt != at || string(got.Catalog) != string(catalog) {
		t.Errorf("after MarkError: %+v, want error %q and the catalog kept", got, want)
	}
	if err := c.Store(key, catalog); err != nil {
		t.Fatal(err)
	}
	if got, _ = c.Load(key); got.Error != "" {
		t.Errorf("Store did not clear the error: %q", got.Error)
	}

	if err := c.Delete(key); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Load(key); !errors.Is(err, ErrNotCached) {
		t.Errorf("Load after Delete: err = %v, want ErrNotCached", err)
	}
	if err := c.Delete(key); err != nil {
		t.Errorf("Delete of an absent entry: %v", err)
	}
	if err := c.MarkError(key, errors.New("x")); !errors.Is(err, ErrNotCached) {
		t.Errorf("MarkError without entry: err = %v, want ErrNotCached", err)
	}
}

func TestStoreRejectsInvalidCatalog(t *testing.T) {
	c := newCache(t)
	if err := c.Store(Key{Name: "s"}, json.RawMessage(`{"tools":`)); err == nil {
		t.Errorf("Store accepted invalid JSON")
	}
}

func TestPermissions(t *testing.T) {
	c := newCache(t)
	key := Key{Name: "s", Target: "t"}
	if err := c.Store(key, json.RawMessage(`{}`)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want os.FileMode
	}{
		{c.Dir(), 0o700 | os.ModeDir},
		{c.Path(key), 0o600},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			info, err := os.Stat(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode() != tt.want {
				t.Errorf("mode of %s = %v, want %v", tt.path, info.Mode(), tt.want)
			}
		})
	}
	entries, _ := os.ReadDir(c.Dir())
	if len(entries) != 1 {
		t.Errorf("cache dir holds %d files, want 1 (no temporary file left)", len(entries))
	}
}

func TestKeysMiss(t *testing.T) {
	c := newCache(t)
	stored := Key{Name: "gh", Target: URLTarget("https://api.example.com/mcp?token=one")}
	if err := c.Store(stored, json.RawMessage(`{"tools":[]}`)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		key  Key
		hit  bool
	}{
		{"same key", stored, true},
		{"same key, another token in the URL", Key{Name: "gh", Target: URLTarget("https://api.example.com/mcp?token=two")}, true},
		{"same URL without the token", Key{Name: "gh", Target: URLTarget("https://api.example.com/mcp")}, false},
		{"different target", Key{Name: "gh", Target: URLTarget("https://other.example.com/mcp")}, false},
		{"renamed server", Key{Name: "github", Target: stored.Target}, false},
		{"stdio target", Key{Name: "gh", Target: CommandTarget("npx", []string{"server"})}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Load(tt.key)
			if hit := err == nil; hit != tt.hit {
				t.Errorf("Load(%+v): err = %v, want hit %v", tt.key, err, tt.hit)
			}
			if err != nil && !errors.Is(err, ErrNotCached) {
				t.Errorf("a miss should wrap ErrNotCached: %v", err)
			}
		})
	}
}

// TestForeignFileAtKeyPath simulates a hash collision or a stale file: the
// file at the key's path names another server, and must not be served.
func TestForeignFileAtKeyPath(t *testing.T) {
	c := newCache(t)
	mine, theirs := Key{Name: "a", Target: "x"}, Key{Name: "b", Target: "y"}
	if err := c.Store(theirs, json.RawMessage(`{"secret":"not yours"}`)); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(c.Path(theirs), c.Path(mine)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Load(mine); !errors.Is(err, ErrNotCached) || !strings.Contains(err.Error(), "another server") {
		t.Errorf("Load of a foreign file: err = %v, want ErrNotCached (another server)", err)
	}
}

func TestCorruptFileIgnoredThenRewritten(t *testing.T) {
	tests := []struct{ name, content, reason string }{
		{"truncated", `{"format":"mcpls-catalog","version":1,"name":"s"`, "corrupt"},
		{"binary", "\x00\x01\x02", "corrupt"},
		{"empty", "", "corrupt"},
		{"foreign JSON", `{"hello":"world"}`, "another format"},
		{"future version", `{"format":"mcpls-catalog","version":99,"name":"s","target":"t","catalog":{}}`, "another format"},
		{"no catalog", `{"format":"mcpls-catalog","version":1,"name":"s","target":"t"}`, "no catalog"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCache(t)
			key := Key{Name: "s", Target: "t"}
			if err := os.MkdirAll(c.Dir(), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(c.Path(key), []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := c.Load(key)
			if !errors.Is(err, ErrNotCached) || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("Load of a %s file: err = %v, want ErrNotCached (%s)", tt.name, err, tt.reason)
			}
			if err := c.Store(key, json.RawMessage(`{"tools":[]}`)); err != nil {
				t.Fatalf("Store over a %s file: %v", tt.name, err)
			}
			if got, err := c.Load(key); err != nil || string(got.Catalog) != `{"tools":[]}` {
				t.Errorf("Load after rewrite = %s, %v", got.Catalog, err)
			}
		})
	}
}

// TestConcurrentStore stores one key from many goroutines through four
// Cache values sharing a directory, as several mcpls processes would: the
// in-process lock does not order them, only the atomic rename does.
func TestConcurrentStore(t *testing.T) {
	c := newCache(t)
	caches := []*Cache{c}
	for range 3 {
		other, err := New(&Options{Dir: c.Dir()})
		if err != nil {
			t.Fatal(err)
		}
		caches = append(caches, other)
	}
	key := Key{Name: "s", Target: "t"}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := caches[i%len(caches)]
			catalog := fmt.Sprintf(`{"writer":%d,"tools":[%s]}`, i, strings.Repeat(`{"name":"tool"},`, 500)+`{}`)
			if err := c.Store(key, json.RawMessage(catalog)); err != nil {
				t.Error(err)
			}
			if _, err := c.Load(key); err != nil {
				t.Errorf("Load during concurrent Stores: %v", err)
			}
		}()
	}
	wg.Wait()
	got, err := c.Load(key)
	if err != nil {
		t.Fatal(err)
	}
	var catalog struct {
		Writer int              `json:"writer"`
		Tools  []map[string]any `json:"tools"`
	}
	if err := json.Unmarshal(got.Catalog, &catalog); err != nil || len(catalog.Tools) != 501 {
		t.Errorf("final catalog: %d tools, err %v", len(catalog.Tools), err)
	}
	entries, _ := os.ReadDir(c.Dir())
	if len(entries) != 1 {
		t.Errorf("cache dir holds %d files, want 1", len(entries))
	}
}

func TestTargetsAreRedacted(t *testing.T) {
	c := newCache(t)
	tests := []struct {
		name   string
		key    Key
		secret string
	}{
		{"url token", Key{Name: "u", Target: "https://h.test/mcp?api_key=sk-live-123"}, "sk-live-123"},
		{"url password", Key{Name: "p", Target: URLTarget("https://bob:hunter22@h.test/")}, "hunter22"},
		{"command argument", Key{Name: "c", Target: CommandTarget("server", []string{"--token=ghp_abc123", "--port", "1"})}, "ghp_abc123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := c.Store(tt.key, json.RawMessage(`{}`)); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(c.Path(tt.key))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(data), tt.secret) {
				t.Errorf("cache file holds the secret: %s", data)
			}
			if _, err := c.Load(tt.key); err != nil {
				t.Errorf("Load with the same unredacted key: %v", err)
			}
		})
	}
}

func TestDir(t *testing.T) {
	t.Run("option wins", func(t *testing.T) {
		t.Setenv(EnvDir, "/from/env")
		c, err := New(&Options{Dir: "/from/option"})
		if err != nil || c.Dir() != "/from/option" {
			t.Errorf("Dir = %q, %v", c.Dir(), err)
		}
	})
	t.Run("environment", func(t *testing.T) {
		t.Setenv(EnvDir, "/from/env")
		c, err := New(nil)
		if err != nil || c.Dir() != "/from/env" {
			t.Errorf("Dir = %q, %v", c.Dir(), err)
		}
	})
	t.Run("user cache dir", func(t *testing.T) {
		t.Setenv(EnvDir, "")
		t.Setenv("XDG_CACHE_HOME", "/xdg")
		c, err := New(nil)
		if err != nil || c.Dir() != "/xdg/mcpls/catalogs" {
			t.Errorf("Dir = %q, %v", c.Dir(), err)
		}
	})
}

func TestFileName(t *testing.T) {
	tests := []struct {
		name, prefix string
	}{
		{"everything", "everything-"},
		{"my server/../x", "my_server____x-"},
		{"", "server-"},
		{strings.Repeat("a", 50), strings.Repeat("a", 32) + "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Key{Name: tt.name, Target: "t"}.fileName()
			if !strings.HasPrefix(got, tt.prefix) || !strings.HasSuffix(got, ".json") || strings.ContainsAny(got, `/\`) {
				t.Errorf("fileName = %q, want prefix %q", got, tt.prefix)
			}
		})
	}
}
