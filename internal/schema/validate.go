package schema

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"mcpls/internal/jsonc"
)

// Problem is one way a value fails its schema, at a byte range of the
// document.
type Problem struct {
	// Pointer is the JSON pointer, relative to the validated value, of the
	// instance that failed ("" for the value itself).
	Pointer string
	// Keyword is the failing schema keyword: "type", "required",
	// "additionalProperties", "enum", "format", "minimum"...
	Keyword string
	// Property is the property concerned by "required" (the missing one)
	// and "additionalProperties" (the extra one); empty otherwise.
	Property string
	Message  string
	// Start and End locate the problem: the key of the object that lacks a
	// required property, the key of an extra property, else the value.
	// Both are -1 when the problem is on the validated value itself and it
	// has no key (or no node at all: Validate(nil)).
	Start, End int
}

// instance is a value of a JSONC tree made ready for the validator, with
// the node behind every pointer.
type instance struct {
	value   any
	nodes   map[string]*jsonc.Node
	invalid map[string]bool // pointers of values that did not parse
}

// Validate checks value against s. A nil value is validated as an empty
// object (a request without arguments). Values that did not parse (half
// typed) are left out: the syntax error is reported elsewhere, and no
// problem is reported at or under them.
//
// Where a value matches none of the alternatives of anyOf or oneOf, only
// the problems of the closest alternative are reported (the one whose
// discriminating const or type matched, else the one with the fewest
// problems); ValidateAll reports those of every alternative.
func (s *Schema) Validate(value *jsonc.Node) []Problem {
	return s.validate(value, true)
}

// ValidateAll is Validate reporting the problems of every alternative of
// a failed anyOf or oneOf: every failing keyword the validator found.
func (s *Schema) ValidateAll(value *jsonc.Node) []Problem {
	return s.validate(value, false)
}

func (s *Schema) validate(value *jsonc.Node, best bool) []Problem {
	in := &instance{nodes: map[string]*jsonc.Node{}, invalid: map[string]bool{}}
	if value == nil {
		in.value = map[string]any{}
	} else {
		in.value = in.build(value, "")
	}
	err := s.root.Validate(in.value)
	if err == nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return []Problem{{Keyword: "schema", Message: err.Error(), Start: -1, End: -1}}
	}
	var leaves []*jsonschema.ValidationError
	if best {
		collectBest(verr, &leaves)
	} else {
		collectLeaves(verr, &leaves)
	}
	var out []Problem
	for _, e := range leaves {
		out = append(out, in.problems(e)...)
	}
	return tidy(out)
}

// build converts n to the generic JSON the validator takes, recording the
// node of every pointer.
func (in *instance) build(n *jsonc.Node, ptr string) any {
	in.nodes[ptr] = n
	switch n.Kind {
	case jsonc.Object:
		obj := make(map[string]any, len(n.Props()))
		for _, p := range n.Props() {
			child := ptr + "/" + escape(p.Key.Value)
			if p.Value == nil || typing(p.Value) || !p.Key.Closed {
				in.invalid[child] = true
				delete(obj, p.Key.Value)
				continue
			}
			delete(in.invalid, child) // a later duplicate wins, as in JSON.parse
			obj[p.Key.Value] = in.build(p.Value, child)
		}
		return obj
	case jsonc.Array:
		arr := make([]any, len(n.Items()))
		for i, it := range n.Items() {
			child := ptr + "/" + itoa(i)
			if typing(it) {
				in.invalid[child] = true
				continue
			}
			arr[i] = in.build(it, child)
		}
		return arr
	case jsonc.String:
		return n.Value
	case jsonc.Number:
		return json.Number(n.Value)
	case jsonc.Bool:
		return n.Value == "true"
	}
	return nil
}

// typing reports a value still being typed: one that did not parse, or a
// string without its closing quote.
func typing(n *jsonc.Node) bool {
	return n.Kind == jsonc.Invalid || n.Kind == jsonc.String && !n.Closed
}

// collectLeaves gathers the errors that name a failing keyword, below the
// groups (allOf, anyOf, oneOf, $ref) that only combine them.
func collectLeaves(e *jsonschema.ValidationError, out *[]*jsonschema.ValidationError) {
	if len(e.Causes) == 0 {
		*out = append(*out, e)
		return
	}
	for _, c := range e.Causes {
		collectLeaves(c, out)
	}
}

