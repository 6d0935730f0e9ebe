package requests

import (
	"strings"

	"mcpls/internal/config"
	"mcpls/internal/hover"
	"mcpls/internal/jsonc"
	"mcpls/internal/mcp"
	"mcpls/internal/schema"
)

// Hover returns the hover at offset from the catalog of the request's
// server: on a tool, prompt or resource name, its description, arguments
// and (for a tool) annotations; on an argument key, its schema. It returns
// false everywhere else (package hover covers the config keys).
func Hover(f *config.File, offset int, catalogs Catalogs) (hover.Result, bool) {
	c, ok := newCursor(f, offset, catalogs)
	if !ok || c.loc.Node == nil || c.loc.Prop == nil {
		return hover.Result{}, false
	}
	n, p := c.loc.Node, c.loc.Prop
	var md string
	switch {
	case c.loc.Container == c.r.Node && n == p.Value && n.Kind == jsonc.String:
		md = c.targetHover(p.Key.Value, n.Value)
	case c.args != nil && n == p.Key:
		md = c.argumentHover(p.Key.Value)
	}
	if md == "" {
		return hover.Result{}, false
	}
	return hover.Result{Markdown: md, Start: n.Start, End: n.End}, true
}

func (c *cursor) targetHover(kind, name string) string {
	switch kind {
	case config.RequestTool:
		if t, ok := c.ix.tools[name]; ok {
			return toolMarkdown(t)
		}
	case config.RequestPrompt:
		if p, ok := c.ix.prompts[name]; ok {
			return promptMarkdown(p)
		}
	case config.RequestResource:
		return c.resourceMarkdown(name)
	}
	return ""
}

func toolMarkdown(t *toolEntry) string {
	var b strings.Builder
	b.WriteString("**tool** `" + t.tool.Name + "`")
	if t.tool.Title != "" {
		b.WriteString(" — " + t.tool.Title)
	}
	if d := strings.TrimSpace(t.tool.Description); d != "" {
		b.WriteString("\n\n" + d)
	}
	if s, err := t.compiled(); err != nil {
		b.WriteString("\n\nThe inputSchema cannot be used: " + err.Error())
	} else if s != nil {
		if sum := s.Summary(); sum != "" {
			b.WriteString("\n\n**Arguments**\n\n" + strings.TrimSuffix(sum, "\n"))
		}
		for _, err := range s.Unusable() {
			b.WriteString("\n\nNot checked: " + err.Error())
		}
	}
	if hints := hintsText(annotationsOf(t.tool)); hints != "" {
		b.WriteString("\n\n" + hints)
	}
	return b.String()
}

// hintsText shows a tool's behaviour hints, with MCP's defaults for the
// ones it leaves out (not read-only, destructive, not idempotent, open
// world).
func hintsText(a annotations) string {
	val := func(p *bool, def bool) bool {
		if p == nil {
			return def
		}
		return *p
	}
	readOnly := val(a.ReadOnlyHint, false)
	var parts []string
	if readOnly {
		parts = append(parts, "read-only")
	} else {
		if val(a.DestructiveHint, true) {
			parts = append(parts, "destructive")
		} else {
			parts = append(parts, "not destructive")
		}
		if val(a.IdempotentHint, false) {
			parts = append(parts, "idempotent")
		}
	}
	if val(a.OpenWorldHint, true) {
		parts = append(parts, "open world")
	} else {
		parts = append(parts, "closed world")
	}
	explicit := a.ReadOnlyHint != nil || a.DestructiveHint != nil || a.IdempotentHint != nil || a.OpenWorldHint != nil
	suffix := ""
	if !explicit {
		suffix = " (defaults: the tool gives no hints)"
	}
	return "Hints: " + strings.Join(parts, " · ") + suffix
}

func promptMarkdown(p *mcp.Prompt) string {
	var b strings.Builder
	b.WriteString("**prompt** `" + p.Name + "`")
	if p.Title != "" {
		b.WriteString(" — " + p.Title)
	}
	if d := strings.TrimSpace(p.Description); d != "" {
		b.WriteString("\n\n" + d)
	}
	if props := promptProperties(p); len(props) > 0 {
		b.WriteString("\n\n**Arguments**\n\n" + strings.TrimSuffix(schema.SummaryOf(props), "\n"))
	}
	return b.String()
}

func (c *cursor) resourceMarkdown(uri string) string {
	if r, ok := c.ix.resources[uri]; ok {
		var b strings.Builder
		b.WriteString("**resource** `" + r.URI + "` — " + r.Name)
		if r.MIMEType != "" {
			b.WriteString(" (" + r.MIMEType + ")")
		}
		if d := strings.TrimSpace(r.Description); d != "" {
			b.WriteString("\n\n" + d)
		}
		return b.String()
	}
	for _, t := range c.ix.templates {
		if t.rt.URITemplate == uri || t.matches(uri) {
			var b strings.Builder
			b.WriteString("**resource template** `" + t.rt.URITemplate + "` — " + t.rt.Name)
			if d := strings.TrimSpace(t.rt.Description); d != "" {
				b.WriteString("\n\n" + d)
			}
			if props := templateProperties(t); len(props) > 0 && t.rt.URITemplate == uri {
				b.WriteString("\n\n**Variables** (in `arguments`)\n\n" + strings.TrimSuffix(schema.SummaryOf(props), "\n"))
			}
			return b.String()
		}
	}
	return ""
}

func (c *cursor) argumentHover(name string) string {
	kind, target, ok := c.r.Kind()
	if !ok || !target.Set {
		return ""
	}
	var props []schema.Property
	switch kind {
	case config.RequestTool:
		s := c.toolSchema(target.Value)
		if s == nil {
			return ""
		}
		p, ok := s.Property(append(append([]string(nil), c.args...), name))
		if !ok {
			return ""
		}
		return schema.Details(p)
	case config.RequestPrompt:
		if len(c.args) == 0 {
			props = c.promptArgs(target.Value)
		}
	case config.RequestResource:
		if len(c.args) == 0 {
			props = c.templateVars(target.Value)
		}
	}
	for _, p := range props {
		if p.Name == name {
			return schema.Details(p)
		}
	}
	return ""
}
