package schema

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Property is one property an object may have, as completion and hover
// show it.
type Property struct {
	Name        string
	Type        string // "string", "integer | null", "array of string"; "" when the schema does not say
	Description string
	Required    bool
	Default     string   // JSON; "" when none
	Enum        []string // JSON texts of enum (or const) values
	Deprecated  bool
	// Placeholder is the JSON text of a value to insert for it: its
	// default, else its first enum value, else an empty value of its type.
	Placeholder string
}

// Value is one value a member may take.
type Value struct {
	JSON   string // the value as inserted
	Source string // "enum", "const", "default", "example" or "boolean"
}

// maxDepth bounds the subschemas one lookup follows through $ref and the
// combinators, so that recursive schemas end.
const maxDepth = 64

// set is the subschemas that apply at one place of the instance.
type set []*jsonschema.Schema

// at returns the subschemas that apply to the value at path (unescaped
// pointer tokens), through $ref, allOf, anyOf, oneOf and if/then/else.
func (s *Schema) at(path []string) set {
	cur := expand(set{s.root})
	for _, tok := range path {
		var next set
		for _, sch := range cur {
			next = append(next, step(sch, tok)...)
		}
		cur = expand(next)
		if len(cur) == 0 {
			return nil
		}
	}
	return cur
}

// expand adds every subschema that applies along with each of ss.
func expand(ss set) set {
	seen := map[*jsonschema.Schema]bool{}
	var out set
	var walk func(*jsonschema.Schema, int)
	walk = func(sch *jsonschema.Schema, depth int) {
		if sch == nil || seen[sch] || depth > maxDepth {
			return
		}
		seen[sch] = true
		out = append(out, sch)
		walk(sch.Ref, depth+1)
		walk(sch.RecursiveRef, depth+1)
		if sch.DynamicRef != nil {
			walk(sch.DynamicRef.Ref, depth+1)
		}
		for _, list := range [][]*jsonschema.Schema{sch.AllOf, sch.AnyOf, sch.OneOf} {
			for _, sub := range list {
				walk(sub, depth+1)
			}
		}
		walk(sch.Then, depth+1)
		walk(sch.Else, depth+1)
	}
	for _, sch := range ss {
		walk(sch, 0)
	}
	return out
}

// step returns the subschemas of sch for the member or item tok.
func step(sch *jsonschema.Schema, tok string) set {
	var out set
	if p, ok := sch.Properties[tok]; ok {
		out = append(out, p)
	}
	for re, p := range sch.PatternProperties {
		if re.MatchString(tok) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		if ap, ok := sch.AdditionalProperties.(*jsonschema.Schema); ok {
			out = append(out, ap)
		}
	}
	i, err := strconv.Atoi(tok)
	if err != nil || i < 0 {
		return out
	}
	switch items := sch.Items.(type) {
	case *jsonschema.Schema:
		out = append(out, items)
	case []*jsonschema.Schema:
		if i < len(items) {
			out = append(out, items[i])
		} else if ai, ok := sch.AdditionalItems.(*jsonschema.Schema); ok {
			out = append(out, ai)
		}
	}
	if i < len(sch.PrefixItems) {
		out = append(out, sch.PrefixItems[i])
	} else if sch.Items2020 != nil {
		out = append(out, sch.Items2020)
	}
	return out
}

// Properties returns the properties the object at path may have: the
// required ones first (in the order of "required"), then the others by
// name.
func (s *Schema) Properties(path []string) []Property {
	here := s.at(path)
	required := map[string]bool{}
	var order []string
	for _, sch := range here {
		for _, name := range sch.Required {
			if !required[name] {
				required[name] = true
				order = append(order, name)
			}
		}
	}
	var rest []string
	for _, sch := range here {
		for name := range sch.Properties {
			if !required[name] && !containsString(rest, name) {
				rest = append(rest, name)
			}
		}
	}
	sort.Strings(rest)
	props := make([]Property, 0, len(order)+len(rest))
	for _, name := range append(order, rest...) {
		p := describe(expand(stepAll(here, name)))
		p.Name, p.Required = name, required[name]
		props = append(props, p)
	}
	return props
}

// Property describes the member at path (its last token is the name).
func (s *Schema) Property(path []string) (Property, bool) {
	if len(path) == 0 {
		return Property{}, false
	}
	here := s.at(path[:len(path)-1])
	name := path[len(path)-1]
	sub := expand(stepAll(here, name))
	if len(sub) == 0 {
		return Property{}, false
	}
	p := describe(sub)
	p.Name = name
	for _, sch := range here {
		if containsString(sch.Required, name) {
			p.Required = true
		}
	}
	return p, true
}

func stepAll(ss set, tok string) set {
	var out set
	for _, sch := range ss {
		out = append(out, step(sch, tok)...)
	}
	return out
}

