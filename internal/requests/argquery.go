package requests

// Where the server's own completion (completion/complete) applies: the
// value of a prompt's argument, of a resource template's variable given in
// "arguments", or of a variable in place inside a URI that matches a
// template. This file only finds the question and turns the server's
// answer into items; asking is the caller's business.

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"mcpls/internal/complete"
	"mcpls/internal/config"
	"mcpls/internal/jsonc"
	"mcpls/internal/mcp"
)

// ServerQuery is a completion the request's server can answer with
// completion/complete.
type ServerQuery struct {
	Server   string            // the request's server
	Ref      mcp.CompletionRef // ref/prompt with Name, or ref/resource with the template's URI
	Argument string            // the argument or template variable
	Value    string            // its value before the cursor, as the user typed it (decoded)
	Context  map[string]string // the other arguments already filled in; nil when none
	// Start and End delimit the bytes an item replaces: the string's
	// content (inside the quotes), the variable's segment of a URI, or an
	// empty range at the cursor when no string is there yet.
	Start, End int
	quote      bool // no string yet: values are inserted with their quotes
	inURI      bool // the value is a URI segment: percent-encoded
}

// ServerCompletion reports whether the server's completion/complete can
// complete the value at offset, and with what question.
func ServerCompletion(f *config.File, offset int, catalogs Catalogs) (ServerQuery, bool) {
	c, ok := newCursor(f, offset, catalogs)
	if !ok || !c.loc.InValue || c.afterClosedString() {
		return ServerQuery{}, false
	}
	kind, target, ok := c.r.Kind()
	if !ok || !target.Set {
		return ServerQuery{}, false
	}
	q := ServerQuery{Server: c.r.Server.Value}
	switch {
	case c.loc.Container == c.r.Node && kind == config.RequestResource && c.loc.Prop != nil && c.loc.Prop.Key.Value == config.RequestResource:
		ok = c.uriQuery(&q)
	case len(c.args) == 0 && c.args != nil && c.loc.Container.Kind == jsonc.Object:
		ok = c.argumentQuery(&q, kind, target.Value)
	default:
		ok = false
	}
	return q, ok
}

// argumentQuery fills q for the value of a top-level argument of a prompt
// or of a resource template.
func (c *cursor) argumentQuery(q *ServerQuery, kind, target string) bool {
	p := c.loc.Prop
	if p == nil || (p.Value != nil && c.loc.Node == nil) {
		return false
	}
	name := p.Key.Value
	switch kind {
	case config.RequestPrompt:
		pr, ok := c.ix.prompts[target]
		if !ok || !declares(pr, name) {
			return false
		}
		q.Ref = mcp.CompletionRef{Type: "ref/prompt", Name: target}
	case config.RequestResource:
		t := c.templateOf(target)
		if t == nil || !containsString(t.vars, name) {
			return false
		}
		q.Ref = mcp.CompletionRef{Type: "ref/resource", URI: target}
	default:
		return false
	}
	if !c.valueRange(q) {
		return false
	}
	q.Argument = name
	q.Context = filledArguments(c.loc.Container, p)
	return true
}

func declares(p *mcp.Prompt, name string) bool {
	for _, a := range p.Arguments {
		if a.Name == name {
			return true
		}
	}
	return false
}

func (c *cursor) templateOf(uri string) *template {
	for _, t := range c.ix.templates {
		if t.rt.URITemplate == uri {
			return t
		}
	}
	return nil
}

// valueRange sets the range and typed value of the string at the cursor,
// or an empty range at the cursor when no value is there yet. A variable
// reference (${...}) or a non-string value is not the server's to complete.
func (c *cursor) valueRange(q *ServerQuery) bool {
	n := c.loc.Node
	if n == nil {
		q.Start, q.End, q.quote = c.offset, c.offset, true
		return true
	}
	start, end, ok := c.stringContent()
	if !ok {
		return false
	}
	typed := c.text[start:c.offset]
	if strings.Contains(string(c.text[start:end]), "${") {
		return false
	}
	q.Start, q.End, q.Value = start, end, decodeJSONText(typed)
	return true
}

// stringContent returns the content of the string under the cursor,
// between its quotes (or up to the end of the word when unclosed).
func (c *cursor) stringContent() (start, end int, ok bool) {
	n := c.loc.Node
	if n == nil || n.Kind != jsonc.String || n.Start >= len(c.text) || c.text[n.Start] != '"' {
		return 0, 0, false
	}
	start, end = n.Start+1, c.end
	if n.Closed {
		end = n.End - 1
	}
	if c.offset < start || c.offset > end {
		return 0, 0, false
	}
	return start, end, true
}

// decodeJSONText decodes the content of a JSON string; a half-typed escape
// is kept as typed.
func decodeJSONText(raw []byte) string {
	var s string
	if json.Unmarshal(append(append([]byte{'"'}, raw...), '"'), &s) == nil {
		return s
	}
	return string(raw)
}

// filledArguments are the string values of the other members of args,
// except references to variables, which the server cannot resolve.
func filledArguments(args *jsonc.Node, except *jsonc.Prop) map[string]string {
	var ctx map[string]string
	for _, p := range args.Props() {
		if p == except || p.Value == nil || p.Value.Kind != jsonc.String || p.Value.Value == "" || strings.Contains(p.Value.Value, "${") {
			continue
		}
		if ctx == nil {
			ctx = map[string]string{}
		}
		ctx[p.Key.Value] = p.Value.Value
	}
	return ctx
}

