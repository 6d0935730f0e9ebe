package complete

import (
	"bytes"
	"sort"
	"strings"

	"mcpls/internal/config"
	"mcpls/internal/jsonc"
)

// commonEnv are environment variables worth offering after "${env:" when
// they are set: the inherited environment cannot be listed through
// config.Env (it has only LookupEnv), so these are probed by name. Values
// are never shown.
var commonEnv = []string{
	"HOME", "USER", "PATH", "SHELL", "TMPDIR", "LANG", "PWD", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
	"GITHUB_TOKEN", "GITHUB_PERSONAL_ACCESS_TOKEN", "GITHUB_PAT", "GH_TOKEN",
	"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "AWS_PROFILE", "AWS_REGION",
}

// variables completes a variable reference in a string value, when the
// text before the cursor opens one ("$", "${", "${env:NA", "${input:").
// ok is false when the cursor is not in a reference.
func (c *completer) variables() (items []Item, ok bool) {
	n := c.loc.Node
	if n == nil || n.Kind != jsonc.String || !c.loc.InValue || n.Start >= len(c.text) || c.text[n.Start] != '"' {
		return nil, false
	}
	body := c.text[n.Start+1 : c.offset]
	dollar := -1
	if i := bytes.LastIndex(body, []byte("${")); i >= 0 && bytes.IndexByte(body[i:], '}') < 0 {
		dollar = n.Start + 1 + i
	} else if len(body) > 0 && body[len(body)-1] == '$' {
		dollar = c.offset - 1
	}
	if dollar < 0 {
		return nil, false
	}
	limit := n.End
	if n.Closed {
		limit--
	}
	partial := ""
	if dollar+2 <= c.offset {
		partial = string(c.text[dollar+2 : c.offset])
	}
	switch {
	case strings.HasPrefix(partial, "env:"):
		c.start, c.end = dollar+6, c.nameEnd(limit)
		return c.envNames(), true
	case strings.HasPrefix(partial, "input:"):
		c.start, c.end = dollar+8, c.nameEnd(limit)
		return c.inputIDs(), true
	}
	c.start, c.end = dollar, c.refEnd(limit)
	return c.varForms(), true
}

// nameEnd is the end of the name under the cursor, with the closing brace
// when there is one.
func (c *completer) nameEnd(limit int) int {
	i := c.offset
	for i < limit && (isWordByte(c.text[i]) && c.text[i] != '$') {
		i++
	}
	if i < limit && c.text[i] == '}' {
		i++
	}
	return i
}

// refEnd is the end of the partial reference under the cursor: up to and
// including its closing brace, or up to a blank, quote or the next "$".
func (c *completer) refEnd(limit int) int {
	i := c.offset
	for i < limit {
		switch b := c.text[i]; b {
		case '}':
			return i + 1
		case ' ', '\t', '"', '$', '{':
			return i
		}
		i++
	}
	return i
}

func (c *completer) varForms() []Item {
	forms := config.VariableForms()
	items := make([]Item, 0, len(forms))
	for i, v := range forms {
		it := c.item(v.Label, KindVariable, v.Snippet, true)
		it.FilterText = v.Label
		it.Documentation = v.Doc
		it.SortText = sortKey(i)
		items = append(items, it)
	}
	return items
}

// envNames offers the variables the server's config defines (env entries,
// envFile) and the common ones set in the inherited environment. Where the
// cursor is in no server, only the latter.
func (c *completer) envNames() []Item {
	where := map[string]string{}
	var names []string
	add := func(name, detail string) {
		if _, ok := where[name]; !ok {
			where[name] = detail
			names = append(names, name)
		}
	}
	if s := c.server(); s != nil {
		for _, p := range s.Env {
			add(p.Name, "set by this server's env")
		}
		if s.EnvFile.Set {
			t, _ := s.Expand(c.env)
			fileNames := make([]string, 0, len(t.Env))
			for name := range t.Env {
				fileNames = append(fileNames, name)
			}
			sort.Strings(fileNames)
			for _, name := range fileNames {
				add(name, "set by this server's envFile")
			}
		}
	}
	if c.env.LookupEnv != nil {
		for _, name := range commonEnv {
			if _, ok := c.env.LookupEnv(name); ok {
				add(name, "set in the environment")
			}
		}
	}
	items := make([]Item, 0, len(names))
	for i, name := range names {
		it := c.item(name, KindVariable, escapeSnippet(name)+"}", true)
		it.Detail = where[name]
		it.SortText = sortKey(i)
		items = append(items, it)
	}
	return items
}

// inputIDs offers the ids of the declared inputs.
func (c *completer) inputIDs() []Item {
	items := make([]Item, 0, len(c.f.Inputs))
	seen := make(map[string]bool, len(c.f.Inputs))
	for i, in := range c.f.Inputs {
		if !in.ID.Set || seen[in.ID.Value] {
			continue
		}
		seen[in.ID.Value] = true
		it := c.item(in.ID.Value, KindReference, escapeSnippet(in.ID.Value)+"}", true)
		it.Detail = in.Type.Value
		it.Documentation = in.Description.Value
		if in.Password.Value {
			it.Detail += " (password)"
		}
		it.SortText = sortKey(i)
		items = append(items, it)
	}
	return items
}

// server is the server entry the cursor is in, nil when none: the
// container's ancestor two levels below the root.
func (c *completer) server() *config.Server {
	if len(c.loc.Path) < 2 || config.ContextOf(c.loc.Path[:2]) != config.CtxServer {
		return nil
	}
	n := c.loc.Container
	for i := len(c.loc.Path); i > 2 && n != nil; i-- {
		n = n.Parent
	}
	for _, s := range c.f.Servers {
		if s.Node == n {
			return s
		}
	}
	return nil
}
