package lsp

import (
	"encoding/json"
	"testing"

	"mcpls/internal/mcp"
)

func TestCatalogEncodingsReuseOnlyTheSameCatalog(t *testing.T) {
	tools := []mcp.Tool{{Name: "echo", InputSchema: json.RawMessage(`{"type":"object"}`)}}
	base := mcp.Catalog{Server: mcp.ServerInfo{Name: "s", Version: "1"}, ProtocolVersion: "2025-11-25", Tools: tools}
	var c catalogEncodings
	first := c.encode(&base)
	if want, _ := json.Marshal(&base); string(first) != string(want) {
		t.Fatalf("encode = %s, want %s", first, want)
	}
	copied := base // another server's entry holding the same interned arrays
	for _, tc := range []struct {
		name  string
		cat   mcp.Catalog
		reuse bool
	}{
		{"same arrays", copied, true},
		{"other version", mcp.Catalog{Server: mcp.ServerInfo{Name: "s", Version: "2"}, ProtocolVersion: "2025-11-25", Tools: tools}, false},
		{"equal tools in another array", mcp.Catalog{Server: base.Server, ProtocolVersion: base.ProtocolVersion,
			Tools: []mcp.Tool{{Name: "echo", InputSchema: json.RawMessage(`{"type":"object"}`)}}}, false},
		{"fewer tools", mcp.Catalog{Server: base.Server, ProtocolVersion: base.ProtocolVersion, Tools: tools[:0]}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := c.encode(&tc.cat)
			if reused := &got[0] == &first[0]; reused != tc.reuse {
				t.Errorf("reused = %v, want %v", reused, tc.reuse)
			}
			if want, _ := json.Marshal(&tc.cat); string(got) != string(want) {
				t.Errorf("encode = %s, want %s", got, want)
			}
		})
	}
}
