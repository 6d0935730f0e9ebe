package requests

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"mcpls/internal/complete"
	"mcpls/internal/config"
	"mcpls/internal/jsonc"
	"mcpls/internal/mcp"
	"mcpls/internal/schema"
)

// Complete returns the completion items at offset that come from the
// catalog of the request's server: the value of "tool", "prompt" or
// "resource", and the keys and values inside "arguments". Everywhere else
// it returns nothing (package complete covers the config keys and the
// file's own values).
func Complete(f *config.File, offset int, catalogs Catalogs) []complete.Item {
	c, ok := newCursor(f, offset, catalogs)
	if !ok {
		return nil
	}
	if c.loc.Container == c.r.Node {
		return c.targets()
	}
	if c.args == nil {
		return nil
	}
	switch {
	case c.loc.InKey:
		return c.argumentKeys()
	case c.loc.InValue:
		return c.argumentValues()
	}
	return nil
}

// cursor is what completion and hover learn about an offset inside a
// request.
type cursor struct {
	f          *config.File
	text       []byte
	offset     int
	r          *config.Request
	loc        jsonc.Location
	ix         *index
	args       []string // pointer tokens below "arguments"; nil outside arguments
	start, end int      // the range an item replaces
}

func newCursor(f *config.File, offset int, catalogs Catalogs) (*cursor, bool) {
	if f == nil || f.Doc == nil || catalogs == nil || offset < 0 || offset > len(f.Doc.Text) {
		return nil, false
	}
	r := requestAt(f, offset)
	if r == nil || !r.Server.Set {
		return nil, false
	}
	cat, _, ok := catalogs(r.Server.Value)
	if !ok || cat == nil {
		return nil, false
	}
	c := &cursor{f: f, text: f.Doc.Text, offset: offset, r: r, loc: f.Doc.Locate(offset), ix: indexOf(cat)}
	if c.loc.Container == nil {
		return nil, false
	}
	c.args = argumentsPath(c.loc.Path)
	c.start, c.end = c.loc.Start, c.tokenEnd()
	return c, true
}

// argumentsPath returns the pointer tokens of a container path below a
// request's "arguments" (empty, not nil, for arguments itself), nil when
// the path is not inside one.
func argumentsPath(path []jsonc.PathSeg) []string {
	if len(path) < 3 || path[0].Key != "requests" || path[1].Index < 0 || path[2].Key != "arguments" || path[2].Index >= 0 {
		return nil
	}
	toks := make([]string, 0, len(path)-3)
	for _, s := range path[3:] {
		if s.Index >= 0 {
			toks = append(toks, strconv.Itoa(s.Index))
		} else {
			toks = append(toks, s.Key)
		}
	}
	return toks
}

// tokenEnd is the end of the range to replace: an unclosed string stops at
// the end of the word under the cursor, not at the end of its line.
func (c *cursor) tokenEnd() int {
	n := c.loc.Node
	if n == nil || n.Kind != jsonc.String || n.Closed || c.loc.End <= c.offset {
		return c.loc.End
	}
	i := c.offset
	for i < c.loc.End && !strings.ContainsRune("\",}] \t\r\n", rune(c.text[i])) {
		i++
	}
	return i
}

// quoted reports whether the token being replaced starts with a quote.
func (c *cursor) quoted() bool {
	return c.start < len(c.text) && c.start < c.end && c.text[c.start] == '"'
}

// afterClosedString reports an offset just past a closed string, where
// nothing can be completed.
func (c *cursor) afterClosedString() bool {
	return c.loc.Node == nil && c.offset > 0 && c.text[c.offset-1] == '"'
}

func (c *cursor) item(label string, kind complete.ItemKind, insert string, snippet bool, order int) complete.Item {
	it := complete.Item{Label: label, Kind: kind, InsertText: insert, Snippet: snippet,
		Start: c.start, End: c.end, FilterText: label, SortText: fmt.Sprintf("%05d", order)}
	if c.quoted() {
		it.FilterText = `"` + label + `"`
	}
	return it
}