// collectBest is collectLeaves keeping, below a failed anyOf or oneOf,
// only the leaves of its closest alternative.
func collectBest(e *jsonschema.ValidationError, out *[]*jsonschema.ValidationError) {
	if len(e.Causes) == 0 {
		*out = append(*out, e)
		return
	}
	switch e.ErrorKind.(type) {
	case *kind.AnyOf, *kind.OneOf:
		var bestLeaves, types []*jsonschema.ValidationError
		bestScore := -1
		for _, c := range e.Causes {
			var leaves []*jsonschema.ValidationError
			collectBest(c, &leaves)
			if types != nil && len(leaves) == 1 && isType(leaves[0]) || bestScore < 0 && len(leaves) == 1 && isType(leaves[0]) {
				types = append(types, leaves[0])
			} else {
				types = nil
			}
			if score := branchScore(e.InstanceLocation, leaves); bestScore < 0 || score < bestScore {
				bestLeaves, bestScore = leaves, score
			}
		}
		if len(types) == len(e.Causes) { // the value has none of the types: say all
			bestLeaves = types
		}
		*out = append(*out, bestLeaves...)
		return
	}
	for _, c := range e.Causes {
		collectBest(c, out)
	}
}

func isType(e *jsonschema.ValidationError) bool {
	_, ok := e.ErrorKind.(*kind.Type)
	return ok
}

// branchScore ranks an alternative by its problems, lower is closer: a
// wrong type of the value itself, or a wrong const or enum of one of its
// members (a discriminator), weighs more than any number of other
// problems.
func branchScore(at []string, leaves []*jsonschema.ValidationError) int {
	score := len(leaves)
	for _, l := range leaves {
		depth := len(l.InstanceLocation) - len(at)
		switch l.ErrorKind.(type) {
		case *kind.Type:
			if depth == 0 {
				score += 1000
			}
		case *kind.Const, *kind.Enum:
			if depth <= 1 {
				score += 1000
			}
		}
	}
	return score
}

// problems turns one leaf error into problems at ranges.
func (in *instance) problems(e *jsonschema.ValidationError) []Problem {
	ptr := pointer(e.InstanceLocation)
	if in.underInvalid(ptr) {
		return nil
	}
	kw := keyword(e.ErrorKind)
	if names, ok := missingOf(e.ErrorKind); ok {
		var out []Problem
		for _, name := range names {
			if in.invalid[ptr+"/"+escape(name)] {
				continue
			}
			p := in.at(ptr, kw, missingMessage(e.ErrorKind, name))
			p.Property = name
			p.Start, p.End = in.keyRange(ptr)
			out = append(out, p)
		}
		return out
	}
	if names, ok := extraOf(e.ErrorKind); ok {
		var out []Problem
		for _, name := range names {
			p := in.at(ptr, kw, "property "+quote(name)+" is not allowed")
			p.Property = name
			p.Start, p.End = in.keyRange(ptr + "/" + escape(name))
			out = append(out, p)
		}
		return out
	}
	p := in.at(ptr, kw, describeError(e.ErrorKind))
	if n := in.nodes[ptr]; n != nil {
		p.Start, p.End = n.Start, n.End
	}
	return []Problem{p}
}

func (in *instance) at(ptr, kw, msg string) Problem {
	return Problem{Pointer: ptr, Keyword: kw, Message: msg, Start: -1, End: -1}
}

// keyRange is the range of the key holding the value at ptr; for an array
// item, the item itself; -1, -1 for a validated value without a key.
func (in *instance) keyRange(ptr string) (int, int) {
	n := in.nodes[ptr]
	if n == nil || n.Parent == nil {
		return -1, -1
	}
	if n.Parent.Kind == jsonc.Object {
		for _, p := range n.Parent.Props() {
			if p.Value == n {
				return p.Key.Start, p.Key.End
			}
		}
	}
	if ptr == "" {
		return -1, -1
	}
	return n.Start, n.End
}

func (in *instance) underInvalid(ptr string) bool {
	for bad := range in.invalid {
		if ptr == bad || strings.HasPrefix(ptr, bad+"/") {
			return true
		}
	}
	return false
}

// tidy sorts problems by position, drops duplicates and merges the type
// errors of alternatives at one value into one ("expected string or
// number, got boolean").
func tidy(ps []Problem) []Problem {
	ps = mergeTypes(ps)
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Start != ps[j].Start {
			return ps[i].Start < ps[j].Start
		}
		return ps[i].Pointer < ps[j].Pointer
	})
	out := ps[:0]
	seen := map[Problem]bool{}
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(escape(t))
	}
	return b.String()
}

func escape(tok string) string {
	if !strings.ContainsAny(tok, "~/") {
		return tok
	}
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

// Unescape decodes one JSON pointer token.
func Unescape(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
}

// SplitPointer splits a JSON pointer into its unescaped tokens.
func SplitPointer(ptr string) []string {
	if ptr == "" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, p := range parts {
		parts[i] = Unescape(p)
	}
	return parts
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
