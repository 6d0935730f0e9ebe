// Package config owns the typed model of an MCP config file (.mcp.json,
// .vscode/mcp.json, .cursor/mcp.json, *.mcp.json): servers, inputs and saved
// requests with a source range on every key and value, the variables
// (${VAR}, ${VAR:-default}, ${env:VAR}, ${input:id}, ${workspaceFolder},
// ${userHome}) and their expansion, and the diagnostics of a file (Check).
//
// It does no I/O: Load takes the text, and whatever Check or Expand needs
// from the outside (the process environment, envFile contents) comes
// through an Env. keys.go is the one table of known keys, shared with
// completion and hover; codes.go lists every diagnostic code.
package config

import (
	"path/filepath"

	"mcpls/internal/jsonc"
)

// Range is a byte range of the document, End exclusive.
type Range struct{ Start, End int }

func rangeOf(n *jsonc.Node) Range {
	if n == nil {
		return Range{}
	}
	return Range{n.Start, n.End}
}

// File is one loaded config file.
type File struct {
	Path string // as given to Load; may be relative or empty
	Doc  *jsonc.Document
	// Servers are the entries of "mcpServers" and "servers", in source
	// order (both maps, when a file has both; duplicates kept).
	Servers  []*Server
	Inputs   []*Input
	Requests []*Request
}

// String is a string-valued member of an object: its key, its value, and
// where both are. Set is false when the member is absent or its value is
// not a string (Check reports the wrong type).
type String struct {
	Value   string
	Set     bool
	Present bool        // the key is present, whatever its value
	Key     Range       // the key, quotes included (zero when absent)
	Range   Range       // the value, quotes included (the key's when the value is missing)
	Node    *jsonc.Node // the value node (nil when absent)
}

// Number is a number-valued member of an object.
type Number struct {
	Value float64
	Set   bool
	Key   Range
	Range Range
}

// Bool is a boolean member of an object.
type Bool struct {
	Value bool
	Set   bool
	Key   Range
	Range Range
}

// Pair is one entry of a string map (env, headers).
type Pair struct {
	Name      string
	NameRange Range // the key, quotes included
	Value     String
}

// Server is one entry of mcpServers / servers.
type Server struct {
	file      *File
	Name      string
	NameRange Range       // the key, quotes included
	Range     Range       // the entry's value
	Node      *jsonc.Node // the entry's value (an object when well-formed)
	// Transport is "stdio", "http" or "sse": the explicit type when it is
	// one of those, else stdio when command is set, else http when url is
	// set; empty when it cannot be told.
	Transport string

	Type    String
	Command String
	Args    []String
	Env     []Pair
	EnvFile String
	Cwd     String
	URL     String
	Headers []Pair
	OAuth   *OAuth // nil when absent
	Timeout Number // seconds
}

// OAuth is a server's oauth object.
type OAuth struct {
	Range        Range
	ClientID     String
	ClientSecret String
	Scopes       []String
	CallbackPort Number
}

// Input is one entry of the VS Code "inputs" list.
type Input struct {
	Range       Range
	ID          String
	Type        String // promptString or pickString
	Description String
	Password    Bool
	Default     String
	Options     []String
	OptionsSet  bool
	OptionsKey  Range
}

// Request kinds: what a saved request asks of its server.
const (
	RequestTool     = "tool"
	RequestPrompt   = "prompt"
	RequestResource = "resource"
)

// Request is one entry of the top-level "requests" list.
type Request struct {
	Index       int // position in the list
	Range       Range
	Node        *jsonc.Node
	Name        String
	Server      String
	Tool        String
	Prompt      String
	Resource    String
	Description String
	// Arguments is the arguments value (any JSON; nil when absent).
	Arguments    *jsonc.Node
	ArgumentsKey Range
}

// Kind returns the request's kind and its target (the tool, prompt or
// resource member); ok is false unless exactly one of them is present.
func (r *Request) Kind() (kind string, target String, ok bool) {
	n := 0
	for _, c := range []struct {
		kind string
		s    String
	}{{RequestTool, r.Tool}, {RequestPrompt, r.Prompt}, {RequestResource, r.Resource}} {
		if c.s.Present {
			n++
			kind, target = c.kind, c.s
		}
	}
	if n != 1 {
		return "", String{}, false
	}
	return kind, target, true
}

// Server returns the first server named name, or nil.
func (f *File) Server(name string) *Server {
	for _, s := range f.Servers {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Input returns the first input with that id, or nil.
func (f *File) Input(id string) *Input {
	for _, in := range f.Inputs {
		if in.ID.Set && in.ID.Value == id {
			return in
		}
	}
	return nil
}

// WorkspaceFolder is the folder a config file belongs to, for
// ${workspaceFolder} and relative envFile paths when the editor gives none:
// the parent of .vscode or .cursor for files inside them, else the file's
// own directory. It is absolute when Path is.
func (f *File) WorkspaceFolder() string {
	return workspaceFolderOf(f.Path)
}

func workspaceFolderOf(path string) string {
	if path == "" {
		return ""
	}
	dir := filepath.Dir(path)
	switch filepath.Base(dir) {
	case ".vscode", ".cursor":
		return filepath.Dir(dir)
	}
	return dir
}
