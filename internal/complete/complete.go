// Package complete owns completion in MCP config files: the keys of every
// context (a server entry's by its transport, oauth, inputs, requests), the
// values of closed sets (transport and input types, booleans, server names
// in a request), variable references inside strings (${env:, ${input:, the
// ${ forms), and snippets for a new server, input or request.
//
// Complete is a pure function of a loaded file and an offset. It does no
// work on the whole document beyond jsonc's Locate, so that it stays fast on
// large files. Items replace the token under the cursor, quotes included,
// and are right for half-typed text (an unclosed string, a bare word, a
// missing value).
package complete

import (
	"bytes"
	"sort"
	"strconv"
	"strings"

	"mcpls/internal/config"
	"mcpls/internal/jsonc"
)

// ItemKind says what an item inserts.
type ItemKind int

// The kinds of completion item.
const (
	KindProperty   ItemKind = iota + 1 // a key
	KindValue                          // a value scaffold or literal
	KindSnippet                        // a whole new entry
	KindVariable                       // a variable reference or name
	KindEnumMember                     // one value of a closed set
	KindReference                      // a name defined elsewhere in the file (server, input)
)

func (k ItemKind) String() string {
	switch k {
	case KindProperty:
		return "property"
	case KindValue:
		return "value"
	case KindSnippet:
		return "snippet"
	case KindVariable:
		return "variable"
	case KindEnumMember:
		return "enum"
	case KindReference:
		return "reference"
	}
	return "unknown"
}

// Item is one completion candidate.
type Item struct {
	Label         string
	Detail        string
	Documentation string // markdown
	Kind          ItemKind
	// InsertText replaces the document bytes [Start, End). When Snippet is
	// set it is in LSP snippet syntax ($1, ${1:x}, ${1|a,b|}, $0).
	InsertText string
	Snippet    bool
	Start, End int
	// SortText orders items (the editor sorts by it, then by Label);
	// FilterText is what the editor matches the typed prefix against.
	SortText, FilterText string
}

// Complete returns the completion items at offset in f, none inside a
// comment. env is used for the names after "${env:": the server's env
// entries, the names its envFile defines (read through env.ReadFile), and
// a few common names that env.LookupEnv reports set (the inherited
// environment cannot be listed). Values are never shown.
func Complete(f *config.File, offset int, env config.Env) []Item {
	if f == nil || f.Doc == nil || offset < 0 || offset > len(f.Doc.Text) || inComment(f.Doc.Text, offset) {
		return nil
	}
	c := &completer{f: f, text: f.Doc.Text, offset: offset, env: env}
	c.loc = f.Doc.Locate(offset)
	if c.loc.Node == nil && offset > 0 && f.Doc.Text[offset-1] == '"' {
		// Just after a closed string: the editor asks when the closing
		// quote is typed, and nothing can follow a string directly.
		return nil
	}
	c.ctx = config.ContextOf(c.loc.Path)
	c.start, c.end = c.loc.Start, c.tokenEnd()
	if items, ok := c.variables(); ok {
		return items
	}
	switch {
	case c.loc.Container == nil:
		if f.Doc.Root == nil {
			return c.skeletons()
		}
		return nil
	case c.loc.InKey:
		return c.keys()
	case c.loc.InValue:
		return c.values()
	}
	return nil
}

// completer holds what one completion request computes once.
type completer struct {
	f          *config.File
	text       []byte
	offset     int
	env        config.Env
	loc        jsonc.Location
	ctx        config.Context
	start, end int // the range every item replaces

	commasKnown, commaBefore, commaAfter bool // withCommas' cache
}

// tokenEnd is the end of the range to replace. An unclosed string runs to
// the end of its line, which may hold text the user did not mean to
// replace (a closing brace on the same line): there the range stops after
// the word under the cursor.
func (c *completer) tokenEnd() int {
	n := c.loc.Node
	if n == nil || n.Kind != jsonc.String || n.Closed || c.loc.End <= c.offset {
		return c.loc.End
	}
	if n.Start < len(c.text) && c.text[n.Start] != '"' { // a bare word
		return c.loc.End
	}
	i := c.offset
	for i < c.loc.End && isWordByte(c.text[i]) {
		i++
	}
	return i
}

