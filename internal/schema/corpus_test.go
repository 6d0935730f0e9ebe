package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	gjs "github.com/google/jsonschema-go/jsonschema"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"mcpls/internal/jsonc"
)

// recorded names the catalogs recorded from real servers (see package
// requests: go test ./internal/requests -run TestRecordedCatalogs -record).
var recorded = []string{"demo", "everything"}

type corpusTool struct {
	Name        string          `json:"name"`
	InputSchema json.RawMessage `json:"inputSchema"`
}

func corpusTools(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	out := map[string]json.RawMessage{}
	for _, name := range recorded {
		data, err := os.ReadFile(filepath.Join("..", "requests", "testdata", "catalogs", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var cat struct{ Tools []corpusTool }
		if err := json.Unmarshal(data, &cat); err != nil {
			t.Fatal(err)
		}
		for _, tool := range cat.Tools {
			out[name+"/"+tool.Name] = tool.InputSchema
		}
	}
	if len(out) < 30 {
		t.Fatalf("only %d tool schemas recorded", len(out))
	}
	return out
}

// TestCorpusMatchesReference validates, for every recorded tool schema, a
// generated valid value and its mutations (each required property
// dropped, each property given a wrong type, an out-of-enum value, an
// extra property, at every depth), and checks that the set of (instance
// pointer, keyword) that ValidateAll reports equals what
// santhosh-tekuri/jsonschema reports directly on the same JSON text, that
// Validate reports a subset of it and agrees on validity, and that
// google/jsonschema-go agrees on validity where formats are not at stake
// (it does not assert them).
func TestCorpusMatchesReference(t *testing.T) {
	tools := corpusTools(t)
	names := make([]string, 0, len(tools))
	for n := range tools {
		names = append(names, n)
	}
	sort.Strings(names)
	total, invalid := 0, 0
	for _, name := range names {
		raw := tools[name]
		t.Run(name, func(t *testing.T) {
			ours, err := Compile(raw)
			if err != nil {
				t.Fatal(err)
			}
			ref := referenceSchema(t, raw)
			second := secondSchema(t, raw)
			doc := decodeGeneric(t, raw)
			for _, c := range corpusCases(doc) {
				total++
				text, _ := json.Marshal(c.value)
				want := referenceProblems(t, ref, text)
				tree := jsonc.Parse(text)
				got := keySet(ours.ValidateAll(tree.Root))
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: %s\n(-reference +ours):\n%s", c.name, text, diff)
				}
				checkRanges(t, c.name, tree.Root, ours.ValidateAll(tree.Root))
				best := ours.Validate(tree.Root)
				if (len(best) == 0) != (len(want) == 0) {
					t.Errorf("%s: %s: Validate says valid=%v, the reference %v", c.name, text, len(best) == 0, len(want) == 0)
				}
				for k := range keySet(best) {
					if !got[k] {
						t.Errorf("%s: %s: Validate reports %v, which ValidateAll does not", c.name, text, k)
					}
				}
				if len(want) > 0 {
					invalid++
				}
				if !hasFormat(want) {
					var v any
					_ = json.Unmarshal(text, &v)
					secondValid := second.Validate(v) == nil
					if secondValid != (len(want) == 0) {
						t.Errorf("%s: %s: google/jsonschema-go says valid=%v, the reference %v", c.name, text, secondValid, len(want) == 0)
					}
				}
			}
		})
	}
	t.Logf("%d schemas, %d values, %d invalid", len(names), total, invalid)
	if invalid*2 < total {
		t.Errorf("the corpus has too few invalid values: %d of %d", invalid, total)
	}
}

type problemKey struct{ Pointer, Keyword string }

func keySet(ps []Problem) map[problemKey]bool {
	out := map[problemKey]bool{}
	for _, p := range ps {
		out[problemKey{p.Pointer, p.Keyword}] = true
	}
	return out
}

func hasFormat(set map[problemKey]bool) bool {
	for k := range set {
		if k.Keyword == "format" {
			return true
		}
	}
	return false
}

func decodeGeneric(t *testing.T, raw []byte) any {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func referenceSchema(t *testing.T, raw []byte) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource("ref.json", decodeGeneric(t, raw)); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("ref.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// referenceProblems validates text with santhosh-tekuri/jsonschema and
// reads the leaves of its detailed output: (instance location, last step
// of the keyword location).
func referenceProblems(t *testing.T, s *jsonschema.Schema, text []byte) map[problemKey]bool {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	out := map[problemKey]bool{}
	err = s.Validate(v)
	if err == nil {
		return out
	}
	verr, ok := err.(*jsonschema.ValidationError)
	if !ok {
		t.Fatalf("validating: %v", err)
	}
	var walk func(u jsonschema.OutputUnit)
	walk = func(u jsonschema.OutputUnit) {
		if len(u.Errors) > 0 {
			for _, e := range u.Errors {
				walk(e)
			}
			return
		}
		kw := u.KeywordLocation[strings.LastIndexByte(u.KeywordLocation, '/')+1:]
		if u.Error != nil && len(u.Error.Kind.KeywordPath()) == 0 {
			kw = "false" // a false schema: the location names the member, not a keyword
		}
		out[problemKey{u.InstanceLocation, kw}] = true
	}
	walk(*verr.DetailedOutput())
	return out
}

func secondSchema(t *testing.T, raw []byte) *gjs.Resolved {
	t.Helper()
	var s gjs.Schema
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	r, err := s.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

type corpusCase struct {
	name  string
	value any
}

// corpusCases generates a valid-looking value for a schema and the
// mutations of it, each meant to break one rule.
func corpusCases(sch any) []corpusCase {
	base := sample(sch, 0)
	cases := []corpusCase{{"sample", base}}
	full := sampleAll(sch, 0)
	cases = append(cases, corpusCase{"all properties", full})
	mutate(sch, full, "", func(name string, v any) { cases = append(cases, corpusCase{name, v}) }, func(v any) any { return v })
	cases = append(cases, corpusCase{"not an object", "text"}, corpusCase{"null", nil}, corpusCase{"empty", map[string]any{}})
	return cases
}

func obj(s any) map[string]any {
	m, _ := s.(map[string]any)
	return m
}

// sample builds a value from a schema: the required properties only.
func sample(s any, depth int) any { return build(s, depth, false) }

// sampleAll builds a value with every property.
func sampleAll(s any, depth int) any { return build(s, depth, true) }

func build(s any, depth int, all bool) any {
	m := obj(s)
	if m == nil || depth > 6 {
		return nil
	}
	for _, k := range []string{"const", "default"} {
		if v, ok := m[k]; ok {
			return v
		}
	}
	if e, ok := m["enum"].([]any); ok && len(e) > 0 {
		return e[0]
	}
	if ex, ok := m["examples"].([]any); ok && len(ex) > 0 {
		return ex[0]
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		if alts, ok := m[k].([]any); ok && len(alts) > 0 {
			return build(alts[0], depth+1, all)
		}
	}
	switch typeOf(m) {
	case "object":
		out := map[string]any{}
		props := obj(m["properties"])
		req, _ := m["required"].([]any)
		for name, ps := range props {
			if all || containsAny(req, name) {
				out[name] = build(ps, depth+1, all)
			}
		}
		for _, r := range req {
			if name, ok := r.(string); ok {
				if _, ok := out[name]; !ok {
					out[name] = "x"
				}
			}
		}
		return out
	case "array":
		n := 1
		if mi, ok := m["minItems"].(json.Number); ok {
			if i, err := mi.Int64(); err == nil && i > 1 {
				n = int(i)
			}
		}
		out := make([]any, n)
		for i := range out {
			out[i] = build(m["items"], depth+1, all)
		}
		return out
	case "string":
		return "xxxxx"
	case "integer":
		return json.Number("3")
	case "number":
		return json.Number("2.5")
	case "boolean":
		return true
	}
	return nil
}

func typeOf(m map[string]any) string {
	switch t := m["type"].(type) {
	case string:
		return t
	case []any:
		if len(t) > 0 {
			s, _ := t[0].(string)
			return s
		}
	}
	if m["properties"] != nil {
		return "object"
	}
	return ""
}

func containsAny(list []any, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// mutate calls emit with each mutation of v (a value of schema s): wrap
// puts a mutated v back into the whole value.
func mutate(s any, v any, path string, emit func(string, any), wrap func(any) any) {
	m := obj(s)
	if m == nil {
		return
	}
	if typeOf(m) == "string" || m["type"] == nil && m["enum"] != nil {
		emit(path+": wrong type", wrap(json.Number("42")))
	} else {
		emit(path+": wrong type", wrap("wrong"))
	}
	if _, ok := m["enum"]; ok {
		emit(path+": out of enum", wrap("not-in-enum-zz"))
	}
	switch val := v.(type) {
	case map[string]any:
		mutateObject(m, val, path, emit, wrap)
	case []any:
		if len(val) > 0 {
			items := m["items"]
			mutate(items, val[0], path+"/0", emit, func(x any) any {
				cp := append([]any(nil), val...)
				cp[0] = x
				return wrap(cp)
			})
		}
	}
}

func mutateObject(m map[string]any, val map[string]any, path string, emit func(string, any), wrap func(any) any) {
	with := func(name string, x any, drop bool) any {
		cp := make(map[string]any, len(val)+1)
		for k, v := range val {
			cp[k] = v
		}
		if drop {
			delete(cp, name)
		} else {
			cp[name] = x
		}
		return wrap(cp)
	}
	req, _ := m["required"].([]any)
	for _, r := range req {
		if name, ok := r.(string); ok {
			emit(fmt.Sprintf("%s: drop %s", path, name), with(name, nil, true))
		}
	}
	emit(path+": extra property", with("zzExtra", json.Number("1"), false))
	props := obj(m["properties"])
	names := make([]string, 0, len(props))
	for name := range props {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if cur, ok := val[name]; ok {
			mutate(props[name], cur, path+"/"+name, emit, func(x any) any { return with(name, x, false) })
		}
	}
}

// checkRanges checks that each problem lies where its pointer says: on the
// value, or on the key of the extra property, or (for a missing property)
// on the key of the object, or nowhere for the top-level object.
func checkRanges(t *testing.T, name string, root *jsonc.Node, ps []Problem) {
	t.Helper()
	for _, p := range ps {
		n := nodeAtPointer(root, SplitPointer(p.Pointer))
		if n == nil {
			t.Errorf("%s: no node at %q", name, p.Pointer)
			continue
		}
		want := [2]int{n.Start, n.End}
		switch p.Keyword {
		case "additionalProperties":
			want = keyOf(nodeAtPointer(n, []string{p.Property}))
		case "required", "dependentRequired", "dependencies":
			want = keyOf(n)
		}
		if got := [2]int{p.Start, p.End}; got != want {
			t.Errorf("%s: problem %+v at %v, want %v", name, p, got, want)
		}
	}
}

func keyOf(n *jsonc.Node) [2]int {
	if n == nil || n.Parent == nil {
		return [2]int{-1, -1}
	}
	if n.Parent.Kind == jsonc.Object {
		for _, p := range n.Parent.Props() {
			if p.Value == n {
				return [2]int{p.Key.Start, p.Key.End}
			}
		}
	}
	return [2]int{n.Start, n.End}
}

func nodeAtPointer(n *jsonc.Node, toks []string) *jsonc.Node {
	for _, tok := range toks {
		if n == nil {
			return nil
		}
		switch n.Kind {
		case jsonc.Object:
			var next *jsonc.Node
			for _, p := range n.Props() {
				if p.Key.Value == tok {
					next = p.Value
				}
			}
			n = next
		case jsonc.Array:
			var i int
			if _, err := fmt.Sscan(tok, &i); err != nil || i < 0 || i >= len(n.Items()) {
				return nil
			}
			n = n.Items()[i]
		default:
			return nil
		}
	}
	return n
}
