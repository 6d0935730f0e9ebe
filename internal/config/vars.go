package config

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"mcpls/internal/jsonc"
)

// VarKind is the kind of a variable reference in a string value.
type VarKind uint8

// The kinds of variable reference.
const (
	VarEnv                     VarKind = iota + 1 // ${VAR}, ${VAR:-default}, ${env:VAR}
	VarInput                                      // ${input:id}
	VarWorkspaceFolder                            // ${workspaceFolder}
	VarWorkspaceFolderBasename                    // ${workspaceFolderBasename}
	VarUserHome                                   // ${userHome}
	VarPathSeparator                              // ${pathSeparator} or ${/}
	VarUnsupported                                // a form mcpls cannot expand: ${command:x}, ${config:x}, ...
	VarMalformed                                  // "${" with no "}", or "${}"
)

// Var is one variable reference in a string value.
type Var struct {
	Kind VarKind
	// Name is the variable (VarEnv), the input id (VarInput), or the text
	// between the braces (VarUnsupported, VarMalformed).
	Name       string
	Default    string // the text after ":-" in ${VAR:-default}
	HasDefault bool
	// Start, End: the whole reference in the document ("${" to "}").
	Start, End int
	// NameStart, NameEnd: the name in the document.
	NameStart, NameEnd int
	// from, to: the reference in the decoded string value.
	from, to int
}

// Vars returns the variable references of a string node of the document
// text, with their ranges in the document. Escapes in the JSON string are
// accounted for: a reference written with \u0024 still maps to its source.
func Vars(text []byte, n *jsonc.Node) []Var {
	_, vars := scanString(text, n)
	return vars
}

// scanString decodes a string node and finds its variable references.
func scanString(text []byte, n *jsonc.Node) (string, []Var) {
	if n == nil {
		return "", nil
	}
	if n.Kind != jsonc.String {
		return n.Value, nil // a number in env is taken as written
	}
	start, end := n.Start+1, n.End
	if n.Closed && end > start {
		end-- // drop the closing quote
	}
	if start > end || end > len(text) {
		return n.Value, nil
	}
	raw := text[start:end]
	if !mayHaveVars(raw) {
		return n.Value, nil
	}
	var offs []int // offs[i] is the source offset of decoded byte i; nil means identity
	decoded := string(raw)
	if hasBackslash(raw) {
		decoded, offs = decodeMapped(raw, start)
	}
	src := func(i int) int {
		if offs == nil {
			return start + i
		}
		return offs[i]
	}
	vars := parseVars(decoded)
	for i := range vars {
		v := &vars[i]
		v.Start, v.End = src(v.from), src(v.to)
		v.NameStart, v.NameEnd = src(v.NameStart), src(v.NameEnd)
	}
	return decoded, vars
}

// mayHaveVars reports whether a raw string body may hold a reference: a
// '$', or an escape that may spell one.
func mayHaveVars(b []byte) bool {
	for _, c := range b {
		if c == '$' || c == '\\' {
			return true
		}
	}
	return false
}

func hasBackslash(b []byte) bool {
	for _, c := range b {
		if c == '\\' {
			return true
		}
	}
	return false
}

// decodeMapped decodes the body of a JSON string and records, for each
// decoded byte, the offset of the source text it came from (base is the
// offset of raw[0]). The last entry, one past the decoded text, is the end
// of raw. Invalid escapes decode to the escaped character.
func decodeMapped(raw []byte, base int) (string, []int) {
	var b strings.Builder
	offs := make([]int, 0, len(raw)+1)
	emit := func(s string, at int) {
		b.WriteString(s)
		for range len(s) {
			offs = append(offs, at)
		}
	}
	for i := 0; i < len(raw); {
		at := base + i
		c := raw[i]
		if c != '\\' || i+1 >= len(raw) {
			b.WriteByte(c)
			offs = append(offs, at)
			i++
			continue
		}
		r, n := unescape(raw[i:])
		emit(string(r), at)
		i += n
	}
	offs = append(offs, base+len(raw))
	return b.String(), offs
}

// unescape decodes the escape at the start of s (s[0] == '\\'), returning
// the rune and the number of source bytes used.
func unescape(s []byte) (rune, int) {
	switch s[1] {
	case 'b':
		return '\b', 2
	case 'f':
		return '\f', 2
	case 'n':
		return '\n', 2
	case 'r':
		return '\r', 2
	case 't':
		return '\t', 2
	case 'u':
		r, ok := hex4(s[2:])
		if !ok {
			return 'u', 2
		}
		if utf16.IsSurrogate(r) && len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
			if r2, ok := hex4(s[8:]); ok {
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					return dec, 12
				}
			}
		}
		return r, 6
	}
	r, n := utf8.DecodeRune(s[1:])
	return r, 1 + n
}

func hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// parseVars finds the references in a decoded string. Offsets (from, to,
// NameStart, NameEnd) are into s.
func parseVars(s string) []Var {
	var vars []Var
	for i := 0; ; {
		j := strings.Index(s[i:], "${")
		if j < 0 {
			return vars
		}
		j += i
		k := strings.IndexByte(s[j+2:], '}')
		if k < 0 {
			return append(vars, Var{Kind: VarMalformed, Name: s[j+2:], from: j, to: len(s), NameStart: j + 2, NameEnd: len(s)})
		}
		end := j + 2 + k + 1
		v := classify(s[j+2:end-1], j+2)
		v.from, v.to = j, end
		vars = append(vars, v)
		i = end
	}
}

// classify tells what the text between "${" and "}" refers to; at is the
// offset of that text.
func classify(inner string, at int) Var {
	v := Var{Name: inner, NameStart: at, NameEnd: at + len(inner)}
	switch inner {
	case "":
		v.Kind = VarMalformed
		return v
	case "workspaceFolder":
		v.Kind = VarWorkspaceFolder
		return v
	case "workspaceFolderBasename":
		v.Kind = VarWorkspaceFolderBasename
		return v
	case "userHome":
		v.Kind = VarUserHome
		return v
	case "pathSeparator", "/":
		v.Kind = VarPathSeparator
		return v
	}
	if name, ok := strings.CutPrefix(inner, "env:"); ok {
		v = named(v, VarEnv, name, at+4)
		if name, def, ok := strings.Cut(v.Name, ":-"); ok && name != "" {
			v.Name, v.NameEnd, v.Default, v.HasDefault = name, v.NameStart+len(name), def, true
		}
		return v
	}
	if id, ok := strings.CutPrefix(inner, "input:"); ok {
		return named(v, VarInput, id, at+6)
	}
	if name, def, ok := strings.Cut(inner, ":-"); ok && isIdent(name) {
		v.Kind, v.Name, v.NameEnd = VarEnv, name, at+len(name)
		v.Default, v.HasDefault = def, true
		return v
	}
	if isIdent(inner) {
		v.Kind = VarEnv
		return v
	}
	v.Kind = VarUnsupported
	return v
}

func named(v Var, kind VarKind, name string, at int) Var {
	if name == "" {
		v.Kind = VarMalformed
		return v
	}
	v.Kind, v.Name, v.NameStart, v.NameEnd = kind, name, at, at+len(name)
	return v
}

// isIdent reports whether s is a shell-style variable name.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}
