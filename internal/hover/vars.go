package hover

import (
	"fmt"
	"path/filepath"
	"strings"

	"mcpls/internal/config"
	"mcpls/internal/jsonc"
)

// varAt finds the variable reference of string n under the offset.
func (h *hoverer) varAt(n *jsonc.Node) (config.Var, bool) {
	for _, v := range config.Vars(h.f.Doc.Text, n) {
		if v.Start <= h.offset && h.offset < v.End {
			return v, true
		}
	}
	return config.Var{}, false
}

// variable says what a reference expands to, then documents its form.
func (h *hoverer) variable(v config.Var) string {
	var what string
	switch v.Kind {
	case config.VarEnv:
		what = h.envVar(v)
	case config.VarInput:
		what = h.input(v.Name)
	case config.VarWorkspaceFolder:
		what = "**The workspace folder**" + h.known(h.workspaceFolder())
	case config.VarWorkspaceFolderBasename:
		ws := h.workspaceFolder()
		if ws != "" {
			ws = filepath.Base(ws)
		}
		what = "**The name of the workspace folder**" + h.known(ws)
	case config.VarUserHome:
		home := ""
		if h.env != nil {
			home = h.env.UserHome
		}
		what = "**The user's home directory**" + h.known(home)
	case config.VarPathSeparator:
		what = fmt.Sprintf("**The path separator**: `%c`.", filepath.Separator)
	case config.VarUnsupported:
		return fmt.Sprintf("mcpls does not expand `${%s}`; it is used as written. Supported: `${env:NAME}`, `${NAME}`, `${NAME:-default}`, `${input:id}`, `${workspaceFolder}`, `${userHome}`.", v.Name)
	default:
		return "Malformed variable: write `${NAME}`, `${env:NAME}` or `${input:id}`."
	}
	if doc := formDoc(v, h.f.Doc.Text); doc != "" {
		what += "\n\n" + doc
	}
	return what
}

// known appends a value known from the environment, or a full stop.
func (h *hoverer) known(value string) string {
	if value == "" {
		return "."
	}
	return ": " + code(value) + "."
}

func (h *hoverer) workspaceFolder() string {
	if h.env != nil && h.env.WorkspaceFolder != "" {
		return h.env.WorkspaceFolder
	}
	return h.f.WorkspaceFolder()
}

// formDoc is the documentation of the reference's written form.
func formDoc(v config.Var, text []byte) string {
	label := ""
	raw := string(text[v.Start:v.End])
	switch {
	case v.Kind == config.VarEnv && v.HasDefault:
		label = "${VAR:-default}"
	case v.Kind == config.VarEnv && strings.HasPrefix(raw, "${env:"):
		label = "${env:VAR}"
	case v.Kind == config.VarEnv:
		label = "${VAR}"
	case v.Kind == config.VarInput:
		label = "${input:id}"
	default:
		label = raw
	}
	for _, f := range config.VariableForms() {
		if f.Label == label {
			return "`" + f.Label + "`: " + f.Doc
		}
	}
	return ""
}

// envVar says where an environment variable's value comes from: the
// server's env entries (whose value is in the file anyway), its envFile,
// or the inherited environment (values never shown).
func (h *hoverer) envVar(v config.Var) string {
	head := fmt.Sprintf("**Environment variable %s**", code(v.Name))
	s := h.server()
	if s != nil {
		for _, p := range s.Env {
			if p.Name == v.Name {
				return fmt.Sprintf("%s: set by this server's `env` to %s.", head, code(p.Value.Value))
			}
		}
	}
	if h.env == nil {
		return head + ", from the server's environment (`env`, `envFile`, then the inherited environment)."
	}
	if s != nil && s.EnvFile.Set {
		if t, _ := s.Expand(*h.env); t.Env != nil {
			if _, ok := t.Env[v.Name]; ok {
				return head + ": set by this server's `envFile`."
			}
		}
	}
	if h.env.LookupEnv != nil {
		if _, ok := h.env.LookupEnv(v.Name); ok {
			return head + ": set in the environment."
		}
	}
	if v.HasDefault {
		return fmt.Sprintf("%s: **not set**; expands to the default %s.", head, code(v.Default))
	}
	return head + ": **not set**; expands to an empty string."
}

// input documents the input a reference names.
func (h *hoverer) input(id string) string {
	in := h.f.Input(id)
	if in == nil {
		return fmt.Sprintf("**No input %s** in `inputs`: declare it there with %s.", code(id), code(`"id": "`+id+`"`))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**Input %s**", code(id))
	if in.Type.Set {
		fmt.Fprintf(&b, " · %s", in.Type.Value)
	}
	if in.Password.Value {
		b.WriteString(" · password (kept in the editor's secret store)")
	}
	if in.Description.Set {
		fmt.Fprintf(&b, "\n\n%s", in.Description.Value)
	}
	b.WriteString("\n\nAsked of the user on first use.")
	return b.String()
}

// server is the server entry the cursor is in, nil when none: the
// container's ancestor two levels below the root.
func (h *hoverer) server() *config.Server {
	path := h.loc.Path
	if len(path) < 2 || config.ContextOf(path[:2]) != config.CtxServer {
		return nil
	}
	n := h.loc.Container
	for i := len(path); i > 2 && n != nil; i-- {
		n = n.Parent
	}
	for _, s := range h.f.Servers {
		if s.Node == n {
			return s
		}
	}
	return nil
}