// targets completes the value of "tool", "prompt" or "resource".
func (c *cursor) targets() []complete.Item {
	n, ok := c.names()
	if !ok {
		return nil
	}
	return n.Items()
}

// names returns the catalog's names for the target whose value the cursor
// is in; ok false elsewhere, or when the catalog has none.
func (c *cursor) names() (Names, bool) {
	p := c.loc.Prop
	if !c.loc.InValue || p == nil || (p.Value != nil && c.loc.Node == nil) || c.afterClosedString() {
		return Names{}, false
	}
	set := c.ix.targetSet(p.Key.Value)
	if set == nil || len(set.items) == 0 {
		return Names{}, false
	}
	return Names{set: set, Start: c.start, End: c.end, Quoted: c.quoted()}, true
}

// CompleteNames returns the names Complete would list at offset when the
// cursor is in the value of a request's "tool", "prompt" or "resource":
// the catalog's shared items and the cursor's part apart, for a caller
// that derives something per catalog from them (the LSP layer keeps them
// encoded). ok is false everywhere else, and where the catalog has none.
func CompleteNames(f *config.File, offset int, catalogs Catalogs) (Names, bool) {
	c, ok := newCursor(f, offset, catalogs)
	if !ok || c.loc.Container != c.r.Node {
		return Names{}, false
	}
	return c.names()
}

// CatalogNames returns the Names of each kind of target cat offers, at no
// cursor: for a caller that prepares what it derives from them (see
// Memo) before a completion asks.
func CatalogNames(cat *mcp.Catalog) []Names {
	ix := indexOf(cat)
	var out []Names
	for _, kind := range []string{config.RequestTool, config.RequestPrompt, config.RequestResource} {
		if set := ix.targetSet(kind); set != nil && len(set.items) > 0 {
			out = append(out, Names{set: set})
		}
	}
	return out
}

// Names are the items of a catalog's targets of one kind completed at a
// cursor. The items are shared by every completion on the catalog; only
// the range they replace and their filter text depend on the cursor.
type Names struct {
	set        *targetItems
	Start, End int  // the byte range every item replaces
	Quoted     bool // the token starts with a quote: the filter texts are QuotedFilter's
}

// Shared returns the items without their range, with the FilterText of an
// unquoted token. They are shared: read-only.
func (n Names) Shared() []complete.Item { return n.set.items }

// QuotedFilter returns the FilterText of item i for a token that starts
// with a quote.
func (n Names) QuotedFilter(i int) string { return n.set.quoted[i] }

// Items returns copies of the items placed at the cursor, as Complete
// lists them.
func (n Names) Items() []complete.Item {
	items := slices.Clone(n.set.items)
	for i := range items {
		items[i].Start, items[i].End = n.Start, n.End
		if n.Quoted {
			items[i].FilterText = n.set.quoted[i]
		}
	}
	return items
}

// Memo returns what build made from these items, calling build once per
// catalog and kind of target and keeping the result as long as the
// catalog's index. It has one slot: one caller (the LSP layer) uses it.
func (n Names) Memo(build func() any) any {
	n.set.memoOnce.Do(func() {
		n.set.memo = build()
		n.set.memoized.Store(true)
	})
	return n.set.memo
}

// Memoized reports whether Memo has built its result.
func (n Names) Memoized() bool { return n.set.memoized.Load() }

// nameItems are the items of a catalog's targets, built on first use:
// catalogs are immutable, and only the range and the filter text of an
// item depend on the cursor. On a catalog of 500 tools this spares
// building 500 items (and their garbage) on every keystroke.
type nameItems struct {
	tools, prompts, resources targetItems
}

type targetItems struct {
	once   sync.Once
	items  []complete.Item // Start and End unset; FilterText for an unquoted token
	quoted []string        // FilterText for a token that starts with a quote

	memoOnce sync.Once
	memo     any // Names.Memo's
	memoized atomic.Bool
}

