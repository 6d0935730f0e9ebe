package requests

import (
	"container/list"
	"crypto/sha256"
	"encoding/json"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"mcpls/internal/mcp"
	"mcpls/internal/schema"
)

// index is what the features look up in one catalog, built once per
// catalog identity. A tool's schema compiles only when a feature first
// asks for it, and is shared with every catalog serving the same bytes.
type index struct {
	tools       map[string]*toolEntry
	toolNames   []string
	prompts     map[string]*mcp.Prompt
	promptNames []string
	resources   map[string]*mcp.Resource
	uris        []string
	templates   []*template
	names       nameItems // the completion items of the targets (complete.go)
}

type toolEntry struct {
	tool   *mcp.Tool
	once   sync.Once
	schema *schema.Schema
	err    error
}

// compiled returns the tool's compiled inputSchema; nil, nil when the tool
// has none. It compiles on first use only, through the process-wide cache
// of compiled schemas.
func (t *toolEntry) compiled() (*schema.Schema, error) {
	t.once.Do(func() {
		if len(t.tool.InputSchema) == 0 {
			return
		}
		t.schema, t.err = compiledSchemas.get(t.tool.InputSchema)
	})
	return t.schema, t.err
}

// maxSchemas bounds the compiled schemas kept by content. An evicted one
// stays alive as long as a tool entry holds it; a later catalog compiles
// it again.
const maxSchemas = 2048

// compiledSchemas interns compiled inputSchemas by the SHA-256 of their
// bytes, shared by every catalog: 200 servers serving the same tools
// compile each schema once.
var compiledSchemas = newSchemaCache(maxSchemas)

// compilations counts schema.Compile calls, for tests.
var compilations atomic.Int64

// schemaCache is a bounded LRU of compiled schemas by content hash, safe
// for concurrent use. Concurrent requests for one schema compile it once.
type schemaCache struct {
	mu    sync.Mutex
	max   int
	m     map[[sha256.Size]byte]*list.Element
	order *list.List // of *cachedSchema, most recently used first
}

type cachedSchema struct {
	key    [sha256.Size]byte
	once   sync.Once
	schema *schema.Schema
	err    error
}

func newSchemaCache(max int) *schemaCache {
	return &schemaCache{max: max, m: map[[sha256.Size]byte]*list.Element{}, order: list.New()}
}

// get returns the compiled schema of raw, compiling it on first use.
func (c *schemaCache) get(raw []byte) (*schema.Schema, error) {
	e := c.entry(sha256.Sum256(raw))
	e.once.Do(func() {
		compilations.Add(1)
		e.schema, e.err = schema.Compile(raw)
	})
	return e.schema, e.err
}

// entry finds or adds the entry of key, dropping the least recently used
// one when full.
func (c *schemaCache) entry(key [sha256.Size]byte) *cachedSchema {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[key]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*cachedSchema)
	}
	if c.order.Len() >= c.max {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.m, oldest.Value.(*cachedSchema).key)
	}
	e := &cachedSchema{key: key}
	c.m[key] = c.order.PushFront(e)
	return e
}

