package runner

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"mcpls/internal/config"
	"mcpls/internal/jsonc"
)

// Call is a saved request made ready to send: its kind, what it names,
// and its arguments with every variable expanded.
type Call struct {
	Kind   string // config.RequestTool, RequestPrompt or RequestResource
	Target string // the tool or prompt name, or the resource URI (template filled)
	// Arguments is a tool's arguments object (nil = none).
	Arguments json.RawMessage
	// PromptArgs are a prompt's arguments.
	PromptArgs map[string]string
}

// Prepare expands a saved request of file f against env: ${...} variables
// in the string values of its arguments, a prompt's arguments as strings,
// a resource template's {variables} filled from its arguments.
func Prepare(f *config.File, req *config.Request, env config.Env) (Call, error) {
	kind, target, ok := req.Kind()
	if !ok {
		return Call{}, fmt.Errorf("the request must name exactly one of \"tool\", \"prompt\", \"resource\"")
	}
	if !target.Set || target.Value == "" {
		return Call{}, fmt.Errorf("the request's %q is empty", kind)
	}
	x := expander{f: f, env: env}
	call := Call{Kind: kind, Target: target.Value}
	var err error
	switch kind {
	case config.RequestTool:
		call.Arguments, err = x.toolArguments(req.Arguments)
	case config.RequestPrompt:
		call.PromptArgs, err = x.stringArguments(req.Arguments)
	case config.RequestResource:
		var vars map[string]string
		if vars, err = x.stringArguments(req.Arguments); err == nil {
			call.Target, err = fillTemplate(target.Value, vars)
		}
	}
	if err != nil {
		return Call{}, fmt.Errorf("preparing the arguments: %w", err)
	}
	return call, nil
}

// expander expands the variables of argument values.
type expander struct {
	f   *config.File
	env config.Env
}

func (x expander) toolArguments(n *jsonc.Node) (json.RawMessage, error) {
	if n == nil {
		return nil, nil
	}
	if n.Kind != jsonc.Object {
		return nil, fmt.Errorf("a tool's \"arguments\" must be an object, not %s", n.Kind)
	}
	var b strings.Builder
	if err := x.write(&b, n); err != nil {
		return nil, err
	}
	return json.RawMessage(b.String()), nil
}