// targetSet returns the built items of the targets of kind ("tool",
// "prompt" or "resource"), nil for another key.
func (ix *index) targetSet(kind string) *targetItems {
	var t *targetItems
	var build func() []complete.Item
	switch kind {
	case config.RequestTool:
		t, build = &ix.names.tools, ix.toolItems
	case config.RequestPrompt:
		t, build = &ix.names.prompts, ix.promptItems
	case config.RequestResource:
		t, build = &ix.names.resources, ix.resourceItems
	default:
		return nil
	}
	t.once.Do(func() {
		t.items = build()
		t.quoted = make([]string, len(t.items))
		for i, it := range t.items {
			t.quoted[i] = `"` + it.Label + `"`
		}
	})
	return t
}

// nameItem is a target's item without its range.
func nameItem(label, detail, doc string, order int) complete.Item {
	return complete.Item{Label: label, Kind: complete.KindReference, InsertText: jsonString(label),
		FilterText: label, SortText: fmt.Sprintf("%05d", order), Detail: detail, Documentation: doc}
}

func (ix *index) toolItems() []complete.Item {
	items := make([]complete.Item, 0, len(ix.toolNames))
	for i, name := range ix.toolNames {
		t := ix.tools[name].tool
		detail := "tool"
		if t.Title != "" {
			detail = t.Title
		}
		items = append(items, nameItem(name, detail, t.Description, i))
	}
	return items
}

func (ix *index) promptItems() []complete.Item {
	items := make([]complete.Item, 0, len(ix.promptNames))
	for i, name := range ix.promptNames {
		items = append(items, nameItem(name, "prompt", ix.prompts[name].Description, i))
	}
	return items
}

func (ix *index) resourceItems() []complete.Item {
	items := make([]complete.Item, 0, len(ix.uris)+len(ix.templates))
	for i, uri := range ix.uris {
		r := ix.resources[uri]
		items = append(items, nameItem(uri, strings.TrimSpace(r.Name+" "+r.MIMEType), r.Description, i))
	}
	for i, t := range ix.templates {
		doc := t.rt.Description
		if len(t.vars) > 0 {
			doc += "\n\nVariables (in `arguments`): `" + strings.Join(t.vars, "`, `") + "`"
		}
		items = append(items, nameItem(t.rt.URITemplate, "template "+t.rt.Name, doc, len(ix.uris)+i))
	}
	return items
}

// argumentKeys completes a key inside arguments (at any depth for a tool,
// at the top for a prompt or a template).
func (c *cursor) argumentKeys() []complete.Item {
	var cands []schema.Property
	kind, target, ok := c.r.Kind()
	if !ok || !target.Set {
		return nil
	}
	switch kind {
	case config.RequestTool:
		s := c.toolSchema(target.Value)
		if s == nil {
			return nil
		}
		cands = s.Properties(c.args)
	case config.RequestPrompt:
		if len(c.args) == 0 {
			cands = c.promptArgs(target.Value)
		}
	case config.RequestResource:
		if len(c.args) == 0 {
			cands = c.templateVars(target.Value)
		}
	}
	present := map[string]bool{}
	for _, p := range c.loc.Container.Props() {
		if p != c.loc.Prop {
			present[p.Key.Value] = true
		}
	}
	var items []complete.Item
	for i, p := range cands {
		if present[p.Name] {
			continue
		}
		items = append(items, c.keyItem(p, i))
	}
	return items
}

func (c *cursor) keyItem(p schema.Property, order int) complete.Item {
	insert := jsonString(p.Name)
	snippet := false
	if c.loc.Prop == nil || c.loc.Prop.Colon < 0 {
		insert = escapeSnippet(insert) + ": " + valueSnippet(p)
		if c.commaAfter() {
			insert += ","
		}
		snippet = true
	}
	it := c.item(p.Name, complete.KindProperty, insert, snippet, order)
	it.Detail = p.Type
	if p.Required {
		it.Detail = strings.TrimSpace(it.Detail + " (required)")
	}
	it.Documentation = schema.Details(p)
	return it
}

// commaAfter reports whether a member follows the range, so an inserted
// member needs a comma after it.
func (c *cursor) commaAfter() bool {
	i := c.end
	for i < len(c.text) && bytes.IndexByte([]byte(" \t\r\n"), c.text[i]) >= 0 {
		i++
	}
	return i < len(c.text) && c.text[i] == '"'
}

