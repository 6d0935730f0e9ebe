package complete

import (
	"strings"

	"mcpls/internal/config"
	"mcpls/internal/jsonc"
)

// keys completes a key in an object.
func (c *completer) keys() []Item {
	switch c.ctx {
	case config.CtxServers:
		return c.serverSnippets(true)
	case config.CtxStringMap:
		return c.mapKeys()
	}
	present := c.presentKeys()
	transport := ""
	if c.ctx == config.CtxServer {
		transport = c.transport()
	}
	var items []Item
	for i, k := range config.Keys(c.ctx) {
		if present[k.Name] || !k.AppliesTo(transport) || c.hidden(k.Name, present) {
			continue
		}
		it := c.item(k.Name, KindProperty, c.keyInsert(k), true)
		it.Detail = keyDetail(k)
		it.Documentation = k.Doc
		it.SortText = sortKey(i)
		items = append(items, it)
	}
	return items
}

// hidden reports keys not worth offering although absent: the other name
// of the servers map once one of them is there.
func (c *completer) hidden(name string, present map[string]bool) bool {
	if c.ctx != config.CtxRoot {
		return false
	}
	return (name == "servers" && present["mcpServers"]) || (name == "mcpServers" && present["servers"])
}

// presentKeys are the keys of the container, except the one being typed.
func (c *completer) presentKeys() map[string]bool {
	present := map[string]bool{}
	for _, p := range c.loc.Container.Props() {
		if p != c.loc.Prop {
			present[p.Key.Value] = true
		}
	}
	return present
}

// transport tells the transport of the server entry being edited, from
// its members other than the one being typed: the explicit type, else
// stdio for command, http for url; "" when it cannot be told.
func (c *completer) transport() string {
	var command, url bool
	for _, p := range c.loc.Container.Props() {
		if p == c.loc.Prop || p.Value == nil {
			continue
		}
		switch p.Key.Value {
		case "type":
			switch p.Value.Value {
			case config.TransportStdio, config.TransportHTTP, config.TransportSSE:
				return p.Value.Value
			}
		case "command":
			command = true
		case "url":
			url = true
		}
	}
	switch {
	case command && !url:
		return config.TransportStdio
	case url && !command:
		return config.TransportHTTP
	}
	return ""
}

// keyInsert is the snippet a key inserts: the quoted key and, unless the
// member already has its colon, ": " and a value scaffold.
func (c *completer) keyInsert(k config.Key) string {
	key := `"` + escapeSnippet(k.Name) + `"`
	if c.loc.Prop != nil && c.loc.Prop.Colon >= 0 {
		return key
	}
	value := valueScaffold(k)
	if c.ctx == config.CtxRoot && k.Name == "requests" {
		// A first request, with the file's servers to choose from.
		value = "[\n\t" + strings.ReplaceAll(c.requestBody(0), "\n", "\n\t") + "\n]"
	}
	return c.withCommas(key + ": " + value)
}

// valueScaffold is the snippet for a key's value.
func valueScaffold(k config.Key) string {
	if k.Snippet != "" {
		return k.Snippet
	}
	if len(k.Enum) > 0 {
		return `"${1|` + strings.Join(k.Enum, ",") + `|}"`
	}
	if len(k.Kinds) == 0 {
		return "$1"
	}
	switch k.Kinds[0] {
	case jsonc.String:
		return `"$1"`
	case jsonc.Number:
		return "${1:0}"
	case jsonc.Bool:
		return "${1|true,false|}"
	case jsonc.Object:
		return "{$1}"
	case jsonc.Array:
		return "[$1]"
	}
	return "$1"
}

// keyDetail is a one-line summary: the kinds, and the transports of a
// server key.
func keyDetail(k config.Key) string {
	kinds := make([]string, len(k.Kinds))
	for i, kind := range k.Kinds {
		kinds[i] = kind.String()
	}
	d := strings.Join(kinds, " | ")
	if len(k.Enum) > 0 {
		d = strings.Join(k.Enum, " | ")
	}
	if len(k.Transports) > 0 {
		d += " · " + strings.Join(k.Transports, ", ")
	}
	return d
}

// mapKeys completes a name in env or headers: for headers, the usual
// authorization header; env names are free.
func (c *completer) mapKeys() []Item {
	if len(c.loc.Path) == 0 || c.loc.Path[len(c.loc.Path)-1].Key != "headers" {
		return nil
	}
	if c.presentKeys()["Authorization"] {
		return nil
	}
	insert := `"Authorization"`
	if c.loc.Prop == nil || c.loc.Prop.Colon < 0 {
		insert = c.withCommas(insert + `: "${1|Bearer,Basic|} ${2:\${env:TOKEN\}}"`)
	}
	it := c.item("Authorization", KindProperty, insert, true)
	it.Detail = "HTTP header"
	it.Documentation = "Credentials for the server, e.g. `Bearer ${env:TOKEN}`. Keep the token itself out of the file."
	return []Item{it}
}

// escapeSnippet escapes literal text for LSP snippet syntax.
func escapeSnippet(s string) string {
	if !strings.ContainsAny(s, `$}\`) {
		return s
	}
	return snippetEscaper.Replace(s)
}