// Values returns the values the member at path may take: from enum,
// const, default and examples, and true and false for a boolean.
func (s *Schema) Values(path []string) []Value {
	here := s.at(path)
	var out []Value
	seen := map[string]bool{}
	add := func(v any, source string) {
		text, err := marshal(v)
		if err != nil || seen[string(text)] {
			return
		}
		seen[string(text)] = true
		out = append(out, Value{JSON: string(text), Source: source})
	}
	for _, sch := range here {
		if sch.Enum != nil {
			for _, v := range sch.Enum.Values {
				add(v, "enum")
			}
		}
		if sch.Const != nil {
			add(*sch.Const, "const")
		}
	}
	for _, sch := range here {
		if sch.Default != nil {
			add(*sch.Default, "default")
		}
		for _, v := range sch.Examples {
			add(v, "example")
		}
	}
	if containsString(typesOf(here), "boolean") {
		add(true, "boolean")
		add(false, "boolean")
	}
	return out
}

// describe summarises the subschemas of one value.
func describe(ss set) Property {
	var p Property
	types := typesOf(ss)
	p.Type = typeText(ss, types)
	for _, sch := range ss {
		if p.Description == "" {
			p.Description = strings.TrimSpace(sch.Description)
		}
		if p.Description == "" && sch.Title != "" {
			p.Description = sch.Title
		}
		if p.Default == "" && sch.Default != nil {
			if b, err := marshal(*sch.Default); err == nil {
				p.Default = string(b)
			}
		}
		p.Deprecated = p.Deprecated || sch.Deprecated
		if sch.Enum != nil {
			for _, v := range sch.Enum.Values {
				if b, err := marshal(v); err == nil {
					p.Enum = append(p.Enum, string(b))
				}
			}
		}
		if sch.Const != nil {
			if b, err := marshal(*sch.Const); err == nil {
				p.Enum = append(p.Enum, string(b))
			}
		}
	}
	p.Placeholder = placeholder(p, types)
	return p
}

func typesOf(ss set) []string {
	var out []string
	for _, sch := range ss {
		if sch.Types == nil {
			continue
		}
		for _, t := range sch.Types.ToStrings() {
			if !containsString(out, t) {
				out = append(out, t)
			}
		}
	}
	if containsString(out, "integer") && containsString(out, "number") {
		out = removeString(out, "integer")
	}
	if containsString(out, "null") && len(out) > 1 { // "integer | null": the type first
		out = append(removeString(out, "null"), "null")
	}
	return out
}

func removeString(list []string, s string) []string {
	out := list[:0:0]
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

// typeText names the types of a value: "string", "integer | null", "array
// of string".
func typeText(ss set, types []string) string {
	if len(types) == 1 && types[0] == "array" {
		var items set
		for _, sch := range ss {
			items = append(items, step(sch, "0")...)
		}
		if it := typesOf(expand(items)); len(it) == 1 {
			return "array of " + it[0]
		}
	}
	if len(types) == 0 {
		for _, sch := range ss {
			if sch.Enum != nil || sch.Const != nil {
				return "enum"
			}
		}
	}
	return strings.Join(types, " | ")
}

func placeholder(p Property, types []string) string {
	switch {
	case p.Default != "":
		return p.Default
	case len(p.Enum) > 0:
		return p.Enum[0]
	case len(types) == 0:
		return `""`
	}
	switch types[0] {
	case "string":
		return `""`
	case "integer", "number":
		return "0"
	case "boolean":
		return "false"
	case "object":
		return "{}"
	case "array":
		return "[]"
	}
	return "null"
}

// Summary is a markdown list of the root object's properties, one line
// each: "`a`: number (required) — First number".
func (s *Schema) Summary() string {
	return SummaryOf(s.Properties(nil))
}

// SummaryOf is the markdown list of Summary for any properties.
func SummaryOf(props []Property) string {
	var b strings.Builder
	for _, p := range props {
		b.WriteString("- ")
		b.WriteString(PropertyLine(p))
		b.WriteByte('\n')
	}
	return b.String()
}

// PropertyLine is one property in one line of markdown.
func PropertyLine(p Property) string {
	var b strings.Builder
	b.WriteString("`" + p.Name + "`")
	if p.Type != "" {
		b.WriteString(": " + p.Type)
	}
	if p.Required {
		b.WriteString(" (required)")
	}
	if p.Deprecated {
		b.WriteString(" (deprecated)")
	}
	if p.Description != "" {
		b.WriteString(" — " + firstLine(p.Description))
	}
	return b.String()
}

// Details is a property's markdown for hover: its line, then its allowed
// values and default.
func Details(p Property) string {
	var b strings.Builder
	b.WriteString(PropertyLine(p))
	if len(p.Enum) > 0 {
		b.WriteString("\n\nOne of: `" + strings.Join(p.Enum, "`, `") + "`")
	}
	if p.Default != "" {
		b.WriteString("\n\nDefault: `" + p.Default + "`")
	}
	if full := strings.TrimSpace(p.Description); strings.Contains(full, "\n") {
		b.WriteString("\n\n" + full)
	}
	return b.String()
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// marshal renders a generic JSON value without HTML escaping.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