// uriQuery fills q when the cursor is inside a variable of a template that
// the URI typed so far matches: "demo://items/4|" completes {id}.
func (c *cursor) uriQuery(q *ServerQuery) bool {
	start, end, ok := c.stringContent()
	if !ok {
		return false
	}
	uri := string(c.text[start:end])
	if strings.ContainsAny(uri, `\{}`) {
		return false // escapes, or a template itself (its variables go in "arguments")
	}
	before := uri[:c.offset-start]
	for _, t := range c.ix.templates {
		m, ok := matchPrefix(t, before)
		if !ok {
			continue
		}
		q.Ref = mcp.CompletionRef{Type: "ref/resource", URI: t.rt.URITemplate}
		q.Argument, q.Value = m.name, unescapeSegment(m.typed)
		q.Start = start + len(before) - len(m.typed)
		q.End = c.offset + segmentEnd(uri[len(before):], m.next)
		q.Context = m.context
		q.inURI = true
		return true
	}
	return false
}

// uriPart is a literal of a URI template, or one of its expressions.
type uriPart struct {
	literal string
	op      string   // the expression's operator ("" for {var})
	vars    []string // the expression's variables; nil for a literal
}

// uriParts splits a template into literals and expressions.
func uriParts(tmpl string) []uriPart {
	var parts []uriPart
	last := 0
	for _, m := range exprRE.FindAllStringSubmatchIndex(tmpl, -1) {
		if m[0] > last {
			parts = append(parts, uriPart{literal: tmpl[last:m[0]]})
		}
		p := uriPart{op: tmpl[m[2]:m[3]], vars: []string{}}
		for _, v := range strings.Split(tmpl[m[4]:m[5]], ",") {
			p.vars = append(p.vars, strings.TrimSpace(v))
		}
		parts = append(parts, p)
		last = m[1]
	}
	if last < len(tmpl) {
		parts = append(parts, uriPart{literal: tmpl[last:]})
	}
	return parts
}

// simple reports a {var} expression: one plain variable, one segment.
func (p uriPart) simple() bool {
	return p.vars != nil && p.op == "" && len(p.vars) == 1 && !strings.ContainsAny(p.vars[0], ":*")
}

// prefixMatch is a template variable the cursor is in.
type prefixMatch struct {
	name    string
	typed   string            // the variable's text before the cursor
	next    string            // the literal after the variable ("" when none)
	context map[string]string // the variables before it
}

// matchPrefix finds the variable of t that a URI typed up to the cursor
// ends in: everything before it matches the template, and the variable's
// own text so far is one segment (maybe empty).
func matchPrefix(t *template, before string) (prefixMatch, bool) {
	parts := uriParts(t.rt.URITemplate)
	var pat strings.Builder
	pat.WriteString("^")
	for i, p := range parts {
		if p.vars == nil {
			pat.WriteString(regexp.QuoteMeta(p.literal))
			continue
		}
		if !p.simple() {
			pat.WriteString(exprPattern(p.op))
			continue
		}
		re, err := regexp.Compile(pat.String() + `([^/?#]*)$`)
		if err != nil {
			return prefixMatch{}, false
		}
		if sub := re.FindStringSubmatch(before); sub != nil {
			m := prefixMatch{name: p.vars[0], typed: sub[len(sub)-1], context: earlierVars(parts[:i], sub[1:len(sub)-1])}
			if i+1 < len(parts) && parts[i+1].vars == nil {
				m.next = parts[i+1].literal
			}
			return m, true
		}
		pat.WriteString(exprPattern(p.op))
	}
	return prefixMatch{}, false
}

// earlierVars maps the simple variables of parts to their matched values
// (one group per expression, in order).
func earlierVars(parts []uriPart, groups []string) map[string]string {
	var ctx map[string]string
	g := 0
	for _, p := range parts {
		if p.vars == nil {
			continue
		}
		if p.simple() && g < len(groups) && groups[g] != "" {
			if ctx == nil {
				ctx = map[string]string{}
			}
			ctx[p.vars[0]] = unescapeSegment(groups[g])
		}
		g++
	}
	return ctx
}

// segmentEnd is how far the variable's segment runs past the cursor: up to
// a delimiter or the literal that follows it in the template.
func segmentEnd(after, next string) int {
	for i := 0; i < len(after); i++ {
		if strings.IndexByte("/?#", after[i]) >= 0 || (next != "" && after[i] == next[0]) {
			return i
		}
	}
	return len(after)
}

func unescapeSegment(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// serverSortBase puts the server's values after the catalog's own.
const serverSortBase = 100000

// Items turns the values the server answered into completion items: those
// that start with what was typed (ignoring case), in the server's order,
// each replacing the range of q, marked as coming from the server.
func (q ServerQuery) Items(values []string) []complete.Item {
	typed := strings.ToLower(q.Value)
	seen := make(map[string]bool, len(values))
	var items []complete.Item
	for i, v := range values {
		if seen[v] || !strings.HasPrefix(strings.ToLower(v), typed) {
			continue
		}
		seen[v] = true
		insert := q.encode(v)
		items = append(items, complete.Item{Label: v, Kind: complete.KindValue, InsertText: insert,
			FilterText: insert, Start: q.Start, End: q.End, Detail: "from server " + q.Server,
			SortText: fmt.Sprintf("%06d", serverSortBase+i)})
	}
	return items
}

// encode is the text that puts v in place.
func (q ServerQuery) encode(v string) string {
	if q.inURI {
		v = url.PathEscape(v)
	}
	s := jsonString(v)
	if q.quote {
		return s
	}
	return s[1 : len(s)-1]
}
