package requests

import (
	"bytes"
	"strconv"
	"strings"

	"mcpls/internal/config"
	"mcpls/internal/jsonc"
	"mcpls/internal/schema"
)

// CodeActions returns the fixes for the diagnostics of this package that
// overlap [start, end]: the suggested name in place of a misspelt tool,
// prompt, resource or argument, and the missing required arguments
// inserted with placeholders.
func CodeActions(f *config.File, diags []config.Diagnostic, start, end int, catalogs Catalogs) []Action {
	if f == nil || f.Doc == nil {
		return nil
	}
	var out []Action
	done := map[[2]int]bool{}
	for _, d := range diags {
		if d.Start > end || d.End < start {
			continue
		}
		switch d.Code {
		case CodeUnknownTool, CodeUnknownPrompt, CodeUnknownResource, CodeUnknownArgument:
			if d.Fix != "" {
				out = append(out, Action{Title: "Change to " + d.Fix, Diagnostic: d,
					Edits: []Edit{{Start: d.Start, End: d.End, NewText: d.Fix}}})
			}
		case CodeMissingArgument:
			if done[[2]int{d.Start, d.End}] {
				continue
			}
			done[[2]int{d.Start, d.End}] = true
			if a, ok := addMissing(f, d, catalogs); ok {
				out = append(out, a)
			}
		}
	}
	return out
}

// member is a "name": value pair to insert.
type member struct{ name, value string }

func (m member) text() string { return jsonString(m.name) + ": " + m.value }

// addMissing builds the action inserting every required argument missing
// where d is: in the object whose key d marks, or in a new "arguments".
func addMissing(f *config.File, d config.Diagnostic, catalogs Catalogs) (Action, bool) {
	r := requestAt(f, d.Start)
	if r == nil || !r.Server.Set || catalogs == nil {
		return Action{}, false
	}
	cat, _, ok := catalogs(r.Server.Value)
	if !ok || cat == nil {
		return Action{}, false
	}
	kind, target, ok := r.Kind()
	if !ok || !target.Set {
		return Action{}, false
	}
	ix := indexOf(cat)
	var obj *jsonc.Node
	var missing []member
	switch kind {
	case config.RequestTool:
		obj, missing = missingToolArgs(ix, r, target.Value, d)
	case config.RequestPrompt:
		if p, ok := ix.prompts[target.Value]; ok {
			obj, missing = r.Arguments, missingNamed(r.Arguments, promptProperties(p))
		}
	case config.RequestResource:
		for _, t := range ix.templates {
			if t.rt.URITemplate == target.Value {
				obj, missing = r.Arguments, missingNamed(r.Arguments, templateProperties(t))
			}
		}
	}
	if len(missing) == 0 {
		return Action{}, false
	}
	edit, ok := insertion(f.Doc.Text, r, obj, missing)
	if !ok {
		return Action{}, false
	}
	return Action{Title: addTitle(missing), Edits: []Edit{edit}, Diagnostic: d}, true
}

func addTitle(ms []member) string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = strconv.Quote(m.name)
	}
	if len(ms) == 1 {
		return "Add missing argument " + names[0]
	}
	return "Add missing arguments " + strings.Join(names, ", ")
}

// missingToolArgs finds the object the diagnostic d is about and the
// required properties it lacks, with placeholders from the schema.
func missingToolArgs(ix *index, r *config.Request, tool string, d config.Diagnostic) (*jsonc.Node, []member) {
	t, ok := ix.tools[tool]
	if !ok {
		return nil, nil
	}
	s, err := t.compiled()
	if err != nil || s == nil {
		return nil, nil
	}
	var ptr string
	var names []string
	found := false
	for _, p := range s.Validate(r.Arguments) {
		if p.Keyword != "required" {
			continue
		}
		if p.Start >= 0 && (p.Start != d.Start || p.End != d.End) {
			continue
		}
		if found && p.Pointer != ptr {
			continue
		}
		ptr, found = p.Pointer, true
		names = append(names, p.Property)
	}
	if !found {
		return nil, nil
	}
	obj := nodeAt(r.Arguments, schema.SplitPointer(ptr))
	if r.Arguments != nil && obj == nil {
		return nil, nil
	}
	base := schema.SplitPointer(ptr)
	var ms []member
	for _, name := range names {
		value := `""`
		if p, ok := s.Property(append(append([]string(nil), base...), name)); ok {
			value = p.Placeholder
		}
		ms = append(ms, member{name, value})
	}
	return obj, ms
}

func missingNamed(args *jsonc.Node, props []schema.Property) []member {
	var ms []member
	for _, p := range props {
		if p.Required && args.Prop(p.Name) == nil {
			ms = append(ms, member{p.Name, p.Placeholder})
		}
	}
	return ms
}

// nodeAt follows pointer tokens from n.
func nodeAt(n *jsonc.Node, toks []string) *jsonc.Node {
	for _, tok := range toks {
		if n == nil {
			return nil
		}
		switch n.Kind {
		case jsonc.Object:
			p := n.Prop(tok)
			if p == nil {
				return nil
			}
			n = p.Value
		case jsonc.Array:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Items()) {
				return nil
			}
			n = n.Items()[i]
		default:
			return nil
		}
	}
	return n
}

// insertion is the edit adding ms to obj, or a new "arguments" member
// holding them to the request when obj is nil.
func insertion(text []byte, r *config.Request, obj *jsonc.Node, ms []member) (Edit, bool) {
	if obj == nil {
		if r.Arguments != nil {
			return Edit{}, false
		}
		parts := make([]string, len(ms))
		for i, m := range ms {
			parts[i] = m.text()
		}
		args := member{"arguments", "{ " + strings.Join(parts, ", ") + " }"}
		return insertMembers(text, r.Node, []member{args})
	}
	if obj.Kind != jsonc.Object {
		return Edit{}, false
	}
	return insertMembers(text, obj, ms)
}

// insertMembers adds members at the end of an object, comma-separated and
// indented like its last member (on one line when the object is).
func insertMembers(text []byte, obj *jsonc.Node, ms []member) (Edit, bool) {
	if len(obj.Props()) == 0 {
		if !obj.Closed {
			return Edit{}, false
		}
		parts := make([]string, len(ms))
		for i, m := range ms {
			parts[i] = m.text()
		}
		return Edit{Start: obj.Start + 1, End: obj.End - 1, NewText: " " + strings.Join(parts, ", ") + " "}, true
	}
	last := obj.Props()[len(obj.Props())-1]
	if v := last.Value; v == nil || v.Kind == jsonc.Invalid || v.Kind == jsonc.String && !v.Closed {
		return Edit{}, false // "key": with no value yet: the member is being typed
	}
	lineStart := bytes.LastIndexByte(text[:last.Start], '\n') + 1
	indent := text[lineStart:last.Start]
	sep := ", "
	if len(bytes.TrimLeft(indent, " \t")) == 0 {
		sep = ",\n" + string(indent)
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.text()
	}
	body := strings.Join(parts, sep)
	i := last.End
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	if i < len(text) && text[i] == ',' { // a trailing comma: keep one after the new members
		return Edit{Start: i + 1, End: i + 1, NewText: strings.TrimPrefix(sep, ",") + body + ","}, true
	}
	return Edit{Start: last.End, End: last.End, NewText: sep + body}, true
}
