package mcp_test

import (
	"encoding/json"
	"runtime"
	"testing"

	"mcpls/internal/mcp"
	"mcpls/internal/mcptest"
)

// decode returns a fresh copy of a catalog, as a second connection would.
func decode(t *testing.T, raw []byte) mcp.Catalog {
	t.Helper()
	var cat mcp.Catalog
	if err := json.Unmarshal(raw, &cat); err != nil {
		t.Fatalf("decoding catalog: %v", err)
	}
	return cat
}

func TestInternSharesIdenticalContent(t *testing.T) {
	raw := []byte(`{"serverInfo":{"name":"intern-unit","version":"1"},"protocolVersion":"2025-06-18",
		"capabilities":{"tools":{}},"tools":[{"name":"a","inputSchema":{"type":"object"}},{"name":"b"}],
		"prompts":[{"name":"p"}],"resources":[],"resourceTemplates":[]}`)
	first := mcp.Intern(decode(t, raw))
	tests := []struct {
		name  string
		edit  func(*mcp.Catalog)
		share bool
	}{
		{"identical", func(*mcp.Catalog) {}, true},
		{"other tool", func(c *mcp.Catalog) { c.Tools[1].Name = "c" }, false},
		{"other version", func(c *mcp.Catalog) { c.Server.Version = "2" }, false},
		{"other schema", func(c *mcp.Catalog) { c.Tools[0].InputSchema = json.RawMessage(`{"type":"string"}`) }, false},
		{"text moved to the next field", func(c *mcp.Catalog) { c.Tools[1].Name, c.Tools[1].Title = "", "b" }, false},
		{"prompt arguments", func(c *mcp.Catalog) {
			c.Prompts[0].Arguments = []mcp.PromptArgument{{Name: "x", Required: true}}
		}, false},
		{"a sized resource", func(c *mcp.Catalog) { c.Resources = []mcp.Resource{{URI: "u", Name: "n", Size: 3}} }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat := decode(t, raw)
			tt.edit(&cat)
			got := mcp.Intern(cat)
			if shared := &got.Tools[0] == &first.Tools[0]; shared != tt.share {
				t.Errorf("tools shared = %v, want %v", shared, tt.share)
			}
			if shared := &got.Prompts[0] == &first.Prompts[0]; shared != tt.share {
				t.Errorf("prompts shared = %v, want %v", shared, tt.share)
			}
		})
	}
	// Appending to an interned slice never writes into the shared array.
	grown := append(first.Tools, mcp.Tool{Name: "z"})
	if &grown[0] == &first.Tools[0] {
		t.Error("append wrote into the interned tools array")
	}
	runtime.KeepAlive(first)
}

func TestSessionsShareCatalogUntilFreed(t *testing.T) {
	// A tool count no other test uses, so the content is this test's own.
	opts := mcptest.Options{PageSize: 4, ExtraTools: 41}
	targets := []mcp.Target{
		httpTarget(mcptest.StartHTTP(t, mcptest.NewServer(opts)).URL),
		httpTarget(mcptest.StartHTTP(t, mcptest.NewServer(opts)).URL),
	}
	var key [32]byte
	func() {
		var sessions []*mcp.Session
		for _, target := range targets {
			s, err := mcp.Connect(testContext(t), target, &mcp.Options{})
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			sessions = append(sessions, s)
		}
		a, b := sessions[0].Catalog(), sessions[1].Catalog()
		if len(a.Tools) == 0 || &a.Tools[0] != &b.Tools[0] || &a.Prompts[0] != &b.Prompts[0] {
			t.Errorf("identical catalogs not shared: %d tools", len(a.Tools))
		}
		key = mcp.InternKey(a)
		if !mcp.HasInterned(key) {
			t.Error("catalog not in the intern table while in use")
		}
		for _, s := range sessions {
			s.Close()
		}
	}()
	runtime.GC()
	runtime.GC()
	if mcp.HasInterned(key) {
		t.Error("intern table still holds the catalog after both sessions closed")
	}
}
