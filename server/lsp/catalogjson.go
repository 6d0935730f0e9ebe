package lsp

import (
	"encoding/json"
	"sync"

	"mcpls/internal/mcp"
)

// catalogEncodings encodes catalogs for the editor (mcp/serverState and
// the server commands' results). A workspace that connects sends each
// server's state several times (announced, cached catalog, connecting,
// connected), and identical servers share one interned catalog: the last
// few encodings are kept, so that a catalog of hundreds of tools is encoded
// once, not once per server and per state.
//
// An entry keeps its catalog too: while it is held its arrays cannot be
// freed, so an equal key can never be a new catalog at an old address.
type catalogEncodings struct {
	mu     sync.Mutex
	recent [4]catalogEncoding
	next   int
}

type catalogEncoding struct {
	cat mcp.Catalog
	raw json.RawMessage
}

// encode returns cat's JSON, reused when cat is one of the recent ones.
// The result is shared: callers must not modify it.
func (c *catalogEncodings) encode(cat *mcp.Catalog) json.RawMessage {
	c.mu.Lock()
	for i := range c.recent {
		if e := &c.recent[i]; e.raw != nil && sameCatalog(&e.cat, cat) {
			c.mu.Unlock()
			return e.raw
		}
	}
	c.mu.Unlock()
	raw, err := json.Marshal(cat)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	c.recent[c.next] = catalogEncoding{cat: *cat, raw: raw}
	c.next = (c.next + 1) % len(c.recent)
	c.mu.Unlock()
	return raw
}

// sameCatalog reports whether a and b are the same catalog: equal header
// fields and the same backing arrays (catalogs are never modified once
// published, and interning makes identical ones share their arrays).
func sameCatalog(a, b *mcp.Catalog) bool {
	return a.Server == b.Server && a.ProtocolVersion == b.ProtocolVersion && a.Instructions == b.Instructions &&
		sameArray(a.Capabilities, b.Capabilities) && sameArray(a.Tools, b.Tools) && sameArray(a.Prompts, b.Prompts) &&
		sameArray(a.Resources, b.Resources) && sameArray(a.Templates, b.Templates)
}

// sameArray reports whether a and b are the same slice of the same array.
func sameArray[S ~[]E, E any](a, b S) bool {
	if len(a) != len(b) {
		return false
	}
	return len(a) == 0 || &a[0] == &b[0]
}