// valueSnippet is the snippet of a value placeholder by type.
func valueSnippet(p schema.Property) string {
	if len(p.Enum) > 1 {
		choices := make([]string, len(p.Enum))
		for i, e := range p.Enum {
			choices[i] = strings.NewReplacer(`\`, `\\`, `,`, `\,`, `|`, `\|`, `$`, `\$`, `}`, `\}`).Replace(e)
		}
		return "${1|" + strings.Join(choices, ",") + "|}"
	}
	switch ph := p.Placeholder; {
	case ph == `""`:
		return `"$1"`
	case ph == "{}":
		return "{$1}"
	case ph == "[]":
		return "[$1]"
	case ph == "false" && strings.HasPrefix(p.Type, "boolean"):
		return "${1|false,true|}"
	default:
		return "${1:" + escapeSnippet(ph) + "}"
	}
}

func escapeSnippet(s string) string {
	return strings.NewReplacer(`\`, `\\`, `$`, `\$`, `}`, `\}`).Replace(s)
}

// argumentValues completes the value of an argument from its schema.
func (c *cursor) argumentValues() []complete.Item {
	kind, target, ok := c.r.Kind()
	if !ok || kind != config.RequestTool || !target.Set || c.afterClosedString() {
		return nil
	}
	if n := c.loc.Node; n != nil && n.Kind == jsonc.String && bytes.Contains(c.text[n.Start:c.offset], []byte("${")) {
		return nil // a variable reference: package complete's
	}
	var path []string
	switch {
	case c.loc.Container.Kind == jsonc.Array:
		path = append(append(path, c.args...), strconv.Itoa(c.itemIndex()))
	case c.loc.Prop != nil && (c.loc.Prop.Value == nil || c.loc.Node != nil):
		path = append(append(path, c.args...), c.loc.Prop.Key.Value)
	default:
		return nil
	}
	s := c.toolSchema(target.Value)
	if s == nil {
		return nil
	}
	var items []complete.Item
	for i, v := range s.Values(path) {
		kind := complete.KindValue
		if v.Source == "enum" || v.Source == "const" {
			kind = complete.KindEnumMember
		}
		it := c.item(v.JSON, kind, v.JSON, false, i)
		it.Detail = v.Source
		items = append(items, it)
	}
	return items
}

// itemIndex is the index of the array element at the cursor.
func (c *cursor) itemIndex() int {
	for i, it := range c.loc.Container.Items() {
		if c.offset <= it.End {
			return i
		}
	}
	return len(c.loc.Container.Items())
}

func (c *cursor) toolSchema(name string) *schema.Schema {
	t, ok := c.ix.tools[name]
	if !ok {
		return nil
	}
	s, err := t.compiled()
	if err != nil {
		return nil
	}
	return s
}

func (c *cursor) promptArgs(name string) []schema.Property {
	p, ok := c.ix.prompts[name]
	if !ok {
		return nil
	}
	return promptProperties(p)
}

func promptProperties(p *mcp.Prompt) []schema.Property {
	var req, opt []schema.Property
	for _, a := range p.Arguments {
		prop := schema.Property{Name: a.Name, Type: "string", Description: a.Description, Required: a.Required, Placeholder: `""`}
		if a.Required {
			req = append(req, prop)
		} else {
			opt = append(opt, prop)
		}
	}
	return append(req, opt...)
}

func (c *cursor) templateVars(uri string) []schema.Property {
	for _, t := range c.ix.templates {
		if t.rt.URITemplate == uri {
			return templateProperties(t)
		}
	}
	return nil
}

func templateProperties(t *template) []schema.Property {
	props := make([]schema.Property, len(t.vars))
	for i, v := range t.vars {
		props[i] = schema.Property{Name: v, Type: "string", Required: true, Placeholder: `""`,
			Description: "Variable of the resource template `" + t.rt.URITemplate + "`"}
	}
	return props
}
