// Package hover owns hover in MCP config files: the documentation of every
// known key (from config's key table), a summary of a server where its name
// is defined or referenced, and what a variable reference expands to.
//
// Like completion it is a pure function of a loaded file and an offset,
// doing no work on the whole document beyond jsonc's Locate.
package hover

import (
	"fmt"
	"strings"

	"mcpls/internal/config"
	"mcpls/internal/jsonc"
)

// Result is a hover: markdown about the byte range [Start, End).
type Result struct {
	Markdown   string
	Start, End int
}

// Hover returns the hover at offset in f. Without an environment it cannot
// tell whether an environment variable is set; HoverEnv can.
func Hover(f *config.File, offset int) (Result, bool) {
	return hover(f, offset, nil)
}

// HoverEnv is Hover with the environment the file's servers get, so that a
// variable reference's hover says whether it is set (never its value when
// it comes from outside the file).
func HoverEnv(f *config.File, offset int, env config.Env) (Result, bool) {
	return hover(f, offset, &env)
}

// hoverer holds what one hover request computes once.
type hoverer struct {
	f      *config.File
	offset int
	env    *config.Env // nil: unknown
	loc    jsonc.Location
	ctx    config.Context
}

func hover(f *config.File, offset int, env *config.Env) (Result, bool) {
	if f == nil || f.Doc == nil || offset < 0 || offset > len(f.Doc.Text) {
		return Result{}, false
	}
	h := &hoverer{f: f, offset: offset, env: env, loc: f.Doc.Locate(offset)}
	n := h.loc.Node
	if n == nil || h.loc.Container == nil {
		return Result{}, false
	}
	h.ctx = config.ContextOf(h.loc.Path)
	var md string
	var start, end = n.Start, n.End
	switch {
	case h.loc.InKey && h.loc.Prop != nil && n == h.loc.Prop.Key:
		md = h.key(n)
	case n.Kind == jsonc.String:
		if v, ok := h.varAt(n); ok {
			md, start, end = h.variable(v), v.Start, v.End
		} else {
			md = h.stringValue(n)
		}
	default:
		md = h.memberDoc()
	}
	if md == "" {
		return Result{}, false
	}
	return Result{Markdown: md, Start: start, End: end}, true
}

// key documents a key: a server name, a known key, or an env name.
func (h *hoverer) key(n *jsonc.Node) string {
	switch h.ctx {
	case config.CtxServers:
		return h.serverAt(n.Start)
	case config.CtxStringMap:
		if last(h.loc.Path) == "env" {
			return fmt.Sprintf("**Environment variable %s** of the server process, added to the environment it inherits.", code(n.Value))
		}
		return fmt.Sprintf("**HTTP header %s**, sent with every request to the server.", code(n.Value))
	}
	if k, ok := config.LookupKey(h.ctx, n.Value); ok {
		return keyDoc(k)
	}
	return ""
}

// stringValue documents a string value: a server reference, an enum
// value, else the member's key.
func (h *hoverer) stringValue(n *jsonc.Node) string {
	p := h.loc.Prop
	if p == nil {
		return ""
	}
	if h.ctx == config.CtxRequest && p.Key.Value == "server" {
		return h.serverNamed(n.Value)
	}
	k, ok := config.LookupKey(h.ctx, p.Key.Value)
	if !ok {
		return ""
	}
	for i, v := range k.Enum {
		if v == n.Value && i < len(k.EnumDocs) {
			return fmt.Sprintf("**`%s`** (`%s`): %s", v, k.Name, k.EnumDocs[i])
		}
	}
	return keyDoc(k)
}

// memberDoc documents a non-string value by its member's key.
func (h *hoverer) memberDoc() string {
	if h.loc.Prop == nil {
		return ""
	}
	if k, ok := config.LookupKey(h.ctx, h.loc.Prop.Key.Value); ok {
		return keyDoc(k)
	}
	return ""
}

// keyDoc is a key's hover: its name, kinds and transports, then its doc.
func keyDoc(k config.Key) string {
	kinds := make([]string, len(k.Kinds))
	for i, kind := range k.Kinds {
		kinds[i] = kind.String()
	}
	head := fmt.Sprintf("**`%s`** · %s", k.Name, strings.Join(kinds, " | "))
	if len(k.Enum) > 0 {
		head += ": `" + strings.Join(k.Enum, "` | `") + "`"
	}
	if len(k.Transports) > 0 {
		head += " · " + strings.Join(k.Transports, ", ") + " servers"
	}
	return head + "\n\n" + k.Doc
}

// serverAt documents the server whose name starts at offset.
func (h *hoverer) serverAt(start int) string {
	for _, s := range h.f.Servers {
		if s.NameRange.Start == start {
			return serverDoc(s)
		}
	}
	return ""
}

// serverNamed documents the server a request names.
func (h *hoverer) serverNamed(name string) string {
	if s := h.f.Server(name); s != nil {
		return serverDoc(s)
	}
	return fmt.Sprintf("No server named %s in this file.", code(name))
}

// serverDoc summarises a server: transport and target.
func serverDoc(s *config.Server) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**MCP server %s**", code(s.Name))
	if s.Transport != "" {
		fmt.Fprintf(&b, " · %s", s.Transport)
	}
	switch {
	case s.Command.Set:
		parts := []string{s.Command.Value}
		for _, a := range s.Args {
			parts = append(parts, a.Value)
		}
		fmt.Fprintf(&b, "\n\n```sh\n%s\n```", strings.Join(parts, " "))
	case s.URL.Set:
		fmt.Fprintf(&b, "\n\n%s", code(s.URL.Value))
	default:
		b.WriteString("\n\nNeither `command` nor `url` is set.")
	}
	if s.OAuth != nil {
		b.WriteString("\n\nSigns in with OAuth")
		if s.OAuth.ClientID.Set {
			fmt.Fprintf(&b, " as client %s", code(s.OAuth.ClientID.Value))
		}
		b.WriteString(".")
	}
	if s.Timeout.Set {
		fmt.Fprintf(&b, "\n\nTimeout: %g s.", s.Timeout.Value)
	}
	return b.String()
}

func last(path []jsonc.PathSeg) string {
	if len(path) == 0 {
		return ""
	}
	return path[len(path)-1].Key
}

// code renders text from the file as inline code, whatever backticks it
// holds.
func code(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}
