package requests

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"mcpls/internal/config"
	"mcpls/internal/mcp"
)

// uniqueCatalog returns a catalog of n tools whose schemas no other test
// uses (the cache of compiled schemas is process-wide).
func uniqueCatalog(t *testing.T, n int) *mcp.Catalog {
	cat := &mcp.Catalog{}
	for i := range n {
		schema := fmt.Sprintf(`{"type":"object","description":%q,"properties":{"n":{"type":"integer"}},"required":["n"]}`,
			fmt.Sprintf("%s tool %d", t.Name(), i))
		cat.Tools = append(cat.Tools, mcp.Tool{Name: fmt.Sprintf("tool_%d", i), InputSchema: json.RawMessage(schema)})
	}
	return cat
}

func TestIdenticalCatalogsShareCompiledSchemas(t *testing.T) {
	a, b := uniqueCatalog(t, 5), uniqueCatalog(t, 5)
	before := compilations.Load()
	text := []byte(`{"mcpServers": {"a": {"command": "a"}, "b": {"command": "b"}}, "requests": [
  {"server": "a", "tool": "tool_1", "arguments": {"n": "x"}},
  {"server": "b", "tool": "tool_1", "arguments": {"n": "y"}},
  {"server": "b", "tool": "tool_3", "arguments": {"n": 1}}
]}`)
	catalogs := func(name string) (*mcp.Catalog, time.Time, bool) {
		return map[string]*mcp.Catalog{"a": a, "b": b}[name], time.Time{}, true
	}
	diags := Diagnostics(config.Load("x.mcp.json", text), catalogs)
	if len(diags) != 2 {
		t.Fatalf("%d diagnostics, want the 2 wrong types: %+v", len(diags), diags)
	}
	if got := compilations.Load() - before; got != 2 {
		t.Errorf("%d compilations, want 2 (tool_1 once for both catalogs, tool_3)", got)
	}
	sa, errA := indexOf(a).tools["tool_1"].compiled()
	sb, errB := indexOf(b).tools["tool_1"].compiled()
	if errA != nil || errB != nil || sa == nil || sa != sb {
		t.Errorf("tool_1 of a and b: %p (%v), %p (%v); want one shared schema", sa, errA, sb, errB)
	}
}

func TestUnreferencedToolNeverCompiles(t *testing.T) {
	cat := uniqueCatalog(t, 3)
	before := compilations.Load()
	text := []byte(`{"mcpServers": {"a": {"command": "a"}}, "requests": [
  {"server": "a", "tool": "tool_0", "arguments": {"n": 1}}
]}`)
	catalogs := func(string) (*mcp.Catalog, time.Time, bool) { return cat, time.Time{}, true }
	if diags := Diagnostics(config.Load("x.mcp.json", text), catalogs); len(diags) != 0 {
		t.Fatalf("diagnostics %+v, want none", diags)
	}
	if got := compilations.Load() - before; got != 1 {
		t.Errorf("%d compilations, want 1 (tool_0 only)", got)
	}
	ix := indexOf(cat)
	for _, name := range []string{"tool_1", "tool_2"} {
		if ix.tools[name].schema != nil {
			t.Errorf("%s was compiled, but no request uses it", name)
		}
	}
}

func TestSchemaCacheConcurrentAndBounded(t *testing.T) {
	c := newSchemaCache(3)
	raw := []byte(`{"type":"object"}`)
	before := compilations.Load()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if s, err := c.get(raw); s == nil || err != nil {
				t.Errorf("get: %v, %v", s, err)
			}
		})
	}
	wg.Wait()
	if got := compilations.Load() - before; got != 1 {
		t.Errorf("%d compilations of one schema from 8 goroutines, want 1", got)
	}
	for i := range 5 {
		if _, err := c.get(fmt.Appendf(nil, `{"minimum":%d}`, i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.len(); n != 3 {
		t.Errorf("cache holds %d schemas, want its bound 3", n)
	}
	before = compilations.Load()
	if _, err := c.get(raw); err != nil { // evicted: compiled again
		t.Fatal(err)
	}
	if got := compilations.Load() - before; got != 1 {
		t.Errorf("%d compilations of an evicted schema, want 1", got)
	}
}

func TestPatternsGoLacks(t *testing.T) {
	cat := &mcp.Catalog{Tools: []mcp.Tool{{Name: "pick", InputSchema: json.RawMessage(
		`{"type":"object","properties":{"path":{"type":"string","pattern":"^[^\\u0000]+$"},"tag":{"type":"string","pattern":"^(?!v)"}}}`)}}}
	catalogs := func(string) (*mcp.Catalog, time.Time, bool) { return cat, time.Time{}, true }
	text := `{"mcpServers": {"a": {"command": "a"}}, "requests": [
  {"server": "a", "tool": "pick", "arguments": {"path": "", "tag": "v1"}}
]}`
	f := config.Load("x.mcp.json", []byte(text))
	diags := Diagnostics(f, catalogs)
	if len(diags) != 1 || diags[0].Code != CodeInvalidArguments || text[diags[0].Start:diags[0].End] != `""` {
		t.Fatalf("diagnostics %+v, want one invalid-arguments on the empty path", diags)
	}
	h, ok := Hover(f, strings.Index(text, `"pick"`)+1, catalogs)
	if !ok || !strings.Contains(h.Markdown, `Not checked: pattern "^(?!v)"`) {
		t.Errorf("hover %q, want it to name the pattern that is not checked", h.Markdown)
	}
}

// TestInternedCatalogsShareOneIndex: catalogs that share their arrays (as
// mcp.Intern makes identical ones do) share one index; a catalog over
// other arrays, or over part of the same one, gets its own.
func TestInternedCatalogsShareOneIndex(t *testing.T) {
	a := uniqueCatalog(t, 4)
	interned := func() *mcp.Catalog {
		c := mcp.Intern(mcp.Catalog{Tools: slices.Clone(a.Tools)})
		return &c
	}
	x, y := interned(), interned()
	if &x.Tools[0] != &y.Tools[0] {
		t.Fatal("mcp.Intern did not share the tools of identical catalogs")
	}
	if indexOf(x) != indexOf(y) {
		t.Error("two interned copies of one catalog have two indexes")
	}
	if indexOf(a) == indexOf(x) {
		t.Error("a catalog over other arrays shares an index with the interned copy")
	}
	part := &mcp.Catalog{Tools: x.Tools[:2]}
	if ix := indexOf(part); ix == indexOf(x) || len(ix.toolNames) != 2 {
		t.Errorf("the first 2 tools of a catalog got the index of all of it (%d names)", len(ix.toolNames))
	}
}