// write appends n as JSON, with the variables of its strings expanded.
func (x expander) write(b *strings.Builder, n *jsonc.Node) error {
	switch n.Kind {
	case jsonc.Object:
		b.WriteByte('{')
		for i, p := range n.Props() {
			if p.Value == nil {
				return fmt.Errorf("%q has no value", p.Key.Value)
			}
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, p.Key.Value)
			b.WriteByte(':')
			if err := x.write(b, p.Value); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case jsonc.Array:
		b.WriteByte('[')
		for i, item := range n.Items() {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := x.write(b, item); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case jsonc.String:
		s, err := x.expand(n)
		if err != nil {
			return err
		}
		writeString(b, s)
	case jsonc.Number, jsonc.Bool, jsonc.Null:
		b.WriteString(n.Value)
	default:
		return fmt.Errorf("invalid JSON value at byte %d", n.Start)
	}
	return nil
}

func writeString(b *strings.Builder, s string) {
	enc, _ := json.Marshal(s)
	b.Write(enc)
}

// stringArguments reads an arguments object whose values are taken as
// strings: strings expanded, other scalars as written.
func (x expander) stringArguments(n *jsonc.Node) (map[string]string, error) {
	if n == nil {
		return nil, nil
	}
	if n.Kind != jsonc.Object {
		return nil, fmt.Errorf("\"arguments\" must be an object, not %s", n.Kind)
	}
	out := make(map[string]string, len(n.Props()))
	for _, p := range n.Props() {
		v := p.Value
		switch {
		case v == nil:
			return nil, fmt.Errorf("%q has no value", p.Key.Value)
		case v.Kind == jsonc.String:
			s, err := x.expand(v)
			if err != nil {
				return nil, err
			}
			out[p.Key.Value] = s
		case v.Kind == jsonc.Number || v.Kind == jsonc.Bool:
			out[p.Key.Value] = v.Value
		default:
			return nil, fmt.Errorf("argument %q must be a string, not %s", p.Key.Value, v.Kind)
		}
	}
	return out, nil
}

// expand returns a string node's value with its variable references
// replaced. Unlike a server's fields, where an unset variable only warns,
// a request fails on one: a test run must not send an empty value.
func (x expander) expand(n *jsonc.Node) (string, error) {
	vars := config.Vars(x.f.Doc.Text, n)
	if len(vars) == 0 {
		return n.Value, nil
	}
	var b strings.Builder
	rest := n.Value
	for _, v := range vars {
		literal, err := decodeLiteral(x.f.Doc.Text[v.Start:v.End])
		if err != nil {
			return "", err
		}
		i := strings.Index(rest, literal)
		if i < 0 {
			return "", fmt.Errorf("cannot find %s in its string", literal)
		}
		val, err := x.value(v, literal)
		if err != nil {
			return "", err
		}
		b.WriteString(rest[:i])
		b.WriteString(val)
		rest = rest[i+len(literal):]
	}
	b.WriteString(rest)
	return b.String(), nil
}

// decodeLiteral decodes the source of one reference, which may hold JSON
// escapes (\u0024{X}).
func decodeLiteral(raw []byte) (string, error) {
	if !strings.ContainsRune(string(raw), '\\') {
		return string(raw), nil
	}
	var s string
	if err := json.Unmarshal([]byte(`"`+string(raw)+`"`), &s); err != nil {
		return "", fmt.Errorf("decoding %s: %w", raw, err)
	}
	return s, nil
}

func (x expander) value(v config.Var, literal string) (string, error) {
	switch v.Kind {
	case config.VarEnv:
		val, ok := "", false
		if x.env.LookupEnv != nil {
			val, ok = x.env.LookupEnv(v.Name)
		}
		if v.HasDefault && (!ok || val == "") {
			return v.Default, nil
		}
		if !ok {
			return "", fmt.Errorf("environment variable %s is not set and %s has no default", v.Name, literal)
		}
		return val, nil
	case config.VarInput:
		if x.env.LookupInput != nil {
			if val, ok := x.env.LookupInput(v.Name); ok {
				return val, nil
			}
		}
		return "", fmt.Errorf("input %q has no value: set %s", v.Name, InputEnvName(v.Name))
	case config.VarWorkspaceFolder, config.VarWorkspaceFolderBasename:
		ws := x.env.WorkspaceFolder
		if ws == "" {
			ws = x.f.WorkspaceFolder()
		}
		if v.Kind == config.VarWorkspaceFolderBasename {
			return filepath.Base(ws), nil
		}
		return ws, nil
	case config.VarUserHome:
		return x.env.UserHome, nil
	case config.VarPathSeparator:
		return string(filepath.Separator), nil
	}
	return literal, nil // unsupported or malformed: used as written, as for servers
}

// fillTemplate expands an RFC 6570 level 1 URI template: each {name} is
// replaced by the percent-encoded value of that argument.
func fillTemplate(tmpl string, vars map[string]string) (string, error) {
	var b strings.Builder
	rest := tmpl
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return "", fmt.Errorf("URI template %q: unclosed '{'", tmpl)
		}
		name := rest[open+1 : open+end]
		val, ok := vars[name]
		if !ok {
			return "", fmt.Errorf("URI template %q: no argument for {%s}", tmpl, name)
		}
		b.WriteString(rest[:open])
		b.WriteString(escapeUnreserved(val))
		rest = rest[open+end+1:]
	}
}

// escapeUnreserved percent-encodes every byte but RFC 3986's unreserved
// characters, as RFC 6570 simple string expansion does.
func escapeUnreserved(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
