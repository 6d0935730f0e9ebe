package lsp

import (
	"container/list"
	"fmt"
	"slices"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"mcpls/internal/mcp"
)

// answered is a call that has ended with values.
func answered(key argKey, at time.Time, values ...string) *argCall {
	c := &argCall{key: key, done: make(chan struct{}), values: values, at: at}
	close(c.done)
	return c
}

// TestArgCache: answers are reused for argCacheTTL, at most argCacheMax
// are kept (least recently used out first), and a server's new session or
// catalog, or its going offline, drops its answers.
func TestArgCache(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a := &argCompleter{now: func() time.Time { return now }, gens: map[serverKey]argGen{},
		calls: map[argKey]*argCall{}, lru: list.New(), fields: map[argField]*argTicket{}}
	server := serverKey{"file:///w/.mcp.json", "demo"}
	gen := argGen{sess: &mcp.Session{}, cat: &mcp.Catalog{}}
	key := func(v string) argKey {
		return argKey{server: server, ref: mcp.CompletionRef{Type: "ref/prompt", Name: "greet"}, arg: "name", value: v, sessCat: gen}
	}
	hit := func(v string) bool { _, ok := a.cached(key(v)); return ok }

	a.addLocked(answered(key("a"), now, "alice"))
	if values, ok := a.cached(key("a")); !ok || !slices.Equal(values, []string{"alice"}) {
		t.Fatalf("fresh answer: %v, %v", values, ok)
	}
	now = now.Add(argCacheTTL + time.Second)
	if hit("a") {
		t.Error("an answer older than the TTL was reused")
	}

	for i := range argCacheMax + 10 {
		a.addLocked(answered(key(fmt.Sprint(i)), now))
		if i == 0 && !hit("0") { // used again: the most recent
			t.Fatal("answer 0 missing")
		}
	}
	if n := a.lru.Len(); n != argCacheMax || len(a.calls) != argCacheMax {
		t.Errorf("%d answers kept (%d in the map), want %d", n, len(a.calls), argCacheMax)
	}
	if hit("1") || !hit(fmt.Sprint(argCacheMax+9)) {
		t.Error("the least recently used answers were not the ones dropped")
	}

	gen = argGen{sess: gen.sess, cat: &mcp.Catalog{}} // list_changed or Resync
	if hit(fmt.Sprint(argCacheMax + 9)) {
		t.Error("an answer survived a new catalog")
	}
	if len(a.calls) != 0 {
		t.Errorf("%d answers of the old catalog kept", len(a.calls))
	}

	a.addLocked(answered(key("z"), now, "zed"))
	a.forget(server) // disconnected: its session and catalog are let go
	if len(a.calls) != 0 || len(a.gens) != 0 || a.lru.Len() != 0 {
		t.Errorf("after forget: %d answers, %d servers, %d in the LRU", len(a.calls), len(a.gens), a.lru.Len())
	}
}

func TestMergeItems(t *testing.T) {
	local := []protocol.CompletionItem{{Label: `"pirate"`}, {Label: "demo://readme"}}
	server := []protocol.CompletionItem{{Label: "pirate"}, {Label: "poetic"}, {Label: "poetic"}}
	var got []string
	for _, it := range mergeItems(local, server) {
		got = append(got, it.Label)
	}
	if want := []string{`"pirate"`, "demo://readme", "poetic"}; !slices.Equal(got, want) {
		t.Errorf("merged %v, want %v", got, want)
	}
}