func isWordByte(b byte) bool {
	return b == '_' || b == '-' || b == '.' || b == '$' || b == '/' ||
		(b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
}

// quoted reports whether the replaced range starts with a quote: the
// editor then filters on the quoted text.
func (c *completer) quoted() bool {
	return c.start < c.end && c.start < len(c.text) && c.text[c.start] == '"'
}

// item builds an item over the completer's range with the filter text the
// editor needs.
func (c *completer) item(label string, kind ItemKind, insert string, snippet bool) Item {
	it := Item{Label: label, Kind: kind, InsertText: insert, Snippet: snippet, Start: c.start, End: c.end, FilterText: label}
	if c.quoted() {
		it.FilterText = `"` + label + `"`
	}
	return it
}

// needsComma reports whether text follows the range that would need a
// comma before it: the next member or element, on this line or a later one.
func (c *completer) needsComma() bool {
	i := skipTrivia(c.text, c.end)
	if i >= len(c.text) {
		return false
	}
	b := c.text[i]
	return b == '"' || b == '{' || b == '[' || b == '-' || isWordByte(b)
}

// needsCommaBefore reports whether a member or element ends before the
// range with no comma after it: an insertion there needs one first.
func (c *completer) needsCommaBefore() bool {
	prev := c.previousEnd()
	if prev < 0 {
		return false
	}
	i := skipTrivia(c.text, prev)
	return i >= c.start || c.text[i] != ','
}

// previousEnd is the end of the container's last member or element before
// the range (other than the one being completed), -1 when there is none.
func (c *completer) previousEnd() int {
	cont := c.loc.Container
	if cont == nil || cont.Kind == jsonc.Object && !c.loc.InKey {
		return -1 // a member's value: the comma goes after the member
	}
	if cont.Kind == jsonc.Object {
		props := cont.Props()
		i := sort.Search(len(props), func(i int) bool { return props[i].End > c.start })
		if i == 0 || props[i-1] == c.loc.Prop {
			return -1
		}
		return props[i-1].End
	}
	items := cont.Items()
	i := sort.Search(len(items), func(i int) bool { return items[i] == nil || items[i].End > c.start })
	if i == 0 || items[i-1] == nil || items[i-1] == c.loc.Node {
		return -1
	}
	return items[i-1].End
}

// withCommas adds the commas an insertion needs between its neighbours.
func (c *completer) withCommas(s string) string {
	if !c.commasKnown {
		c.commaBefore, c.commaAfter, c.commasKnown = c.needsCommaBefore(), c.needsComma(), true
	}
	if c.commaBefore {
		s = ", " + s
	} else if c.start > 0 && c.text[c.start-1] == ':' {
		s = " " + s // completing right after the colon that triggered it
	}
	if c.commaAfter {
		s += ","
	}
	return s
}

// sortKey orders items by their index: zero-padded so that text order is
// numeric order.
func sortKey(i int) string {
	var buf [20]byte
	d := strconv.AppendInt(buf[:0], int64(i), 10)
	if len(d) >= 5 {
		return string(d)
	}
	pad := [5]byte{'0', '0', '0', '0', '0'}
	copy(pad[5-len(d):], d)
	return string(pad[:])
}

// inComment reports whether offset is inside a comment that starts on its
// line (a block comment opened on an earlier line is not seen: scanning
// the document from the start would cost too much on large files).
func inComment(text []byte, offset int) bool {
	i := bytes.LastIndexByte(text[:offset], '\n') + 1
	for i < offset {
		switch text[i] {
		case '"':
			i = stringEnd(text, i)
		case '/':
			if i+1 < len(text) && text[i+1] == '/' {
				return true // a line comment, and offset is past its start
			}
			if i+1 < len(text) && text[i+1] == '*' {
				j := indexFrom(text, i+2, "*/")
				if j < 0 || offset < j+2 {
					return i+1 < offset
				}
				i = j + 2
				continue
			}
			i++
		default:
			i++
		}
	}
	return false
}

// stringEnd is the offset after the string starting at i, or the end of
// its line when it is not closed.
func stringEnd(text []byte, i int) int {
	for i++; i < len(text); i++ {
		switch text[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		case '\n':
			return i
		}
	}
	return i
}

// skipTrivia returns the offset of the first byte at or after i that is
// not whitespace or a comment.
func skipTrivia(text []byte, i int) int {
	for i < len(text) {
		switch {
		case text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r':
			i++
		case i+1 < len(text) && text[i] == '/' && text[i+1] == '/':
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case i+1 < len(text) && text[i] == '/' && text[i+1] == '*':
			j := indexFrom(text, i+2, "*/")
			if j < 0 {
				return len(text)
			}
			i = j + 2
		default:
			return i
		}
	}
	return i
}

func indexFrom(text []byte, from int, sep string) int {
	for i := from; i+len(sep) <= len(text); i++ {
		if string(text[i:i+len(sep)]) == sep {
			return i
		}
	}
	return -1
}

// Replacers are built once: building one costs more than a completion.
var (
	snippetEscaper = strings.NewReplacer(`\`, `\\`, `$`, `\$`, `}`, `\}`)
	choiceEscaper  = strings.NewReplacer(`\`, `\\`, `$`, `\$`, `}`, `\}`, `,`, `\,`, `|`, `\|`)
	jsonEscaper    = strings.NewReplacer(`"`, `\"`, `\`, `\\`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	renumberer     = strings.NewReplacer("${2", "${1", "${3", "${2", "${4", "${3")
)
