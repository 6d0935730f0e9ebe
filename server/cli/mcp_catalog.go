package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"mcpls/internal/mcp"
)

// writeCatalogText prints a catalog for people: the server, then its
// tools with their arguments (name*: type, * marks required), prompts
// with their arguments, resources and resource templates.
func writeCatalogText(w io.Writer, name string, cat mcp.Catalog, offline string) error {
	bw := bufio.NewWriter(w)
	head := name
	if cat.Server.Name != "" {
		head += fmt.Sprintf("  %s %s", cat.Server.Name, cat.Server.Version)
	}
	if cat.ProtocolVersion != "" {
		head += ", protocol " + cat.ProtocolVersion
	}
	if offline != "" {
		head += "  (" + offline + ")"
	}
	fmt.Fprintln(bw, head)
	fmt.Fprintf(bw, "\ntools (%d)%s\n", len(cat.Tools), requiredLegend(len(cat.Tools)+len(cat.Prompts)))
	for _, t := range cat.Tools {
		entry(bw, t.Name+"("+schemaArgs(t.InputSchema)+")", t.Description)
	}
	fmt.Fprintf(bw, "\nprompts (%d)\n", len(cat.Prompts))
	for _, p := range cat.Prompts {
		args := make([]string, len(p.Arguments))
		for i, a := range p.Arguments {
			args[i] = a.Name + mark(a.Required)
		}
		entry(bw, p.Name+"("+strings.Join(args, ", ")+")", p.Description)
	}
	fmt.Fprintf(bw, "\nresources (%d)\n", len(cat.Resources))
	for _, r := range cat.Resources {
		entry(bw, r.URI+"  "+r.Name+mime(r.MIMEType), r.Description)
	}
	fmt.Fprintf(bw, "\nresource templates (%d)\n", len(cat.Templates))
	for _, r := range cat.Templates {
		entry(bw, r.URITemplate+"  "+r.Name+mime(r.MIMEType), r.Description)
	}
	return bw.Flush()
}

func requiredLegend(n int) string {
	if n == 0 {
		return ""
	}
	return "  * = required"
}

func entry(w io.Writer, head, description string) {
	fmt.Fprintf(w, "  %s\n", head)
	if d := firstLine(description); d != "" {
		fmt.Fprintf(w, "      %s\n", d)
	}
}

func mime(t string) string {
	if t == "" {
		return ""
	}
	return " (" + t + ")"
}

func mark(required bool) string {
	if required {
		return "*"
	}
	return ""
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(s)
}

// schemaArgs renders an object schema's properties, in their order, as
// "name*: type, other: type".
func schemaArgs(raw json.RawMessage) string {
	var s struct {
		Properties json.RawMessage `json:"properties"`
		Required   []string        `json:"required"`
	}
	if json.Unmarshal(raw, &s) != nil {
		return "…"
	}
	required := map[string]bool{}
	for _, r := range s.Required {
		required[r] = true
	}
	var parts []string
	for _, p := range orderedMembers(s.Properties) {
		parts = append(parts, p.name+mark(required[p.name])+": "+schemaType(p.value))
	}
	return strings.Join(parts, ", ")
}

type member struct {
	name  string
	value json.RawMessage
}

// orderedMembers returns the members of a JSON object in source order.
func orderedMembers(raw json.RawMessage) []member {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return out
		}
		out = append(out, member{fmt.Sprint(tok), v})
	}
	return out
}

// schemaType is a short type for a property schema: number, string[],
// "a"|"b", object, oneOf branches joined by |.
func schemaType(raw json.RawMessage) string {
	var s struct {
		Type  json.RawMessage   `json:"type"`
		Enum  []json.RawMessage `json:"enum"`
		Const json.RawMessage   `json:"const"`
		Items json.RawMessage   `json:"items"`
		OneOf []json.RawMessage `json:"oneOf"`
		AnyOf []json.RawMessage `json:"anyOf"`
		Ref   string            `json:"$ref"`
	}
	if json.Unmarshal(raw, &s) != nil {
		return "any"
	}
	switch {
	case len(s.Enum) > 0:
		return joinRaw(s.Enum)
	case len(s.Const) > 0:
		return string(s.Const)
	case len(s.OneOf) > 0:
		return branches(s.OneOf)
	case len(s.AnyOf) > 0:
		return branches(s.AnyOf)
	case s.Ref != "":
		return s.Ref[strings.LastIndexByte(s.Ref, '/')+1:]
	}
	var one string
	var many []string
	switch {
	case json.Unmarshal(s.Type, &one) == nil:
	case json.Unmarshal(s.Type, &many) == nil:
		return strings.Join(many, "|")
	default:
		return "any"
	}
	if one == "array" && len(s.Items) > 0 {
		item := schemaType(s.Items)
		if strings.Contains(item, "|") {
			item = "(" + item + ")"
		}
		return item + "[]"
	}
	return one
}

func joinRaw(values []json.RawMessage) string {
	const max = 5
	parts := make([]string, 0, max+1)
	for i, v := range values {
		if i == max {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, string(v))
	}
	return strings.Join(parts, "|")
}

func branches(list []json.RawMessage) string {
	parts := make([]string, len(list))
	for i, b := range list {
		parts[i] = branchType(b)
	}
	return strings.Join(parts, "|")
}

// branchType names one branch of a oneOf: an object branch by its title,
// or by its const discriminator ({kind: "circle"}).
func branchType(raw json.RawMessage) string {
	t := schemaType(raw)
	if t != "object" {
		return t
	}
	var s struct {
		Title      string          `json:"title"`
		Properties json.RawMessage `json:"properties"`
	}
	if json.Unmarshal(raw, &s) != nil {
		return t
	}
	for _, p := range orderedMembers(s.Properties) {
		var c struct {
			Const json.RawMessage `json:"const"`
		}
		if json.Unmarshal(p.value, &c) == nil && len(c.Const) > 0 {
			return "{" + p.name + ": " + string(c.Const) + "}"
		}
	}
	if s.Title != "" {
		return s.Title
	}
	return t
}