// len returns the number of schemas held.
func (c *schemaCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// maxIndexes bounds the catalogs whose index is kept: one per distinct
// catalog of the open documents' servers, plus the ones just replaced.
const maxIndexes = 64

// catalogID identifies what an index is built from: the backing arrays of
// a catalog's tools, prompts, resources and templates. Catalogs are
// immutable, and identical ones share these arrays (mcp.Intern), so 200
// servers serving the same catalog share one index, one set of compiled
// schemas and one set of completion items.
type catalogID struct {
	tools      *mcp.Tool
	prompts    *mcp.Prompt
	resources  *mcp.Resource
	templates  *mcp.ResourceTemplate
	nTools     int
	nPrompts   int
	nResources int
	nTemplates int
}

func idOf(cat *mcp.Catalog) catalogID {
	return catalogID{
		tools: first(cat.Tools), prompts: first(cat.Prompts),
		resources: first(cat.Resources), templates: first(cat.Templates),
		nTools: len(cat.Tools), nPrompts: len(cat.Prompts),
		nResources: len(cat.Resources), nTemplates: len(cat.Templates),
	}
}

// first points at s's first element, nil when s is empty.
func first[T any](s []T) *T {
	if len(s) == 0 {
		return nil
	}
	return &s[0]
}

// indexes caches the index of recent catalogs by catalogID, oldest first
// out. A key holds its arrays alive, so they are never reused for another
// catalog while its entry exists.
var indexes = struct {
	sync.Mutex
	m     map[catalogID]*index
	order []catalogID
}{m: map[catalogID]*index{}}

// indexOf returns the index of cat, building it on first use.
func indexOf(cat *mcp.Catalog) *index {
	id := idOf(cat)
	indexes.Lock()
	defer indexes.Unlock()
	if ix, ok := indexes.m[id]; ok {
		return ix
	}
	ix := buildIndex(cat)
	if len(indexes.order) >= maxIndexes {
		delete(indexes.m, indexes.order[0])
		indexes.order = indexes.order[1:]
	}
	indexes.m[id] = ix
	indexes.order = append(indexes.order, id)
	return ix
}

func buildIndex(cat *mcp.Catalog) *index {
	ix := &index{
		tools:     make(map[string]*toolEntry, len(cat.Tools)),
		prompts:   make(map[string]*mcp.Prompt, len(cat.Prompts)),
		resources: make(map[string]*mcp.Resource, len(cat.Resources)),
	}
	for i := range cat.Tools {
		t := &cat.Tools[i]
		if _, dup := ix.tools[t.Name]; !dup {
			ix.tools[t.Name] = &toolEntry{tool: t}
			ix.toolNames = append(ix.toolNames, t.Name)
		}
	}
	for i := range cat.Prompts {
		p := &cat.Prompts[i]
		if _, dup := ix.prompts[p.Name]; !dup {
			ix.prompts[p.Name] = p
			ix.promptNames = append(ix.promptNames, p.Name)
		}
	}
	for i := range cat.Resources {
		r := &cat.Resources[i]
		if _, dup := ix.resources[r.URI]; !dup {
			ix.resources[r.URI] = r
			ix.uris = append(ix.uris, r.URI)
		}
	}
	for i := range cat.Templates {
		ix.templates = append(ix.templates, parseTemplate(&cat.Templates[i]))
	}
	return ix
}

// template is a resource template with what matching needs.
type template struct {
	rt   *mcp.ResourceTemplate
	vars []string
	re   *regexp.Regexp // nil when the template cannot be matched
}

// exprRE finds the expressions of an RFC 6570 URI template.
var exprRE = regexp.MustCompile(`\{([+#./;?&]?)([^}]*)\}`)

// parseTemplate reads the variables of a template and builds a matcher for
// URIs that expand it. Level-1 expressions ({var}) match one path segment;
// reserved expansions ({+var}, {#var}) match anything; the query forms
// ({?a,b}, {&a}) match the rest of the URI.
func parseTemplate(rt *mcp.ResourceTemplate) *template {
	t := &template{rt: rt}
	var pat strings.Builder
	pat.WriteString("^")
	last := 0
	for _, m := range exprRE.FindAllStringSubmatchIndex(rt.URITemplate, -1) {
		pat.WriteString(regexp.QuoteMeta(rt.URITemplate[last:m[0]]))
		last = m[1]
		op := rt.URITemplate[m[2]:m[3]]
		for _, v := range strings.Split(rt.URITemplate[m[4]:m[5]], ",") {
			v = strings.TrimSuffix(strings.TrimSpace(v), "*")
			if i := strings.IndexByte(v, ':'); i >= 0 {
				v = v[:i]
			}
			if v != "" {
				t.vars = append(t.vars, v)
			}
		}
		pat.WriteString(exprPattern(op))
	}
	pat.WriteString(regexp.QuoteMeta(rt.URITemplate[last:]))
	pat.WriteString("$")
	t.re, _ = regexp.Compile(pat.String())
	return t
}

func exprPattern(op string) string {
	switch op {
	case "+", "#":
		return `(.*)`
	case "?", "&":
		return `([?&].*)?`
	case ".", "/", ";":
		return `((?:[` + regexp.QuoteMeta(op) + `][^/?#]*)*)`
	}
	return `([^/?#]+)`
}

// matches reports whether uri expands t.
func (t *template) matches(uri string) bool {
	return t.re != nil && t.re.MatchString(uri)
}

// annotations are a tool's behaviour hints.
type annotations struct {
	Title           string `json:"title"`
	ReadOnlyHint    *bool  `json:"readOnlyHint"`
	DestructiveHint *bool  `json:"destructiveHint"`
	IdempotentHint  *bool  `json:"idempotentHint"`
	OpenWorldHint   *bool  `json:"openWorldHint"`
}

func annotationsOf(t *mcp.Tool) annotations {
	var a annotations
	if len(t.Annotations) > 0 {
		_ = json.Unmarshal(t.Annotations, &a) // hints are advisory: a malformed object shows none
	}
	return a
}
