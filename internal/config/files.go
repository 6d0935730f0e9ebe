package config

import (
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

// IsConfigFile reports whether path names an MCP config file: .mcp.json,
// *.mcp.json, or mcp.json inside .vscode or .cursor.
func IsConfigFile(path string) bool {
	base := filepath.Base(path)
	if strings.HasSuffix(base, ".mcp.json") {
		return true
	}
	if base != "mcp.json" {
		return false
	}
	switch filepath.Base(filepath.Dir(path)) {
	case ".vscode", ".cursor":
		return true
	}
	return false
}

// EnvFiles returns the paths of the files named by the servers' envFile
// keys, for watching: absolute when the file's Path is. Variables are
// expanded with no environment, so a path built from an environment
// variable may be wrong; EnvFilesFor takes one.
func (f *File) EnvFiles() []string {
	return f.EnvFilesFor(Env{})
}

// EnvFilesFor is EnvFiles with an environment for the variables.
func (f *File) EnvFilesFor(env Env) []string {
	r := newResolver(f, env, true)
	var out []string
	for _, s := range f.Servers {
		if p := r.envFilePath(s); p != "" && !contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// ParseEnvFile reads a .env file: NAME=value lines, "#" comments, an
// optional "export " prefix, values optionally in single quotes (taken as
// written) or double quotes (with \n, \t, \" and \\ escapes). Lines that
// are not assignments are skipped.
func ParseEnvFile(data []byte) map[string]string {
	out := map[string]string{}
	for line := range strings.Lines(string(data)) {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		name, value, ok := strings.Cut(line, "=")
		name = strings.TrimSpace(name)
		if !ok || !isIdent(name) {
			continue
		}
		out[name] = envValue(strings.TrimSpace(value))
	}
	return out
}

func envValue(v string) string {
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		return v[1 : len(v)-1]
	}
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		r := strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\"`, `"`, `\\`, `\`)
		return r.Replace(v[1 : len(v)-1])
	}
	if i := strings.Index(v, " #"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	return v
}

// LineIndex converts byte offsets to 1-based line and column numbers, the
// column counted in characters (runes), as command-line tools print them.
type LineIndex struct {
	text   []byte
	starts []int // byte offset of each line's start
}

// NewLineIndex indexes the lines of text.
func NewLineIndex(text []byte) *LineIndex {
	starts := []int{0}
	for i, c := range text {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &LineIndex{text: text, starts: starts}
}

// Position returns the 1-based line and character column of offset
// (clamped to the text).
func (x *LineIndex) Position(offset int) (line, col int) {
	offset = max(0, min(offset, len(x.text)))
	i := sort.Search(len(x.starts), func(i int) bool { return x.starts[i] > offset }) - 1
	return i + 1, utf8.RuneCount(x.text[x.starts[i]:offset]) + 1
}
