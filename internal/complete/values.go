package complete

import (
	"strings"

	"mcpls/internal/config"
	"mcpls/internal/jsonc"
)

// values completes a value: of a member, or an element of an array.
func (c *completer) values() []Item {
	if c.loc.Container.Kind == jsonc.Array {
		switch c.ctx {
		case config.CtxRequests:
			return c.requestSnippets()
		case config.CtxInputs:
			return c.inputSnippets()
		}
		return nil
	}
	p := c.loc.Prop
	if p == nil || p.Value != nil && c.loc.Node == nil {
		return nil // no member, or the cursor is before the member's value
	}
	switch {
	case c.ctx == config.CtxServers:
		return c.serverSnippets(false)
	case c.ctx == config.CtxRequest && p.Key.Value == "server":
		return c.serverNames()
	}
	k, ok := config.LookupKey(c.ctx, p.Key.Value)
	if !ok {
		return nil
	}
	switch {
	case len(k.Enum) > 0:
		return c.enumItems(k)
	case k.Accepts(jsonc.Bool):
		return c.literals(k, "true", "false")
	case c.valueMissing() && (k.Accepts(jsonc.Object) || k.Accepts(jsonc.Array)):
		return c.scaffold(k)
	}
	return nil
}

// valueMissing reports whether the member has no real value yet: nothing,
// or a bare word being typed.
func (c *completer) valueMissing() bool {
	v := c.loc.Prop.Value
	return v == nil || v.Kind == jsonc.Invalid
}

func (c *completer) enumItems(k config.Key) []Item {
	items := make([]Item, 0, len(k.Enum))
	for i, v := range k.Enum {
		it := c.item(v, KindEnumMember, c.withCommas(`"`+escapeSnippet(v)+`"`), true)
		it.Detail = k.Name
		if i < len(k.EnumDocs) {
			it.Documentation = k.EnumDocs[i]
		}
		it.SortText = sortKey(i)
		items = append(items, it)
	}
	return items
}

func (c *completer) literals(k config.Key, values ...string) []Item {
	items := make([]Item, 0, len(values))
	for i, v := range values {
		it := c.item(v, KindValue, c.withCommas(v), true)
		it.Detail = k.Name
		it.SortText = sortKey(i)
		items = append(items, it)
	}
	return items
}

// scaffold offers the empty object or array a key takes.
func (c *completer) scaffold(k config.Key) []Item {
	label := "{}"
	if !k.Accepts(jsonc.Object) {
		label = "[]"
	}
	it := c.item(label, KindValue, c.withCommas(valueScaffold(k)), true)
	it.Detail = k.Name
	it.Documentation = k.Doc
	return []Item{it}
}

// serverNames offers the servers of the file for a request's "server".
func (c *completer) serverNames() []Item {
	seen := make(map[string]bool, len(c.f.Servers))
	items := make([]Item, 0, len(c.f.Servers))
	for i, s := range c.f.Servers {
		if seen[s.Name] {
			continue
		}
		seen[s.Name] = true
		it := c.item(s.Name, KindReference, c.withCommas(`"`+escapeSnippet(jsonString(s.Name))+`"`), true)
		it.Detail = serverSummary(s)
		it.SortText = sortKey(i)
		items = append(items, it)
	}
	return items
}

// serverSummary is a server's transport and target, on one line.
func serverSummary(s *config.Server) string {
	t := s.Transport
	if t == "" {
		t = "unknown transport"
	}
	var b strings.Builder
	switch {
	case s.Command.Set:
		n := len(t) + 2 + len(s.Command.Value)
		for _, a := range s.Args {
			n += 1 + len(a.Value)
		}
		b.Grow(n)
		b.WriteString(t)
		b.WriteString(": ")
		b.WriteString(s.Command.Value)
		for _, a := range s.Args {
			b.WriteByte(' ')
			b.WriteString(a.Value)
		}
		return b.String()
	case s.URL.Set:
		return t + ": " + s.URL.Value
	}
	return t
}

// jsonString escapes s for the inside of a JSON string.
func jsonString(s string) string {
	if !strings.ContainsAny(s, "\"\\\n\r\t") {
		return s
	}
	return jsonEscaper.Replace(s)
}
